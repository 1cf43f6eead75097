from django.urls import path

from onewindow.eligibility import views

app_name = "eligibility"

urlpatterns = [
    path("", views.self_assessment, name="assess"),
]
