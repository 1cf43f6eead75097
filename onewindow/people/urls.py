from django.urls import path

from onewindow.people import views

app_name = "people"

urlpatterns = [
    path("me/", views.mine, name="mine"),
    path("new/<int:employer_id>/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/documents/new/", views.upload, name="upload"),
    path("documents/<int:pk>/", views.download, name="download"),
]
