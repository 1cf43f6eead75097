from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "onewindow.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from onewindow.audit import signals  # noqa: F401  (sign-in events)
