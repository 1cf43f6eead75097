from django.urls import path

from onewindow.api import views

app_name = "tokens"

urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/revoke", views.revoke, name="revoke"),
    path("service-accounts/", views.service_accounts, name="service_accounts"),
    path("service-accounts/<int:pk>/", views.service_account, name="service_account"),
    path("service-accounts/<int:pk>/disable", views.disable_service_account, name="disable_service_account"),
]
