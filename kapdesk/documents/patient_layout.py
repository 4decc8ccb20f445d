"""How a patient document is laid out: letterhead (with the clinic's logo), the filled template's headings,
paragraphs and lists, and the signature blocks; every page's footer names the patient and says "Page x of y".

Imports reportlab at the top: only `patient_document.document_pdf` imports this module, when a document is made.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Table,
    TableStyle,
)

from kapdesk.documents import sheet_layout as sl
from kapdesk.documents.fonts import BOLD, REGULAR
from kapdesk.documents.patient_document import DocumentPage, ESignature
from kapdesk.domain import document_templates as dt

LOGO_MAX = (2.4 * inch, 0.75 * inch)  # width, height on paper
LOGO_DPI = 220  # a bigger logo is scaled down once to this: sharp on paper, small in every PDF
SIGNATURE_HEIGHT = 36.0  # points: the room above a signature line, for a pen or the pad's drawing
PATIENT_ROLE = "patient"
_AREA_CODE = re.compile(r"(\(\d+\)) (?=\d)")


@dataclass(frozen=True)
class DocStyles:
    sheet: sl.Styles
    body: ParagraphStyle
    item: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    patient: ParagraphStyle
    role: ParagraphStyle
    label: ParagraphStyle
    filled: ParagraphStyle
    note: ParagraphStyle


@cache
def styles() -> DocStyles:
    """Made once per process (sl.styles registers the fonts first); styles are only read while laying out."""
    sheet = sl.styles()
    body = ParagraphStyle("doc-body", fontName=REGULAR, fontSize=10, leading=13.5, spaceAfter=6)
    return DocStyles(
        sheet=sheet,
        body=body,
        item=ParagraphStyle("doc-item", parent=body, spaceAfter=2),
        h1=ParagraphStyle("doc-h1", fontName=BOLD, fontSize=15, leading=19, spaceBefore=4, spaceAfter=8),
        h2=ParagraphStyle("doc-h2", fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4),
        patient=ParagraphStyle("doc-patient", fontName=BOLD, fontSize=10, leading=13, spaceBefore=4, spaceAfter=8),
        role=ParagraphStyle("doc-role", fontName=BOLD, fontSize=10, leading=13, spaceBefore=12, spaceAfter=0),
        label=ParagraphStyle("doc-label", fontName=REGULAR, fontSize=8, leading=10, textColor=sl.MUTED),
        filled=ParagraphStyle("doc-filled", fontName=REGULAR, fontSize=10, leading=12),
        note=ParagraphStyle("doc-note", fontName=REGULAR, fontSize=8.5, leading=11, spaceBefore=4),
    )


def render(page: DocumentPage) -> bytes:
    width = sl.text_width(page.page_size)  # refuses an unknown size before any work
    if page.e_signature is not None and not page.signatures:
        raise ValueError("an on-screen signature needs a Patient signature block to go in")
    st = styles()
    logo = _Picture.fit(logo_image(page.logo), *LOGO_MAX) if page.logo else None
    story: list[Flowable] = [
        *sl.clinic_head(page.clinic, st.sheet, logo),
        HRFlowable(width="100%", thickness=0.6, color=sl.RULE, spaceBefore=6, spaceAfter=2),
        Paragraph(sl.text(page.patient_line), st.patient),
    ]
    runs = body(page.blocks, st)
    # The statement the patient signs (the last run: its heading and text) never ends a page without the lines to
    # sign on. A KeepTogether inside another always measures as too tall, so this one is a flat list.
    closing = runs.pop() if page.signatures and runs else []
    story += [_together(run) for run in runs]
    if page.signatures:
        zone = ZoneInfo(page.clinic.time_zone)
        story.append(KeepTogether([*closing, *signature_blocks(page.signatures, page.e_signature, zone, width, st)]))
    return sl.build_pdf(
        story,
        page_size=page.page_size,
        title=page.title,
        printed=f"{page.title} · {page.reference}",
        label=page.patient_line,
    )


def inline(value: str) -> str:
    """Paragraph markup for a filled line: everything escaped (a name with & or < prints as typed), **pairs**
    bold; an unpaired ** prints as typed. The markup joins a template's own lines, so a line break can only come
    from a value (an address): inside a sentence it reads as a comma."""
    if "\n" in value:
        value = ", ".join(filter(None, (line.strip().rstrip(",").strip() for line in value.splitlines())))
    parts = value.split("**")
    if len(parts) % 2 == 0:
        parts[-2:] = [parts[-2] + "**" + parts[-1]]
    markup = "".join(f"<b>{escape(p)}</b>" if i % 2 else escape(p) for i, p in enumerate(parts))
    return _AREA_CODE.sub(r"\1&nbsp;", markup)  # "(503) 555-0100" never breaks after the area code


def body(blocks: Sequence[dt.Block], st: DocStyles) -> list[list[Flowable]]:
    """The blocks as runs that a page break must not part: headings with what follows them, and a paragraph that
    leads into a list ("Call us if you have:") with the list's first item. (reportlab's keepWithNext can't do
    this: it never keeps anything with a list.)"""
    runs: list[list[Flowable]] = []
    waiting: list[Flowable] = []
    for block, after in zip(blocks, [*blocks[1:], None], strict=True):
        match block:
            case dt.Heading(level, value):
                waiting.append(Paragraph(inline(value), st.h1 if level == 1 else st.h2))
            case dt.Paragraph(value):
                waiting.append(Paragraph(inline(value), st.body))
                if not isinstance(after, dt.Items):
                    runs.append(waiting)
                    waiting = []
            case dt.Items(items, numbered):
                first = _list(items[:1], numbered, 1, st, last=len(items) == 1)
                runs.append([*waiting, first])
                waiting = []
                if len(items) > 1:
                    runs.append([_list(items[1:], numbered, 2, st, last=True)])
    if waiting:
        runs.append(waiting)
    return runs


def _list(items: Sequence[str], numbered: bool, start: int, st: DocStyles, *, last: bool) -> Flowable:
    """Part of a list; the parts of one list read as one (numbering carries on, no gap between them)."""
    return ListFlowable(
        [ListItem(Paragraph(inline(item), st.item)) for item in items],
        bulletType="1" if numbered else "bullet",
        bulletFormat="%s." if numbered else None,
        bulletFontName=REGULAR,
        bulletFontSize=10 if numbered else 8,
        leftIndent=16,
        spaceAfter=6 if last else 0,
        **({"start": start} if numbered else {}),
    )


def _together(run: list[Flowable]) -> Flowable:
    return run[0] if len(run) == 1 else KeepTogether(run)


def signature_blocks(
    roles: Sequence[str], signed: ESignature | None, zone: ZoneInfo, width: float, st: DocStyles
) -> list[Flowable]:
    """One block per role: lines for the signature, the printed name and the date. A block's parts are chained
    with keepWithNext, so even a list too long for one page only breaks between blocks. An on-screen signature
    fills the Patient block: the drawing, the typed name and the time, and a line saying how it was given."""
    if signed is not None:
        if not any(role.casefold() == PATIENT_ROLE for role in roles):
            raise ValueError("an on-screen signature needs a Patient signature block to go in")
        if signed.signed_at.tzinfo is None:
            raise ValueError("the signing time must carry its time zone")
    # Spacer columns between the lines: LINEABOVE on adjacent cells would join into one long line.
    columns = sl.column_widths((38, 4, 28, 4, 26), width)
    blocks: list[Flowable] = []
    for role in roles:
        mine = signed if signed is not None and role.casefold() == PATIENT_ROLE else None
        drawn: Flowable | str = ""
        name = when = ""
        if mine is not None:
            drawn = _Picture.fit(signature_image(mine.image_png), columns[0], SIGNATURE_HEIGHT)
            name, when = mine.typed_name, sl.stamp(mine.signed_at, zone)
        rows = [
            [drawn, "", Paragraph(sl.text(name), st.filled), "", Paragraph(sl.text(when), st.filled)],
            [
                Paragraph(f"Signature of {sl.text(role)}", st.label),
                "",
                Paragraph("Printed name", st.label),
                "",
                Paragraph("Date", st.label),
            ],
        ]
        table = Table(rows, colWidths=columns, rowHeights=[SIGNATURE_HEIGHT, None], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    *(("LINEABOVE", (column, 1), (column, 1), 0.8, colors.black) for column in (0, 2, 4)),
                ]
            )
        )
        parts: list[Flowable] = [Paragraph(sl.text(role), st.role), table]
        if mine is not None:
            parts.append(
                Paragraph(
                    f"Signed on screen: {sl.text(mine.typed_name)} typed their name, agreed to sign this document "
                    f"electronically, and signed it on {sl.text(when)}.",
                    st.note,
                )
            )
        for part in parts[:-1]:
            part.keepWithNext = True
        blocks += parts
    return blocks


# -- images ----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def logo_image(data: bytes) -> ImageReader:
    """The clinic's logo decoded, flattened onto white paper and scaled down once per distinct logo, not once per
    document: a batch of handouts prints the same logo a hundred times."""
    image = _decode(data, "logo")
    limit = (round(LOGO_MAX[0] / 72 * LOGO_DPI), round(LOGO_MAX[1] / 72 * LOGO_DPI))
    if image.width > limit[0] or image.height > limit[1]:
        image.thumbnail(limit, PILImage.Resampling.LANCZOS)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        paper = PILImage.new("RGB", image.size, "white")
        paper.paste(image, mask=image.getchannel("A"))
        image = paper
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return ImageReader(image)


def signature_image(data: bytes) -> ImageReader:
    """A pad's drawing, kept as drawn (its transparency becomes the PDF's soft mask)."""
    return ImageReader(_decode(data, "signature"))


def _decode(data: bytes, what: str) -> PILImage.Image:
    try:
        image = PILImage.open(BytesIO(data))
        image.load()
    except (OSError, ValueError, PILImage.DecompressionBombError) as error:
        raise ValueError(f"the {what} image can't be read ({error})") from None
    return image


class _Picture(Flowable):
    """An already decoded image drawn at a fixed size, so the cached logo is never read again for a document."""

    def __init__(self, reader: ImageReader, width: float, height: float) -> None:
        super().__init__()
        self.reader = reader
        self.width = width
        self.height = height

    @classmethod
    def fit(cls, reader: ImageReader, max_width: float, max_height: float) -> _Picture:
        """As large as fits the box, keeping the image's proportions."""
        pixels_wide, pixels_high = reader.getSize()
        scale = min(max_width / pixels_wide, max_height / pixels_high)
        return cls(reader, pixels_wide * scale, pixels_high * scale)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(self.reader, 0, 0, self.width, self.height, mask="auto")
