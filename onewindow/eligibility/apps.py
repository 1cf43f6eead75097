from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EligibilityConfig(AppConfig):
    name = "onewindow.eligibility"
    verbose_name = _("A/B/C eligibility")
