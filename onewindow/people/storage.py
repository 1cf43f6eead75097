"""The sealed content of documents in Django's storage (the file system, or S3 in production).

Content is sealed with AES-GCM under the current data key, bound to the
document's UUID, before it leaves the process; the stored name is random.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from onewindow.lib.crypto import current_key_id, key_id_of, seal_bytes, unseal_bytes
from onewindow.people.models import Document


def store_content(document: Document, content: bytes) -> None:
    """Seal ``content`` and write it under a new random name; sets ``file`` and ``key_id`` (unsaved)."""
    sealed = seal_bytes(content, context=document.seal_context)
    document.file.save("content", ContentFile(sealed), save=False)
    document.key_id = key_id_of(sealed.decode()) or current_key_id()


def read_content(document: Document) -> bytes:
    """The document's plain content (raises ``DecryptionError`` if it was altered or moved)."""
    with document.file.open("rb") as handle:
        sealed = handle.read()
    return unseal_bytes(sealed, context=document.seal_context)


def delete_stored(name: str) -> None:
    """Remove a stored file by name (missing files are fine: deleting twice is harmless)."""
    if name:
        Document._meta.get_field("file").storage.delete(name)


def reseal_document(document: Document) -> str:
    """Re-seal the stored content with the current key under a new name; return the old name.

    The caller saves ``file`` and ``key_id`` and deletes the old name once
    its transaction has committed, so that a crash leaves either the old
    file in use or a stray new one, never a row without its file.
    """
    old_name = document.file.name or ""
    content = read_content(document)
    store_content(document, content)
    return old_name
