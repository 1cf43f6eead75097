from django.urls import path

from onewindow.permits import views

app_name = "permits"

urlpatterns = [
    path("issue/<str:reference>/", views.issue, name="issue"),
]
