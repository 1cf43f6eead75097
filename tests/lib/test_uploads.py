"""What an upload must be: a clean PDF, JPEG or PNG, sniffed from its content, within its limit."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from onewindow.lib.uploads import (
    JPEG,
    MB,
    PDF,
    PNG,
    UploadRefused,
    check_file,
    check_upload,
    sanitise_name,
    sniff,
)
from tests import samples

LIMIT = 10 * MB


def refusal(data: bytes, name: str = "scan.pdf", limit: int = LIMIT) -> UploadRefused:
    with pytest.raises(UploadRefused) as refused:
        check_file(data, name=name, max_bytes=limit)
    return refused.value


def test_it_accepts_a_clean_pdf_unchanged() -> None:
    data = samples.pdf()
    clean = check_file(data, name="contract.pdf", max_bytes=LIMIT)
    assert (clean.content_type, clean.content, clean.name) == (PDF, data, "contract.pdf")
    assert len(clean.sha256) == 64


@pytest.mark.parametrize(("data", "content_type"), [(samples.png(), PNG), (samples.jpeg(), JPEG)])
def test_it_accepts_pictures_by_their_content(data: bytes, content_type: str) -> None:
    clean = check_file(data, name="photo", max_bytes=LIMIT)
    assert clean.content_type == content_type
    assert Image.open(io.BytesIO(clean.content)).size == (40, 30)


def test_it_trusts_the_content_not_the_name() -> None:
    clean = check_file(samples.png(), name="passport.pdf", max_bytes=LIMIT)
    assert clean.content_type == PNG
    assert clean.name == "passport.png"


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00 a Windows program",
        b"GIF89a\x01\x00\x01\x00",
        b"<html><script>alert(1)</script></html>",
        b"PK\x03\x04 a zip archive",
        b" %PDF-1.7 with something before the header",
    ],
)
def test_it_refuses_anything_but_pdf_jpeg_and_png(data: bytes) -> None:
    assert refusal(data, name="innocent.pdf").code == "type"
    assert "not a PDF, JPEG or PNG" in refusal(data).messages[0]


def test_it_refuses_an_empty_file() -> None:
    assert refusal(b"").code == "empty"


def test_it_refuses_a_file_over_the_limit_and_says_the_limit() -> None:
    error = refusal(samples.pdf() + b" " * (2 * MB), limit=2 * MB)
    assert error.code == "too_large"
    assert "at most 2 MB" in error.messages[0]


def test_it_refuses_an_upload_over_the_limit_before_reading_it() -> None:
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (3 * MB), content_type="application/pdf")
    with pytest.raises(UploadRefused, match="at most 2 MB"):
        check_upload(upload, max_bytes=2 * MB)


def test_it_strips_metadata_from_photos() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Spy Camera Co."  # Make
    exif[0x8825] = {1: "N", 2: (22.0, 29.0, 0.0)}  # GPS info
    original = samples.jpeg(exif=exif.tobytes())
    assert b"Spy Camera" in original
    clean = check_file(original, name="photo.jpg", max_bytes=LIMIT)
    assert b"Spy Camera" not in clean.content
    assert not Image.open(io.BytesIO(clean.content)).getexif()


def test_it_strips_text_chunks_from_png() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "home address: 1 Secret Road")
    original = samples.png(pnginfo=info)
    clean = check_file(original, name="photo.png", max_bytes=LIMIT)
    assert b"Secret Road" in original
    assert b"Secret Road" not in clean.content


def test_it_drops_data_hidden_after_the_picture() -> None:
    original = samples.png() + b"PK\x03\x04 hidden archive"
    clean = check_file(original, name="photo.png", max_bytes=LIMIT)
    assert b"hidden archive" not in clean.content


def test_it_keeps_a_rotated_photo_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    clean = check_file(samples.jpeg(size=(40, 30), exif=exif.tobytes()), name="p.jpg", max_bytes=LIMIT)
    assert Image.open(io.BytesIO(clean.content)).size == (30, 40)


def test_it_refuses_a_decompression_bomb_before_decoding_it() -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(out, format="PNG")
    bomb = out.getvalue()
    assert len(bomb) < 200_000  # tiny on disk, 60 million pixels in memory
    assert refusal(bomb, name="bomb.png").code == "too_many_pixels"


def test_it_refuses_a_damaged_picture() -> None:
    assert refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, name="x.png").code == "damaged"
    assert refusal(samples.jpeg()[:60], name="x.jpg").code == "damaged"


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (samples.pdf_with_javascript, "pdf_javascript", "JavaScript"),
        (samples.pdf_with_escaped_javascript_name, "pdf_javascript", "JavaScript"),
        (samples.pdf_with_attachment, "pdf_embedded", "embedded files"),
        (samples.pdf_with_launch_action, "pdf_launch", "starts a program"),
        (samples.pdf_encrypted, "pdf_encrypted", "password-protected"),
    ],
)
def test_it_refuses_active_or_protected_pdfs_and_says_why(make: object, code: str, words: str) -> None:
    error = refusal(make())  # type: ignore[operator]
    assert error.code == code
    assert words in error.messages[0]


def test_it_refuses_a_damaged_pdf() -> None:
    assert refusal(b"%PDF-1.7\n this is not really a PDF").code == "damaged"


def test_it_sniffs_by_magic_bytes() -> None:
    assert sniff(samples.pdf()) == PDF
    assert sniff(samples.jpeg()) == JPEG
    assert sniff(samples.png()) == PNG
    assert sniff(b"plain text") is None


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("C:\\Users\\hr\\Desktop\\contract final.docx.pdf", "pdf", "contract final.docx.pdf"),
        ("简历 résumé.PDF", "pdf", "简历 résumé.pdf"),
        ("photo\x00.png\r\n", "png", "photo.png"),
        ('"><img src=x onerror=alert(1)>.jpg', "jpg", "img src_x onerror_alert(1).jpg"),
        ("<b>/x.pdf", "pdf", "x.pdf"),
        ("", "pdf", "document.pdf"),
        ("....", "png", "document.png"),
    ],
)
def test_it_sanitises_names(name: str, extension: str, expected: str) -> None:
    assert sanitise_name(name, extension) == expected


@given(st.text(max_size=300), st.sampled_from(["pdf", "jpg", "png"]))
def test_it_always_gives_a_safe_name(name: str, extension: str) -> None:
    safe = sanitise_name(name, extension)
    assert safe.endswith(f".{extension}")
    assert "/" not in safe and "\\" not in safe
    assert all(ch.isprintable() for ch in safe)
    assert len(safe) <= 84
    assert not safe.startswith(".")
