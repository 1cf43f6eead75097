"""With the production variables of `.env.example`, Django's deployment checks pass."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / ".env.example"
SECRETS = {"SECRET_KEY", "ONEWINDOW_DATA_KEYS", "ONEWINDOW_LOOKUP_KEY"}


def example_variables() -> tuple[dict[str, str], set[str]]:
    """The variables set in `.env.example`, and every variable it documents (set or commented)."""
    active: dict[str, str] = {}
    documented: set[str] = set()
    for line in EXAMPLE.read_text().splitlines():
        if match := re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line):
            active[match[1]] = match[2]
            documented.add(match[1])
        elif match := re.fullmatch(r"# ([A-Z][A-Z0-9_]*)=.*", line):
            documented.add(match[1])
    return active, documented


def generated_secret(name: str) -> str:
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    return {"SECRET_KEY": secrets.token_urlsafe(50), "ONEWINDOW_DATA_KEYS": f"k1:{key}"}.get(name, key)


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env() -> dict[str, str]:
    active, _ = example_variables()
    env = dict(active)
    for name in SECRETS:
        assert env.get(name) == "", f"{name} must be listed without a value in .env.example"
        env[name] = generated_secret(name)
    return env


def test_it_documents_every_variable_the_settings_read() -> None:
    source = (ROOT / "onewindow" / "settings.py").read_text()
    read = set(re.findall(r'(?:env_\w+|_secret)\(\s*"([A-Z][A-Z0-9_]*)"', source))
    _, documented = example_variables()
    assert read - documented == set()
    assert "ALLOWED_HOSTS" in read and "SECRET_KEY" in read


def test_it_keeps_no_secret_in_the_example() -> None:
    active, _ = example_variables()
    assert {name: active[name] for name in SECRETS} == dict.fromkeys(SECRETS, "")
    assert active["ONEWINDOW_ENV"] == "production"


def test_it_passes_the_deployment_checks_in_production() -> None:
    result = deploy_check(production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_fails_the_deployment_checks_with_a_weak_secret_key() -> None:
    result = deploy_check(production_env() | {"SECRET_KEY": "django-insecure-short"})
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.django_db
def test_it_puts_a_nonce_on_every_script(client: Client) -> None:
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None
    assert "script-src 'self' 'nonce-" in policy
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts
    assert all(f'nonce="{nonce[1]}"' in tag for tag in scripts)
