"""Small helpers for printable PDF documents (reportlab), with Chinese text and QR codes.

Chinese is set in reportlab's built-in CID font ``STSong-Light`` (Adobe's
Song face, which every PDF reader supplies), so no font file is shipped or
embedded and text stays extractable; pure ASCII is set in Helvetica.
Documents are written with reportlab's ``invariant`` mode: the same content
gives the same bytes, so a document can be regenerated instead of stored.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import segno
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

CJK_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
PAGE_SIZE = A4
MIN_FONT_SIZE = 6.0

__all__ = ["A4", "PAGE_SIZE", "Canvas", "document", "mm"]


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def font_for(text: str, *, bold: bool = False) -> str:
    """Helvetica for ASCII, the CJK font for anything else (it has Latin glyphs too)."""
    if text.isascii():
        return LATIN_BOLD if bold else LATIN_FONT
    return CJK_FONT


def runs(text: str) -> list[str]:
    """``text`` cut where it switches between ASCII and other scripts (each run gets its own font)."""
    pieces: list[str] = []
    for char in text:
        if pieces and pieces[-1][-1].isascii() == char.isascii():
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(run, font_for(run, bold=bold), size) for run in runs(text))


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    *,
    size: float = 10,
    bold: bool = False,
    max_width: float | None = None,
    align: str = "left",
) -> float:
    """Draw one line, shrunk (down to 6 pt) to fit ``max_width``; return the size used.

    Latin runs are set in Helvetica and Chinese runs in the CJK font, so a
    bilingual line reads well in both scripts.
    """
    while max_width is not None and size > MIN_FONT_SIZE and text_width(text, size, bold=bold) > max_width:
        size -= 0.5
    width = text_width(text, size, bold=bold)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    for run in runs(text):
        font = font_for(run, bold=bold)
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)
    return size


def wrap(text: str, *, size: float, max_width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` (between words, or anywhere in CJK)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in _split_long(_tokens(paragraph), size=size, max_width=max_width):
            candidate = line + token
            if line and text_width(candidate.rstrip(), size) > max_width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


def _split_long(tokens: Iterator[str], *, size: float, max_width: float) -> Iterator[str]:
    """Cut any word wider than a line (a long address) into pieces that fit."""
    for token in tokens:
        while text_width(token, size) > max_width and len(token) > 1:
            cut = len(token)
            while cut > 1 and text_width(token[:cut], size) > max_width:
                cut -= 1
            yield token[:cut]
            token = token[cut:]
        yield token


def _tokens(text: str) -> Iterator[str]:
    """Words with their trailing space, and each CJK character on its own (CJK breaks anywhere)."""
    word = ""
    for char in text:
        if not char.isascii() and not char.isspace():
            if word:
                yield word
                word = ""
            yield char
        elif char == " ":
            yield word + " "
            word = ""
        else:
            word += char
    if word:
        yield word


def draw_paragraph(
    canvas: Canvas, x: float, y: float, text: str, *, size: float, max_width: float, leading: float = 1.3
) -> float:
    """Draw wrapped text from baseline ``y`` downwards; return the baseline below the last line."""
    for line in wrap(text, size=size, max_width=max_width):
        draw_text(canvas, x, y, line, size=size)
        y -= size * leading
    return y


@dataclass(frozen=True)
class QrSize:
    version: int
    modules: int


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float, *, error: str = "m") -> QrSize:
    """Draw ``data`` as a QR code (vector squares, with its quiet zone) in a ``size`` square at (x, y)."""
    qr = segno.make(data, error=error, micro=False, boost_error=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=4)]
    module = size / len(rows)
    canvas.saveState()
    canvas.setFillColor(black)
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                # One rectangle per run of dark modules: smaller files, no hairline seams.
                canvas.rect(x + start * module, top, (c - start) * module, module, stroke=0, fill=1)
            else:
                c += 1
    canvas.restoreState()
    return QrSize(version=int(qr.version), modules=int(qr.symbol_size(scale=1, border=0)[0]))


def draw_watermark(canvas: Canvas, text: str, *, size: float = 60) -> None:
    """A large diagonal word across the page (CANCELLED, REVOKED …)."""
    width, height = PAGE_SIZE
    canvas.saveState()
    canvas.setFillColor(Color(0.75, 0.1, 0.1, alpha=0.25))
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35)
    draw_text(canvas, 0, 0, text, size=size, bold=True, align="center")
    canvas.restoreState()


@contextmanager
def document(*, title: str, subject: str, author: str) -> Iterator[tuple[Canvas, io.BytesIO]]:
    """An A4 canvas; on exit the document is finished and its bytes are in the buffer."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE_SIZE, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setAuthor(author)
    canvas.setCreator("OneWindow")
    yield canvas, buffer
    canvas.showPage()
    canvas.save()
