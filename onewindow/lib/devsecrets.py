"""Development secrets generated on first use and kept under ``var/``.

Outside production OneWindow must start on a fresh clone without anyone
inventing secrets by hand, yet no secret may be committed. The first start
writes random keys to ``var/dev-secrets.env`` (ignored by git); later starts
read them back so encrypted demo data stays readable.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

DEV_SECRET_NAMES = (
    "SECRET_KEY",
    "ONEWINDOW_DATA_KEYS",
    "ONEWINDOW_LOOKUP_KEY",
    "ONEWINDOW_DEMO_PASSWORD",
)


def _new_values() -> dict[str, str]:
    data_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ONEWINDOW_DATA_KEYS": f"dev1:{data_key}",
        "ONEWINDOW_LOOKUP_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        # The password of every demo account (development only), printed by `make run`.
        "ONEWINDOW_DEMO_PASSWORD": "demo-" + secrets.token_hex(4),
    }


def load_dev_secrets(path: Path) -> dict[str, str]:
    """Return the development secrets at ``path``, creating the file if needed."""
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                name, _, value = line.partition("=")
                values[name.strip()] = value.strip()
    missing = [name for name in DEV_SECRET_NAMES if name not in values]
    if missing:
        fresh = _new_values()
        for name in missing:
            values[name] = fresh[name]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(
            "# Generated development secrets. Never used in production; never commit.\n"
            + "".join(f"{name}={values[name]}\n" for name in DEV_SECRET_NAMES)
        )
        os.chmod(tmp, 0o600)
        try:
            # Parallel test workers may race to create the file: the first one wins.
            os.link(tmp, path)
        except FileExistsError:
            tmp.unlink()
            return load_dev_secrets(path)
        tmp.unlink()
    return values
