"""The settings module: production refuses to start without its secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from onewindow.lib.env import ConfigurationError, env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "onewindow.settings"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_refuses_to_start_in_production_without_secrets() -> None:
    result = _start({"ONEWINDOW_ENV": "production"})
    assert result.returncode != 0
    assert "environment variable SECRET_KEY is required" in result.stderr


def test_it_refuses_debug_in_production(tmp_path: Path) -> None:
    env = {
        "ONEWINDOW_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ONEWINDOW_DATA_KEYS": "k1:" + "A" * 43 + "=",
        "ONEWINDOW_LOOKUP_KEY": "B" * 43 + "=",
        "DEBUG": "true",
    }
    result = _start(env)
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_it_refuses_an_unknown_environment() -> None:
    result = _start({"ONEWINDOW_ENV": "staging"})
    assert "ONEWINDOW_ENV must be development, test or production" in result.stderr


def test_it_reads_typed_values_and_fails_loudly_on_bad_ones() -> None:
    environ = {"N": "12", "B": "yes", "L": "a, b,,c", "BAD": "twelve", "S": ""}
    assert env_int("N", 1, environ=environ) == 12
    assert env_bool("B", default=False, environ=environ) is True
    assert env_list("L", [], environ=environ) == ["a", "b", "c"]
    assert env_str("S", "fallback", environ=environ) == "fallback"
    with pytest.raises(ConfigurationError, match="BAD must be an integer"):
        env_int("BAD", 1, environ=environ)
    with pytest.raises(ConfigurationError, match="B must be a boolean"):
        env_bool("B", default=False, environ={"B": "maybe"})
    with pytest.raises(ConfigurationError, match="MISSING is required"):
        env_str("MISSING", environ=environ)
    with pytest.raises(ConfigurationError, match="at least 5"):
        env_int("N", 1, minimum=50 // 10, environ={"N": "3"})
