"""Checking an uploaded file before it is stored: what it is, how big, and whether it is safe.

OneWindow accepts PDF, JPEG and PNG only. The type is read from the content
(the magic bytes, then a full parse), never from the name or the browser's
declared type. Images are decoded and re-encoded from their pixels, which
drops every metadata block (EXIF with GPS positions, ICC profiles, comments,
trailing data) and anything hidden after the image; a picture that would
expand to more than ``MAX_PIXELS`` is refused before it is decoded. PDFs are
parsed and refused when they are encrypted or carry JavaScript, embedded
files or launch actions. Each refusal says why, in the user's language.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MB = 1024 * 1024
# A scan of an A4 page at 600 dpi is about 35 million pixels; beyond this a "photo" is a trap.
MAX_PIXELS = 50_000_000
# More indirect objects than any honest certificate or contract has.
MAX_PDF_OBJECTS = 100_000

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}

_MAGIC = [(b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG)]


class UploadRefused(ValidationError):
    """The file cannot be accepted; ``message`` says why, in the active language."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class CleanFile:
    """An accepted file: the content to store, and what is known about it."""

    content: bytes
    content_type: str
    name: str
    # SHA-256 of the bytes as uploaded (so the same file uploaded twice matches even after re-encoding).
    sha256: str
    original_size: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def sniff(data: bytes) -> str | None:
    """The content type announced by the file's first bytes, or ``None``."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    return None


def read_upload(upload: UploadedFile, *, max_bytes: int) -> bytes:
    """The upload's bytes; refused before reading when it is larger than ``max_bytes``."""
    size = upload.size or 0
    if size > max_bytes:
        raise _too_big(size, max_bytes)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes)
    return bytes(data)


def _too_big(size: int, max_bytes: int) -> UploadRefused:
    return UploadRefused(
        _("The file is %(size).1f MB; this kind of document may have at most %(limit)d MB.")
        % {"size": size / MB, "limit": max_bytes // MB},
        code="too_large",
    )


def check_file(data: bytes, *, name: str, max_bytes: int) -> CleanFile:
    """Accept ``data`` as a PDF, JPEG or PNG document, or raise :class:`UploadRefused`."""
    if not data:
        raise UploadRefused(_("The file is empty."), code="empty")
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes)
    content_type = sniff(data)
    if content_type is None:
        raise UploadRefused(
            _("This file is not a PDF, JPEG or PNG document. Scan or save it in one of these formats."),
            code="type",
        )
    content = check_pdf(data) if content_type == PDF else reencode_image(data, content_type)
    return CleanFile(
        content=content,
        content_type=content_type,
        name=sanitise_name(name, EXTENSIONS[content_type]),
        sha256=hashlib.sha256(data).hexdigest(),
        original_size=len(data),
    )


def check_upload(upload: UploadedFile, *, max_bytes: int) -> CleanFile:
    return check_file(read_upload(upload, max_bytes=max_bytes), name=upload.name or "", max_bytes=max_bytes)


# --- Images ----------------------------------------------------------------


def reencode_image(data: bytes, content_type: str) -> bytes:
    """Decode the picture and write its pixels afresh, with no metadata at all."""
    expected = "JPEG" if content_type == JPEG else "PNG"
    damaged = UploadRefused(_("The picture could not be read; it may be damaged."), code="damaged")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format != expected:
                raise damaged
            width, height = image.size
            # Checked from the header, before a single pixel is decoded.
            if width * height > MAX_PIXELS or width < 1 or height < 1:
                raise _too_many_pixels()
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise damaged from exc
    # Keep the picture the right way up, then leave the orientation tag behind with the rest.
    upright = ImageOps.exif_transpose(image)
    if content_type == JPEG:
        mode = "L" if upright.mode in {"1", "L", "I;16"} else "RGB"
    else:
        has_alpha = upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info
        mode = "RGBA" if has_alpha else ("L" if upright.mode in {"1", "L"} else "RGB")
    pixels = upright.convert(mode)
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if content_type == JPEG:
        clean.save(out, format="JPEG", quality=90, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _too_many_pixels() -> UploadRefused:
    return UploadRefused(
        _("The picture is too large (more than %(mp)d million pixels). Scan it at a lower resolution.")
        % {"mp": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


# --- PDF ---------------------------------------------------------------------

# Keys and action types that make a PDF run something or carry other files.
_JAVASCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA"}
_EMBEDDED_KEYS = {"/EmbeddedFiles", "/EmbeddedFile", "/EF", "/RichMedia", "/RichMediaContent"}
_LAUNCH_KEYS = {"/Launch"}
_ACTION_TYPES = {"/JavaScript": "javascript", "/Launch": "launch", "/RichMediaExecute": "javascript"}
_TYPE_VALUES = {"/EmbeddedFile": "embedded", "/FileAttachment": "embedded", "/RichMedia": "embedded"}


def check_pdf(data: bytes) -> bytes:
    """Parse the PDF and refuse it if it is encrypted, scripted, or carries files or launch actions."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRefused(
                _("The PDF is encrypted or password-protected. Save it without protection and try again."),
                code="pdf_encrypted",
            )
        if len(reader.pages) < 1:
            raise UploadRefused(_("The PDF has no pages."), code="pdf_empty")
        finding = _find_active_content(reader)
    except UploadRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise UploadRefused(_("The PDF could not be read; it may be damaged."), code="damaged") from exc
    if finding == "javascript":
        raise UploadRefused(
            _("The PDF contains JavaScript, which is not accepted. Print it to a new PDF and try again."),
            code="pdf_javascript",
        )
    if finding == "embedded":
        raise UploadRefused(
            _(
                "The PDF contains attached or embedded files, which are not accepted. "
                "Upload each document on its own."
            ),
            code="pdf_embedded",
        )
    if finding == "launch":
        raise UploadRefused(
            _("The PDF contains an action that starts a program, which is not accepted."),
            code="pdf_launch",
        )
    return data


def _objects(reader: PdfReader) -> Iterator[Any]:
    """Every object of the file: those reachable from the trailer and those only listed in it."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    for generation, numbers in reader.xref.items():
        stack.extend(IndirectObject(number, generation, reader) for number in numbers)
    stack.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    count = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            count += 1
            if count > MAX_PDF_OBJECTS:
                raise UploadRefused(_("The PDF is too complex to check."), code="pdf_complex")
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            yield item
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _find_active_content(reader: PdfReader) -> str:
    """``"javascript"``, ``"embedded"``, ``"launch"`` or ``""`` for the first finding."""
    for obj in _objects(reader):
        keys = {str(key) for key in obj}
        if keys & _JAVASCRIPT_KEYS:
            return "javascript"
        if keys & _EMBEDDED_KEYS:
            return "embedded"
        if keys & _LAUNCH_KEYS:
            return "launch"
        for key in ("/S", "/Type", "/Subtype"):
            value = obj.get(key)
            if isinstance(value, IndirectObject):
                value = value.get_object()
            if isinstance(value, NameObject):
                if key == "/S" and str(value) in _ACTION_TYPES:
                    return _ACTION_TYPES[str(value)]
                if str(value) in _TYPE_VALUES:
                    return _TYPE_VALUES[str(value)]
    return ""


# --- Names -------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w.\- ()]+")


def sanitise_name(name: str, extension: str) -> str:
    """A file name safe to show and to send back: no path, no control characters, the right extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._-")
    stem = re.sub(r"_+", "_", stem)[:80].strip(" ._-")
    return f"{stem or 'document'}.{extension}"
