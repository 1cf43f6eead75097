"""The printable documents of a permit: the bilingual permit and the proof of cancellation.

Both are bilingual by design, Chinese above English, whatever the reader's
language: the labels are part of the official layout (like the printed
forms they replace), so they are fixed pairs here rather than strings of
the interface catalogue, which follows the reader's language instead.
Documents are built from the stored records on each download (same data,
same bytes), so nothing needs storing until the document vault exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.utils import timezone, translation

from onewindow.lib import pdf
from onewindow.lib.pdf import mm
from onewindow.offices.models import Office
from onewindow.permits.models import CheckResult, Permit
from onewindow.permits.tokens import NoSigningKey, token_for, verify_url

# (Chinese, English) pairs of the documents' fixed texts.
LABELS: dict[str, tuple[str, str]] = {
    "permit_title": ("外国人工作许可", "Foreigner's Work Permit"),
    "permit_subtitle": ("电子工作许可打印件", "Printout of the electronic work permit"),
    "category": ("许可类别", "Category"),
    "name": ("姓名", "Name"),
    "chinese_name": ("中文姓名", "Chinese name"),
    "sex": ("性别", "Sex"),
    "nationality": ("国籍", "Nationality"),
    "date_of_birth": ("出生日期", "Date of birth"),
    "employer": ("工作单位", "Employer"),
    "position": ("职位", "Position"),
    "work_location": ("工作地点", "Work location"),
    "validity": ("有效期限", "Validity"),
    "issued_on": ("发证日期", "Date of issue"),
    "authority": ("发证机关", "Issuing authority"),
    "number": ("许可证号", "Permit number"),
    "issuance": ("签发序号", "Issuance"),
    "issued_at": ("办理地点", "Issued at"),
    "photo": ("照片", "Photo"),
    "photo_missing": ("照片待上传", "Photo not yet uploaded"),
    "scan": ("扫码核验", "Scan to verify"),
    "to": ("至", "to"),
    "status": ("状态", "Status"),
    "key": ("签名密钥", "Signing key"),
    "permit_note": (
        "本打印件的真伪与当前状态以扫描二维码核验的结果为准。",
        "The authenticity and current status of this printout are what its QR code shows when verified.",
    ),
    "check_title": ("外国人工作许可核验", "Permit check"),
    "proof_title": ("外国人工作许可注销证明", "Proof of Cancellation of a Foreigner's Work Permit"),
    "proof_reference": ("证明编号", "Reference"),
    "former_employer": ("原工作单位", "Former employer"),
    "former_validity": ("原有效期限", "Validity before cancellation"),
    "cancelled_on": ("注销日期", "Date of cancellation"),
    "cancellation_application": ("注销申请编号", "Cancellation application"),
    "proof_statement": (
        "兹证明下列外国人工作许可已经注销。",
        "This certifies that the foreigner's work permit below has been cancelled.",
    ),
    "proof_note": (
        "新用人单位为其申请工作许可时，请引用本证明编号。",
        "A new employer applying for a work permit for this person cites this reference.",
    ),
}

CATEGORIES: dict[str, tuple[str, str]] = {
    "A": ("外国高端人才（A类）", "Category A: high-end talent"),
    "B": ("外国专业人才（B类）", "Category B: professional"),
    "C": ("其他外国人员（C类）", "Category C: other"),
}

SEXES: dict[str, tuple[str, str]] = {
    "F": ("女", "Female"),
    "M": ("男", "Male"),
    "X": ("未说明", "Unspecified"),
}

STATUSES: dict[str, tuple[str, str]] = {
    CheckResult.VALID: ("有效", "Valid"),
    CheckResult.NOT_YET_VALID: ("尚未生效", "Not yet valid"),
    CheckResult.EXPIRED: ("已过期", "Expired"),
    CheckResult.CANCELLED: ("已注销", "Cancelled"),
    CheckResult.REVOKED: ("已撤销", "Revoked"),
    CheckResult.SUPERSEDED: ("已被新签发取代", "Replaced by a newer issuance"),
    CheckResult.INVALID: ("无效", "Invalid"),
}


def both(key: str) -> str:
    zh, en = LABELS[key]
    return f"{zh} {en}"


def country_names(code: str) -> tuple[str, str]:
    from django_countries import countries

    with translation.override("zh-hans"):
        zh = str(countries.name(code))
    with translation.override("en"):
        en = str(countries.name(code))
    return zh, en


@dataclass(frozen=True)
class QrImage:
    token: str
    url: str
    svg_data_uri: str
    version: int


def qr_image(permit: Permit) -> QrImage | None:
    """The permit's QR code for a page (SVG data URI), or ``None`` while no signing key is active."""
    try:
        token = token_for(permit)
    except NoSigningKey:
        return None
    url = verify_url(token)
    qr = segno.make(url, error="m", micro=False, boost_error=False)
    return QrImage(
        token=token, url=url, svg_data_uri=qr.svg_data_uri(scale=4, border=4), version=int(qr.version)
    )


@dataclass(frozen=True)
class Row:
    label: str
    zh: str
    en: str = ""


def _rows_block(canvas: pdf.Canvas, rows: list[Row], *, x: float, y: float, width: float) -> float:
    """Label (Chinese over English) on the left, value (Chinese over English) on the right."""
    label_width = 38 * mm
    value_width = width - label_width
    for row in rows:
        zh_label, en_label = LABELS[row.label]
        pdf.draw_text(canvas, x, y, zh_label, size=9)
        pdf.draw_text(canvas, x, y - 9, en_label, size=7)
        value_y = y
        for line in pdf.wrap(row.zh, size=10.5, max_width=value_width):
            pdf.draw_text(canvas, x + label_width, value_y, line, size=10.5, max_width=value_width)
            value_y -= 12
        if row.en and row.en != row.zh:
            for line in pdf.wrap(row.en, size=8.5, max_width=value_width):
                pdf.draw_text(canvas, x + label_width, value_y + 2, line, size=8.5, max_width=value_width)
                value_y -= 10
        y = min(y - 25, value_y - 8)
    return y


def _header(canvas: pdf.Canvas, title: str, subtitle: tuple[str, str] | None = None) -> float:
    width, height = pdf.PAGE_SIZE
    zh, en = LABELS[title]
    y = height - 25 * mm
    pdf.draw_text(canvas, width / 2, y, zh, size=22, align="center")
    y -= 9 * mm
    pdf.draw_text(canvas, width / 2, y, en, size=14, bold=True, align="center")
    if subtitle is not None:
        y -= 7 * mm
        pdf.draw_text(canvas, width / 2, y, f"{subtitle[0]} / {subtitle[1]}", size=9, align="center")
    canvas.setLineWidth(0.8)
    canvas.line(20 * mm, y - 5 * mm, width - 20 * mm, y - 5 * mm)
    return y - 14 * mm


def _authority(office: Office | None) -> tuple[str, str]:
    if office is None:
        return "—", ""
    return office.name_zh, office.name_en


def _qr_with_caption(canvas: pdf.Canvas, token: str, *, x: float, y: float, size: float) -> pdf.QrSize:
    qr = pdf.draw_qr(canvas, verify_url(token), x, y, size)
    pdf.draw_text(canvas, x + size / 2, y - 4 * mm, both("scan"), size=9, align="center")
    return qr


def permit_pdf(permit: Permit, *, token: str, authority: Office | None, state: CheckResult) -> bytes:
    """The bilingual printable permit of one issuance, with its QR code."""
    person, employer = permit.person, permit.employer
    width, _height = pdf.PAGE_SIZE
    left, right = 20 * mm, width - 20 * mm
    nationality_zh, nationality_en = country_names(str(person.nationality))
    authority_zh, authority_en = _authority(authority)
    category_zh, category_en = CATEGORIES.get(permit.category, (permit.category, permit.category))
    sex_zh, sex_en = SEXES.get(person.sex, (person.sex, person.sex))
    issued_on = timezone.localdate(permit.issued_at)
    with pdf.document(
        title=f"{LABELS['permit_title'][1]} {permit.number.number}",
        subject=f"{LABELS['permit_title'][0]} {permit.number.number}",
        author=authority_en or "OneWindow",
    ) as (canvas, buffer):
        y = _header(canvas, "permit_title", LABELS["permit_subtitle"])
        # The photo area: the holder's photo comes with the document vault; until then, a frame.
        photo_w, photo_h = 33 * mm, 44 * mm
        photo_x, photo_top = right - photo_w, y + 4 * mm
        canvas.setLineWidth(0.6)
        canvas.rect(photo_x, photo_top - photo_h, photo_w, photo_h)
        center = photo_x + photo_w / 2
        middle = photo_top - photo_h / 2
        pdf.draw_text(canvas, center, middle + 4, LABELS["photo"][0], size=10, align="center")
        pdf.draw_text(canvas, center, middle - 8, LABELS["photo"][1], size=8, align="center")
        missing_zh, missing_en = LABELS["photo_missing"]
        pdf.draw_text(canvas, center, photo_top - photo_h + 7 * mm, missing_zh, size=7, align="center")
        pdf.draw_text(canvas, center, photo_top - photo_h + 3 * mm, missing_en, size=6.5, align="center")
        rows = [
            Row("number", permit.number.number),
            Row("category", category_zh, category_en),
            Row("name", person.display_name, person.chinese_name),
            Row("sex", sex_zh, sex_en),
            Row("nationality", nationality_zh, nationality_en),
            Row(
                "date_of_birth",
                person.date_of_birth.isoformat() if person.date_of_birth else str(person.birth_year),
            ),
        ]
        y = _rows_block(canvas, rows, x=left, y=y, width=photo_x - left - 5 * mm)
        rows = [
            Row("employer", employer.name_zh, employer.name_en),
            Row("position", permit.position),
            Row("work_location", permit.work_location),
            Row(
                "validity",
                f"{permit.valid_from:%Y-%m-%d} {LABELS['to'][0]} {permit.valid_until:%Y-%m-%d}",
                f"{permit.valid_from:%Y-%m-%d} {LABELS['to'][1]} {permit.valid_until:%Y-%m-%d}",
            ),
            Row("issued_on", f"{issued_on:%Y-%m-%d}"),
            Row("authority", authority_zh, authority_en),
            Row("issued_at", permit.issuing_office.name_zh, permit.issuing_office.name_en),
            Row("issuance", str(permit.pk)),
        ]
        qr_size = 48 * mm
        qr_y = y - qr_size + 4 * mm  # top-aligned with the rows beside it
        _qr_with_caption(canvas, token, x=right - qr_size, y=qr_y, size=qr_size)
        y = _rows_block(canvas, rows, x=left, y=y, width=right - left - qr_size - 6 * mm)
        status_zh, status_en = STATUSES[state]
        note_y = min(y, qr_y - 8 * mm) - 6 * mm
        pdf.draw_text(canvas, left, note_y, f"{both('status')}: {status_zh} {status_en}", size=9)
        note_y = pdf.draw_paragraph(
            canvas, left, note_y - 14, LABELS["permit_note"][0], size=8.5, max_width=right - left
        )
        note_y = pdf.draw_paragraph(
            canvas, left, note_y, LABELS["permit_note"][1], size=8, max_width=right - left
        )
        pdf.draw_paragraph(canvas, left, 20 * mm, verify_url(token), size=6, max_width=right - left)
        if state in {CheckResult.CANCELLED, CheckResult.REVOKED, CheckResult.SUPERSEDED}:
            pdf.draw_watermark(canvas, f"{status_zh} {status_en.upper()}", size=44)
    return buffer.getvalue()


def cancellation_proof_pdf(permit: Permit, *, token: str, authority: Office | None) -> bytes:
    """The proof of cancellation a new employer's application cites by its reference."""
    person, employer = permit.person, permit.employer
    width, _height = pdf.PAGE_SIZE
    left, right = 20 * mm, width - 20 * mm
    nationality_zh, nationality_en = country_names(str(person.nationality))
    authority_zh, authority_en = _authority(authority)
    cancelled_on = timezone.localdate(permit.ended_at) if permit.ended_at else None
    application = permit.cancellation_application
    with pdf.document(
        title=f"{LABELS['proof_title'][1]} {permit.cancellation_reference}",
        subject=f"{LABELS['proof_title'][0]} {permit.cancellation_reference}",
        author=authority_en or "OneWindow",
    ) as (canvas, buffer):
        y = _header(canvas, "proof_title")
        pdf.draw_text(canvas, left, y, f"{both('proof_reference')}: {permit.cancellation_reference}", size=14)
        y -= 10 * mm
        y = pdf.draw_paragraph(canvas, left, y, LABELS["proof_statement"][0], size=11, max_width=right - left)
        y = pdf.draw_paragraph(canvas, left, y, LABELS["proof_statement"][1], size=10, max_width=right - left)
        y -= 6 * mm
        rows = [
            Row("proof_reference", permit.cancellation_reference),
            Row("number", permit.number.number),
            Row("name", person.display_name, person.chinese_name),
            Row("nationality", nationality_zh, nationality_en),
            Row(
                "date_of_birth",
                person.date_of_birth.isoformat() if person.date_of_birth else str(person.birth_year),
            ),
            Row("former_employer", employer.name_zh, f"{employer.name_en} ({employer.credit_code})"),
            Row("position", permit.position),
            Row(
                "former_validity",
                f"{permit.valid_from:%Y-%m-%d} {LABELS['to'][0]} {permit.valid_until:%Y-%m-%d}",
                f"{permit.valid_from:%Y-%m-%d} {LABELS['to'][1]} {permit.valid_until:%Y-%m-%d}",
            ),
            Row("cancelled_on", f"{cancelled_on:%Y-%m-%d}" if cancelled_on else "—"),
            Row("cancellation_application", application.reference if application else "—"),
            Row("authority", authority_zh, authority_en),
        ]
        qr_size = 40 * mm
        qr_y = y - qr_size + 4 * mm  # top-aligned with the rows beside it
        _qr_with_caption(canvas, token, x=right - qr_size, y=qr_y, size=qr_size)
        y = _rows_block(canvas, rows, x=left, y=y, width=right - left - qr_size - 6 * mm)
        note_y = min(y, qr_y - 8 * mm) - 6 * mm
        note_y = pdf.draw_paragraph(
            canvas, left, note_y, LABELS["proof_note"][0], size=9, max_width=right - left
        )
        pdf.draw_paragraph(canvas, left, note_y, LABELS["proof_note"][1], size=8.5, max_width=right - left)
        pdf.draw_paragraph(canvas, left, 20 * mm, verify_url(token), size=6, max_width=right - left)
    return buffer.getvalue()
