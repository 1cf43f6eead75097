"""Pytest plugin loaded before Django's settings (``-p tests.testenv`` in pyproject.toml):
selects the test posture of ``onewindow/settings.py``."""

import os

os.environ.setdefault("ONEWINDOW_ENV", "test")
