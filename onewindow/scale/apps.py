from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScaleConfig(AppConfig):
    name = "onewindow.scale"
    verbose_name = _("Scale: national-size data and load measurements")
