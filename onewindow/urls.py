"""OneWindow's URL map: one include per app; the HTML view and API endpoint of an
operation live in the same app."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from onewindow.api.main import api
from onewindow.front import views as front_views
from onewindow.permits import views as permit_views

urlpatterns = [
    path("healthz", front_views.healthz, name="healthz"),
    path("i18n/setlang/", front_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("onewindow.accounts.urls")),
    path("employer/", include("onewindow.employers.urls")),
    path("people/", include("onewindow.people.urls")),
    path("eligibility/", include("onewindow.eligibility.urls")),
    path("cases/", include("onewindow.cases.urls")),
    path("visits/", include("onewindow.visits.urls")),
    path("permits/", include("onewindow.permits.urls")),
    path("inbox/", include("onewindow.notifications.urls")),
    path("registry/", include("onewindow.registry.urls")),
    path("supervision/", include("onewindow.supervision.urls")),
    path("api-tokens/", include("onewindow.api.urls")),
    path("webhooks/", include("onewindow.webhooks.urls")),
    # The address in every permit's QR code: public, short, no trailing slash.
    path("verify/<str:token>", permit_views.verify_page, name="verify"),
    path("", include("onewindow.front.urls")),
]

# The benchmark's floor views, only on a bench server (``make bench``, loopback, scratch database).
if settings.ONEWINDOW_BENCH:
    urlpatterns.insert(0, path("bench/", include("onewindow.scale.urls")))
