from django.urls import path

from onewindow.employers import views

app_name = "employers"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/duties/new/", views.record_duty, name="record_duty"),
    path("<int:pk>/documents/new/", views.upload, name="upload"),
]
