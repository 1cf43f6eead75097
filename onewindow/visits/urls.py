from django.urls import path

from onewindow.visits import views

app_name = "visits"

urlpatterns = [
    path("<str:reference>/originals/", views.originals, name="originals"),
]
