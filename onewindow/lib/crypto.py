"""Encryption of personal data at rest, and keyed hashes for exact look-ups.

Values are sealed with AES-256-GCM (authenticated: a changed byte fails to
decrypt instead of yielding garbage). Keys come from ``ONEWINDOW_DATA_KEYS``
as ``kid:base64key`` pairs; the first key encrypts, every listed key
decrypts, so rotation is: put a new key first, run ``manage.py reencrypt``,
then drop the old key.

A sealed value is ``ow1.<kid>.<base64url(nonce || ciphertext+tag)>``; the
model field name is bound in as associated data, so a ciphertext copied
from one column into another does not decrypt.

Encrypted columns cannot be searched, so a value that must be found by
exact match (a passport number) is also stored as an HMAC-SHA256 "blind
index" under a separate key (``ONEWINDOW_LOOKUP_KEY``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

PREFIX = "ow1"


class DecryptionError(ValueError):
    """The value was not sealed with a known key, or was altered."""


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@cache
def _parse_keys(spec: str) -> tuple[str, dict[str, AESGCM]]:
    keys: dict[str, AESGCM] = {}
    current = ""
    for item in spec.split(","):
        kid, sep, material = item.strip().partition(":")
        if not sep or not kid or "." in kid:
            raise ValueError("ONEWINDOW_DATA_KEYS must be 'kid:base64key' pairs separated by commas")
        raw = _b64decode(material)
        if len(raw) != 32:
            raise ValueError(f"data key {kid!r} must be 32 bytes (base64-encoded)")
        keys[kid] = AESGCM(raw)
        current = current or kid
    if not keys:
        raise ValueError("ONEWINDOW_DATA_KEYS lists no key")
    return current, keys


def keyring() -> tuple[str, dict[str, AESGCM]]:
    return _parse_keys(settings.ONEWINDOW_DATA_KEYS)


def current_key_id() -> str:
    return keyring()[0]


def seal(plaintext: bytes, *, context: str) -> str:
    """Encrypt ``plaintext`` with the current key; ``context`` is authenticated, not stored."""
    kid, keys = keyring()
    nonce = os.urandom(12)
    ciphertext = keys[kid].encrypt(nonce, plaintext, context.encode())
    return f"{PREFIX}.{kid}.{_b64encode(nonce + ciphertext)}"


def unseal(token: str, *, context: str) -> bytes:
    try:
        prefix, kid, body = token.split(".", 2)
    except ValueError as exc:
        raise DecryptionError("not a sealed value") from exc
    if prefix != PREFIX:
        raise DecryptionError("not a sealed value")
    _, keys = keyring()
    if kid not in keys:
        raise DecryptionError(f"unknown data key {kid!r}")
    raw = _b64decode(body)
    try:
        return keys[kid].decrypt(raw[:12], raw[12:], context.encode())
    except InvalidTag as exc:
        raise DecryptionError("sealed value was altered or the context does not match") from exc


def key_id_of(token: str) -> str | None:
    parts = token.split(".", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def seal_bytes(data: bytes, *, context: str) -> bytes:
    """Encrypt a file's content; the result is ASCII so any storage backend can keep it."""
    return seal(data, context=context).encode()


def unseal_bytes(data: bytes, *, context: str) -> bytes:
    return unseal(data.decode(), context=context)


def lookup_hash(value: str, *, purpose: str) -> str:
    """Keyed hash of a normalised value, for exact look-ups of an encrypted column."""
    key = _b64decode(settings.ONEWINDOW_LOOKUP_KEY)
    normalised = "".join(value.split()).upper()
    return hmac.new(key, f"{purpose}:{normalised}".encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column stored sealed; reads and writes see the plain value.

    It cannot be filtered or ordered on: pair it with a hash column when an
    exact look-up is needed.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        if value is None or value == "":
            return value
        return self.to_python_value(unseal(value, context=self._context()).decode())

    def to_python_value(self, text: str) -> Any:
        return text

    def get_prep_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return value
        return seal(self.serialize_value(value).encode(), context=self._context())

    def serialize_value(self, value: Any) -> str:
        return str(value)


class EncryptedDateField(EncryptedTextField):
    """A date stored sealed (dates of birth): read and written as ``datetime.date``."""

    _pyi_private_set_type: dt.date | str | None  # type: ignore[assignment]
    _pyi_private_get_type: dt.date | None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("null", True)
        kwargs.setdefault("default", None)
        super().__init__(*args, **kwargs)

    def to_python_value(self, text: str) -> dt.date:
        return dt.date.fromisoformat(text)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value:
            return dt.date.fromisoformat(value)
        return value

    def serialize_value(self, value: Any) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        return dt.date.fromisoformat(str(value)).isoformat()

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return forms.DateField(required=not self.blank, **kwargs)


def sealed_fields(model: type[models.Model], prefix: str = "") -> list[str]:
    """The names of ``model``'s sealed columns (``prefix`` + name): for ``defer()`` where a page
    shows a related row's plain fields only, so that no value is decrypted for nothing."""
    return [
        f"{prefix}{field.name}"
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
