from django.urls import path

from onewindow.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.home, name="home"),
    path("area/<int:area_id>/", views.figures, name="figures"),
    path("area/<int:area_id>/export/", views.export, name="export"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="notice_publish"),
    path("my/notices/<int:pk>/", views.my_notice, name="my_notice"),
    path("my/settings/", views.preferences, name="preferences"),
    path("n/<str:token>/", views.read_by_link, name="read_by_link"),
]
