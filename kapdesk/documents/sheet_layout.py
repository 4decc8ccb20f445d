"""What the printed lists share: letterhead, styles, drawn check boxes, and the "Page x of y" footer.

This module imports reportlab at the top, so only the functions that build a document import it (start-up cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from kapdesk.documents.fonts import BOLD, REGULAR, register_fonts
from kapdesk.domain import dates
from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.contacts import format_phone

PAGE_SIZES = {"letter": LETTER, "a4": A4}
MARGIN = 0.5 * inch
FOOTER_SPACE = 0.45 * inch  # below the frame: two lines of footer text and a rule
MUTED_HEX = "#555555"
MUTED = colors.HexColor(MUTED_HEX)
RULE = colors.HexColor("#999999")
STRIPE = colors.HexColor("#F1F1F1")


@dataclass(frozen=True)
class Styles:
    clinic: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    cell: ParagraphStyle
    header: ParagraphStyle
    section: ParagraphStyle


def styles() -> Styles:
    register_fonts()  # a Paragraph resolves its font when it is made, not when the page is drawn
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=8, leading=10)
    return Styles(
        clinic=ParagraphStyle("clinic", fontName=BOLD, fontSize=14, leading=17),
        small=ParagraphStyle("small", fontName=REGULAR, fontSize=8.5, leading=11, textColor=MUTED),
        title=ParagraphStyle("title", fontName=BOLD, fontSize=12, leading=15, spaceBefore=8, spaceAfter=8),
        cell=cell,
        header=ParagraphStyle("header", parent=cell, fontName=BOLD, fontSize=7.5, leading=9),
        section=ParagraphStyle("section", fontName=BOLD, fontSize=10, leading=13, spaceBefore=12, spaceAfter=4),
    )


def text(value: str) -> str:
    """Data made safe for Paragraph markup: a name with '&' or '<' must print, not break the layout."""
    return escape(value).replace("\n", "<br/>")


def clock(when: datetime, zone: ZoneInfo) -> str:
    """9:00 AM in the clinic's zone."""
    return dates.clock(when.astimezone(zone))


def stamp(when: datetime, zone: ZoneInfo) -> str:
    local = when.astimezone(zone)
    return f"{local:%b} {local.day}, {local.year} {clock(local, zone)} {local.tzname()}"


def check_day(day: date, starts: Sequence[datetime], zone: ZoneInfo) -> None:
    """A list for one day must not silently carry another day's rows (a UTC-day query is the usual cause)."""
    stray = [s for s in starts if s.astimezone(zone).date() != day]
    if stray:
        raise ValueError(f"{len(stray)} appointment(s) are not on {day.isoformat()} in {zone.key}")


_NO_PADDING = [(f"{side}PADDING", (0, 0), (-1, -1), 0) for side in ("LEFT", "RIGHT", "TOP", "BOTTOM")]


def letterhead(clinic: ClinicProfile, title: str, st: Styles) -> list[Flowable]:
    return [*clinic_head(clinic, st), Paragraph(text(title), st.title)]


def clinic_head(clinic: ClinicProfile, st: Styles, logo: Flowable | None = None) -> list[Flowable]:
    """The clinic's name, address and phone; with a logo, the logo on the left and the words beside it."""
    contact = [text(clinic.address)] if clinic.address else []
    if clinic.phone:
        contact.append(text(format_phone(clinic.phone)))
    head: list[Flowable] = [Paragraph(text(clinic.name), st.clinic)]
    if contact:
        head.append(Paragraph("<br/>".join(contact), st.small))
    if logo is None:
        return head
    gap = 12.0
    side = Table([[logo, head]], colWidths=[logo.wrap(0, 0)[0] + gap, None], hAlign="LEFT")
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *_NO_PADDING]))
    return [side]


def text_width(page_size: str) -> float:
    """The width between the margins; raises ValueError for a size kapdesk doesn't print on."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    return PAGE_SIZES[page_size][0] - 2 * MARGIN


def column_widths(weights: Sequence[float], available: float) -> list[float]:
    """Fixed proportions of whatever width the page leaves, so letter and A4 both fit."""
    total = sum(weights)
    return [available * w / total for w in weights]


class CheckBoxes(Flowable):
    """Empty squares to tick by pen, one per label, stacked. Drawn, so no font needs a ☐ glyph."""

    BOX = 7.0
    GAP = 3.0
    LINE = 10.0

    def __init__(self, labels: Sequence[str], font_size: float = 7.5) -> None:
        super().__init__()
        self.labels = tuple(labels)
        self.font_size = font_size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        label = max((stringWidth(lb, REGULAR, self.font_size) for lb in self.labels), default=0.0)
        self.width = self.BOX + (self.GAP + label if label else 0.0)
        self.height = self.LINE * len(self.labels)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setLineWidth(0.7)
        canvas.setFont(REGULAR, self.font_size)
        for row, label in enumerate(self.labels):
            y = self.height - (row + 1) * self.LINE + (self.LINE - self.BOX) / 2
            canvas.rect(0, y, self.BOX, self.BOX, stroke=1, fill=0)
            if label:
                canvas.drawString(self.BOX + self.GAP, y + 0.8, label)


class _FooterCanvas(Canvas):
    """Holds every page until the end, so each footer can say how many pages there are.

    `footer` is the two lines under the rule: a bold one (what the page is, or whose) beside "Page x of y", and a
    muted one (when it was printed, or which template it came from)."""

    def __init__(self, *args: Any, footer: tuple[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, len(self._pages))
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int) -> None:
        width, _ = self._pagesize
        title, printed = self._footer
        right = f"Page {number} of {total}"
        top = MARGIN + FOOTER_SPACE - 8
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, top, width - MARGIN, top)
        self.setFillColor(colors.black)
        self.setFont(BOLD, 8)
        self.drawRightString(width - MARGIN, top - 11, right)
        room = width - 2 * MARGIN - stringWidth(right, BOLD, 8) - 12
        self.drawString(MARGIN, top - 11, _fit(title, BOLD, 8, room))
        self.setFont(REGULAR, 7.5)
        self.setFillColor(MUTED)
        self.drawString(MARGIN, top - 22, _fit(printed, REGULAR, 7.5, width - 2 * MARGIN))


def _fit(value: str, font: str, size: float, width: float) -> str:
    """Shorten with an ellipsis so a long heading never runs into the page number."""
    if stringWidth(value, font, size) <= width:
        return value
    while value and stringWidth(value + "…", font, size) > width:
        value = value[:-1]
    return value.rstrip() + "…"


def build_pdf(story: list[Flowable], *, page_size: str, title: str, printed: str, label: str | None = None) -> bytes:
    """Lay out the story; every page's footer carries `label` (the title unless given: a loose page says what it
    is, or whose it is), `printed` under it, and page x of y."""
    text_width(page_size)  # the same check, for callers that didn't need the width
    register_fonts()
    # Streams stay binary (Flate only): reportlab's ASCII85 text encoding of them runs in pure Python here and took
    # about a tenth of a handout's time, for PDFs that are only ever stored and printed whole.
    rl_config.useA85 = 0
    out = BytesIO()
    width, height = PAGE_SIZES[page_size]
    # No frame padding: tables sized to text_width() line up with the letterhead and the footer rule.
    frame = Frame(
        MARGIN,
        MARGIN + FOOTER_SPACE,
        width - 2 * MARGIN,
        height - 2 * MARGIN - FOOTER_SPACE,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc = BaseDocTemplate(out, pagesize=(width, height), title=title, author="kapdesk")
    doc.addPageTemplates([PageTemplate("page", frames=[frame])])
    doc.build(story, canvasmaker=partial(_FooterCanvas, footer=(label or title, printed)))
    return out.getvalue()


def table_style(*, striped: bool = True, header_rule: colors.Color = colors.black) -> TableStyle:
    """Horizontal rules only (LINEBELOW per row), so no rule can join across adjacent cells by accident."""
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, header_rule),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if striped:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]))
    return TableStyle(commands)
