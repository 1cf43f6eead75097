from django.contrib.auth import views as auth_views
from django.urls import path

from onewindow.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/enrol/", views.enrol, name="enrol"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "second-factor/recovery-codes/new/", views.regenerate_recovery_codes, name="regenerate_recovery_codes"
    ),
    path("security/", views.security, name="security"),
    path("reauthenticate/", views.reauthenticate, name="reauthenticate"),
    path("confidentiality/", views.confidentiality, name="confidentiality"),
    path("agreements/", views.agreements, name="agreements"),
]
