"""Draw the permit PDF with ReportLab's canvas.

Safety: every piece of user text is drawn with ``drawString`` - never through
Platypus Paragraphs - so nothing in a title or a condition is interpreted as
markup: no ``<img>``, no links, no fetch of any local or remote resource. The
only image is the QR code, made here from the verification URL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import qrcode
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from permits.formats import OFFICIAL_LANGUAGE, date_range_text, date_text, hours_text, side_by_side
from permits.pdf.labels import bilingual, label

SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")
BUNDLED_FONTS = Path(__file__).resolve().parent / "fonts"
FONT, BOLD = "PermitSans", "PermitSans-Bold"
# The manat sign alone (DejaVu Sans has none): a subset of Noto Sans, OFL.
MANAT, MANAT_BOLD = "PermitManat", "PermitManat-Bold"

BRAND = HexColor("#0b3d6e")
ACCENT = HexColor("#00b5e2")
MUTED = HexColor("#505a5f")
RULE = HexColor("#b1b4b6")
STATUS_COLOURS = {"valid": HexColor("#00703c"), "revoked": HexColor("#d4351c"), "expired": HexColor("#505a5f")}


@dataclasses.dataclass(frozen=True)
class SiteLine:
    name: str
    region: str
    start: dt.date
    end: dt.date
    daily_start: dt.time
    daily_end: dt.time
    crew: int
    added_by_amendment: bool = False


@dataclasses.dataclass(frozen=True)
class ConditionGroup:
    organisation: str
    conditions: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class PermitDocument:
    """Everything printed on one version of a permit, as plain values."""

    language: str
    number: str
    short_code: str
    version: int
    status: str
    valid_from: dt.date
    valid_until: dt.date
    issued_on: dt.date
    authority: str
    title: str
    production_type: str
    company: str
    company_country: str
    reference: str
    sites: tuple[SiteLine, ...]
    activities: tuple[str, ...]
    conditions: tuple[ConditionGroup, ...]
    verification_url: str
    lookup_url: str
    amendment_summary: str = ""


def _font_file(name: str) -> Path:
    for folder in (SYSTEM_FONTS, BUNDLED_FONTS):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"{name} not found in {SYSTEM_FONTS} or {BUNDLED_FONTS}")


def register_fonts() -> None:
    """DejaVu Sans: Azerbaijani (ə, ğ, ı, ş...) and Cyrillic glyphs."""
    registered = pdfmetrics.getRegisteredFontNames()
    if FONT not in registered:
        pdfmetrics.registerFont(TTFont(FONT, str(_font_file("DejaVuSans.ttf"))))
    if BOLD not in registered:
        pdfmetrics.registerFont(TTFont(BOLD, str(_font_file("DejaVuSans-Bold.ttf"))))
    if MANAT not in registered:
        pdfmetrics.registerFont(TTFont(MANAT, str(BUNDLED_FONTS / "NotoSans-Manat.ttf")))
    if MANAT_BOLD not in registered:
        pdfmetrics.registerFont(TTFont(MANAT_BOLD, str(BUNDLED_FONTS / "NotoSans-Manat-Bold.ttf")))


def qr_image(url: str):
    """The QR code as a small black-and-white image (an image XObject in the PDF)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("L")


def _date(value: dt.date, language: str) -> str:
    """A date in Azerbaijani and in the producer's language (permits.formats)."""
    return side_by_side(date_text(value, OFFICIAL_LANGUAGE), date_text(value, language))


def _upper(text: str, language: str) -> str:
    """Capitals as the language writes them: Azerbaijani's dotted i is İ (ETİBARLIDIR)."""
    if language in ("az", "tr"):
        text = text.replace("i", "İ")
    return text.upper()


def _dates(start: dt.date, end: dt.date, language: str) -> str:
    return side_by_side(date_range_text(start, end, OFFICIAL_LANGUAGE), date_range_text(start, end, language))


class _Writer:
    """A cursor down the page that starts a new page when it runs out."""

    LEFT = 18 * mm
    RIGHT = A4[0] - 18 * mm
    TOP = A4[1] - 18 * mm
    BOTTOM = 22 * mm

    def __init__(self, doc: PermitDocument):
        self.doc = doc
        self.buffer = io.BytesIO()
        self.c = canvas.Canvas(self.buffer, pagesize=A4, pageCompression=1, invariant=0)
        self.c.setTitle(f"{label('title', 'en')} {doc.number}")
        self.c.setAuthor(doc.authority)
        self.c.setSubject(doc.title)
        self.c.setCreator("Film Permits of Azerbaijan")
        self.page = 1
        self.y = self.TOP

    @property
    def width(self) -> float:
        return self.RIGHT - self.LEFT

    def need(self, height: float) -> None:
        if self.y - height < self.BOTTOM:
            self.footer()
            self.c.showPage()
            self.page += 1
            self.y = self.TOP
            self.c.setFont(BOLD, 9)
            self.c.setFillColor(MUTED)
            self.c.drawString(self.LEFT, self.y, f"{bilingual('number', self.doc.language)}: {self.doc.number}")
            self.y -= 8 * mm

    def text(self, value: str, *, size: float = 10, bold: bool = False, colour=None, indent: float = 0,
             width: float | None = None, leading: float | None = None) -> None:
        font = BOLD if bold else FONT
        leading = leading or size * 1.35
        lines = simpleSplit(value or "", font, size, (width or self.width) - indent) or [""]
        for line in lines:
            self.need(leading)
            self.c.setFont(font, size)
            self.c.setFillColor(colour or HexColor("#0b0c0c"))
            self.c.drawString(self.LEFT + indent, self.y - size, line)
            self.y -= leading

    def gap(self, height: float = 3 * mm) -> None:
        self.y -= height

    def heading(self, key: str) -> None:
        self.need(14 * mm)
        self.gap(2 * mm)
        self.c.setStrokeColor(RULE)
        self.c.setLineWidth(0.5)
        self.c.line(self.LEFT, self.y, self.RIGHT, self.y)
        self.gap(2.5 * mm)
        self.text(bilingual(key, self.doc.language), size=11.5, bold=True, colour=BRAND)
        self.gap(1 * mm)

    def pair(self, key: str, value: str, *, label_width: float = 62 * mm) -> None:
        size = 9.5
        label_lines = simpleSplit(bilingual(key, self.doc.language), FONT, 8.5, label_width - 3 * mm)
        value_lines = simpleSplit(value or "", FONT, size, self.width - label_width) or [""]
        rows = max(len(label_lines), len(value_lines))
        leading = size * 1.4
        self.need(rows * leading)
        top = self.y
        self.c.setFillColor(MUTED)
        self.c.setFont(FONT, 8.5)
        for i, line in enumerate(label_lines):
            self.c.drawString(self.LEFT, top - size - i * leading, line)
        self.c.setFillColor(HexColor("#0b0c0c"))
        self.c.setFont(FONT, size)
        for i, line in enumerate(value_lines):
            self.c.drawString(self.LEFT + label_width, top - size - i * leading, line)
        self.y = top - rows * leading - 1 * mm

    def footer(self) -> None:
        c = self.c
        c.setStrokeColor(RULE)
        c.line(self.LEFT, 15 * mm, self.RIGHT, 15 * mm)
        c.setFont(FONT, 7.5)
        c.setFillColor(MUTED)
        c.drawString(self.LEFT, 11 * mm, f"{self.doc.number} · {bilingual('code', self.doc.language)}: {self.doc.short_code}")
        c.drawRightString(self.RIGHT, 11 * mm, f"{bilingual('page', self.doc.language)} {self.page}")
        c.drawString(self.LEFT, 7.5 * mm, self.doc.lookup_url)


def render_permit(doc: PermitDocument) -> bytes:
    register_fonts()
    w = _Writer(doc)
    c = w.c
    lang = doc.language

    # Header band with the authority and the title.
    c.setFillColor(BRAND)
    c.rect(0, A4[1] - 34 * mm, A4[0], 34 * mm, stroke=0, fill=1)
    c.setFillColor(ACCENT)
    c.rect(0, A4[1] - 35.5 * mm, A4[0], 1.5 * mm, stroke=0, fill=1)
    c.setFillColor(white)
    c.setFont(FONT, 8.5)
    for i, line in enumerate(simpleSplit(doc.authority, FONT, 8.5, 120 * mm)[:2]):
        c.drawString(w.LEFT, A4[1] - 12 * mm - i * 11, line)
    c.setFont(BOLD, 17)
    c.drawString(w.LEFT, A4[1] - 27 * mm, bilingual("title", lang))

    # The QR code at the top right, with the short code under it.
    qr_size = 36 * mm
    qr_x, qr_y = w.RIGHT - qr_size, A4[1] - 40 * mm - qr_size
    c.drawImage(ImageReader(qr_image(doc.verification_url)), qr_x, qr_y, qr_size, qr_size)
    c.setFillColor(HexColor("#0b0c0c"))
    c.setFont(BOLD, 10)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 4.5 * mm, doc.short_code)
    c.setFont(FONT, 6.5)
    c.setFillColor(MUTED)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 8 * mm, bilingual("code", lang))

    # Number, code, validity beside the QR code.
    w.y = A4[1] - 44 * mm
    column = w.width - qr_size - 8 * mm
    w.text(bilingual("number", lang), size=8.5, colour=MUTED, width=column)
    w.text(doc.number, size=20, bold=True, width=column, leading=26)
    w.gap(1 * mm)
    status_word = side_by_side(_upper(label(doc.status, OFFICIAL_LANGUAGE), OFFICIAL_LANGUAGE),
                               _upper(label(doc.status, lang), lang))
    w.text(f"{bilingual('status', lang)}: {status_word}", size=10, bold=True,
           colour=STATUS_COLOURS.get(doc.status, MUTED), width=column)
    w.text(f"{bilingual('validity', lang)}: {_dates(doc.valid_from, doc.valid_until, lang)}", size=10, width=column)
    w.text(f"{bilingual('version', lang)}: {doc.version} · {bilingual('issued', lang)}: {_date(doc.issued_on, lang)}",
           size=9, colour=MUTED, width=column)
    w.text(f"{bilingual('code', lang)}: {doc.short_code}", size=9, colour=MUTED, width=column)
    w.y = min(w.y, qr_y - 12 * mm)

    w.heading("production")
    w.pair("production_title", doc.title)
    w.pair("production_type", doc.production_type)
    w.pair("company", f"{doc.company} ({doc.company_country})")
    w.pair("reference", doc.reference)
    w.pair("authority", doc.authority)

    w.heading("sites")
    for site in doc.sites:
        w.text(site.name + (f" — {site.region}" if site.region else ""), size=10, bold=True)
        w.text(f"{bilingual('dates', lang)}: {_dates(site.start, site.end, lang)}", size=9, indent=4 * mm)
        w.text(
            f"{bilingual('hours', lang)}: {hours_text(site.daily_start, site.daily_end)}   ·   "
            f"{bilingual('crew', lang)}: {site.crew}",
            size=9, indent=4 * mm,
        )
        if site.added_by_amendment:
            w.text(f"+ {bilingual('amendment', lang)}", size=8, colour=MUTED, indent=4 * mm)
        w.gap(1.5 * mm)

    w.heading("activities")
    w.text(", ".join(doc.activities) if doc.activities else bilingual("none", lang), size=9.5)

    w.heading("conditions")
    if not doc.conditions:
        w.text(bilingual("no_conditions", lang), size=9.5)
    for group in doc.conditions:
        w.text(group.organisation, size=9.5, bold=True)
        for condition in group.conditions:
            w.text(f"•  {condition}", size=9.5, indent=4 * mm)
        w.gap(1.5 * mm)

    if doc.amendment_summary:
        w.heading("amendment")
        w.text(doc.amendment_summary, size=9.5)

    w.need(30 * mm)  # keep the verification block on one page
    w.heading("verify")
    w.text(f"{label('verify_hint', OFFICIAL_LANGUAGE)} {doc.lookup_url}", size=9)
    if label("verify_hint", lang) != label("verify_hint", OFFICIAL_LANGUAGE):
        w.text(f"{label('verify_hint', lang)} {doc.lookup_url}", size=9, colour=MUTED)
    w.text(doc.verification_url, size=8, colour=MUTED)

    w.footer()
    c.save()
    return w.buffer.getvalue()
