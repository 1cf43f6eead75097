from django.urls import path

from onewindow.scale import views

app_name = "scale"

urlpatterns = [
    path("floor/read", views.floor_read, name="floor_read"),
    path("floor/write", views.floor_write, name="floor_write"),
]
