from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "onewindow.registry"
    verbose_name = _("Area registry and community services")
