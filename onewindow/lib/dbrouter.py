"""Send reporting reads to a PostgreSQL read replica when one is configured.

With ``DATABASE_REPLICA_URL`` set, the tables that only feed statistics and
scorecards are read from the replica (a few seconds behind is fine for a
chart); everything else, and every write, stays on the primary so that a
user always sees their own change at once.
"""

from __future__ import annotations

from typing import Any

from django.db import models

# Apps whose tables are read only for statistics, dashboards and scorecards.
REPORTING_APPS = frozenset({"supervision"})
# Tables of other apps that only feed statistics: the area registry's counts. (Its notices and
# their deliveries are ordinary pages, read back right after they are written, and locked.)
REPORTING_MODELS = frozenset({"registry.areacount", "registry.areaflow"})
REPLICA = "replica"


class ReportingRouter:
    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        if model._meta.app_label in REPORTING_APPS or model._meta.label_lower in REPORTING_MODELS:
            return REPLICA
        return None

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        # Both aliases are the same database seen through two connections.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"


def reporting_alias() -> str:
    """The alias to read reports from: the replica if configured, else the primary."""
    from django.conf import settings

    return REPLICA if REPLICA in settings.DATABASES else "default"
