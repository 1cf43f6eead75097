"""Small helpers for bilingual (English / Simplified Chinese) data fields."""

from __future__ import annotations

from django.utils.translation import get_language


def is_chinese(language: str | None = None) -> bool:
    language = language or get_language() or "en"
    return language.lower().startswith("zh")


def pick(en: str, zh: str, language: str | None = None) -> str:
    """Return the Chinese or English form of a bilingual value, falling back to the other."""
    if is_chinese(language):
        return zh or en
    return en or zh
