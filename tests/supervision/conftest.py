from __future__ import annotations

import importlib

import pytest

from onewindow.supervision.models import TrainingModule

_MIGRATION = importlib.import_module("onewindow.supervision.migrations.0003_training_modules")


def ensure_training_modules() -> None:
    """The starting modules of the data migration (a transactional test elsewhere may have emptied the table)."""
    for code, position, title, body in _MIGRATION.MODULES:
        TrainingModule.objects.get_or_create(
            code=code, defaults={"position": position, "title": title, "body": body}
        )


@pytest.fixture(autouse=True)
def _training_modules(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("django_db") is not None:
        ensure_training_modules()
