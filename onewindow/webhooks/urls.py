from django.urls import path

from onewindow.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoints, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/disable", views.disable, name="disable"),
    path("<int:pk>/deliveries/<int:delivery_pk>/retry", views.retry, name="retry"),
]
