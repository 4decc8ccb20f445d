"""Patient documents as they come off the printer: the shipped seed templates filled for a patient and laid out on the
clinic's letterhead, read back with pypdf: names on every page, page x of y, the route's own section, signature
blocks that stay together, the page size, the logo and an on-screen signature."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from kapdesk.documents.patient_document import DocumentPage, ESignature, document_pdf
from kapdesk.domain.appointments import Route
from kapdesk.domain.document_seeds import parse_seed
from kapdesk.domain.document_templates import Heading, Items, Paragraph, fill_blocks, parse
from kapdesk.domain.document_values import CourseFacts, document_values
from kapdesk.domain.patients import PatientRecord
from kapdesk.domain.settings import ClinicSettings
from tests.documents.samples import CLINIC, embedded_fonts, pdf_pages

SEEDS = Path(__file__).resolve().parents[2] / "kapdesk" / "resources" / "templates"
ROLES = ("Patient", "Witness", "Clinician")
LUKASZ = PatientRecord(
    first_name="Łukasz",
    last_name="Dvořák",
    date_of_birth=date(1985, 3, 12),
    escort_name="Zoë Ngô",
    escort_phone="+15035550123",
    id=123,
    chart_number="KD-000123",
    version=1,
)
ZOE = replace(LUKASZ, first_name="Zoë", last_name="Ngô", escort_name="Łukasz Dvořák", id=9, chart_number="KD-000009")
SIGNED_AT = datetime(2026, 10, 30, 16, 5, tzinfo=UTC)  # 9:05 AM PDT


def png(size: tuple[int, int], colour: tuple[int, int, int, int]) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((4, 4, size[0] - 4, size[1] - 4), fill=colour)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


LOGO = png((900, 300), (40, 110, 140, 255))


def filled_page(
    code: str, person: PatientRecord = LUKASZ, *, route: Route | None = None, **changes: object
) -> DocumentPage:
    _, spec = parse_seed((SEEDS / f"{code}.md").read_text(encoding="utf-8"))
    next_dose = datetime(2026, 11, 2, 17, tzinfo=UTC)
    facts = CourseFacts(1, route or min(spec.routes), "Induction", "Dr Miriam Okafor", "Sam Rivera", next_dose)
    values = document_values(person, CLINIC, facts, ClinicSettings({}), date(2026, 10, 30))
    blocks, errors = fill_blocks(parse(spec.body), values)
    assert errors == []
    page = DocumentPage(
        clinic=CLINIC,
        logo=None,
        title=spec.title,
        blocks=blocks,
        patient_line=f"{person.first_name} {person.last_name} · born March 12, 1985 · chart {person.chart_number}",
        reference=f"{code} v3 · made October 30, 2026 9:05 AM PDT",
        signatures=ROLES if spec.kind.signed else (),
        e_signature=None,
        page_size="letter",
    )
    return replace(page, **changes)  # type: ignore[arg-type]


def images_per_page(pdf: bytes) -> list[int]:
    counts = []
    for page in PdfReader(BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        counts.append(sum(1 for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"))
    return counts


ROUTE_SECTIONS = {
    "consent-iv": ("How an IV infusion works", "about 40 minutes"),
    "consent-im": ("How an IM injection works", "injection into a muscle"),
    "consent-sublingual": ("How a ketamine lozenge works", "do not chew it and do not swallow"),
    "consent-esketamine": ("The SPRAVATO REMS programme", "5-minute rest between devices"),
}


@pytest.mark.parametrize("code", sorted(ROUTE_SECTIONS))
@pytest.mark.parametrize("person", [LUKASZ, ZOE], ids=["Łukasz", "Zoë"])
def test_every_page_of_a_consent_names_the_patient_and_says_page_x_of_y(code: str, person: PatientRecord) -> None:
    pdf = document_pdf(filled_page(code, person))
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    name = f"{person.first_name} {person.last_name}"
    for number, text in enumerate(pages, start=1):
        assert name in text and person.chart_number in text, f"page {number}"
        assert f"Page {number} of {len(pages)}" in text
        assert f"{code} v3" in text  # which template made it, on every page too
    assert CLINIC.name in pages[0] and "(503) 555-0100" in pages[0] and "Portland, OR 97214" in pages[0]
    heading, detail = ROUTE_SECTIONS[code]
    whole = " ".join(pages)
    assert heading in whole and detail in whole
    assert f"I, {name}, have read this form" in whole
    assert embedded_fonts(pdf) == {"DejaVuSans", "DejaVuSans-Bold"}  # what makes Ł, ř and ô print


@pytest.mark.parametrize("code", sorted(ROUTE_SECTIONS))
@pytest.mark.parametrize("size", ["letter", "a4"])
def test_the_signature_blocks_stay_on_one_page_with_the_statement_they_sign(code: str, size: str) -> None:
    pages = pdf_pages(document_pdf(filled_page(code, page_size=size)))
    last = pages[-1]
    assert "Your agreement" in last and "I, Łukasz Dvořák, have read this form" in last
    for role in ROLES:
        assert f"Signature of {role}" in last
    assert last.count("Printed name") == 3 and last.count("Date") == 3
    assert not any("Signature of" in page for page in pages[:-1])


def test_a4_and_letter_have_their_own_paper_size() -> None:
    letter = PdfReader(BytesIO(document_pdf(filled_page("aftercare"))))
    a4 = PdfReader(BytesIO(document_pdf(filled_page("aftercare", page_size="a4"))))
    assert [round(float(v)) for v in letter.pages[0].mediabox[2:]] == [612, 792]
    assert [round(float(v)) for v in a4.pages[0].mediabox[2:]] == [595, 842]
    with pytest.raises(ValueError, match="page size"):
        document_pdf(filled_page("aftercare", page_size="legal"))


def test_handouts_have_no_signature_blocks_and_fill_in_the_session_and_escort() -> None:
    pages = pdf_pages(document_pdf(filled_page("preparation-clinic", ZOE, route=Route.IM)))
    whole = " ".join(pages)
    assert "Signature of" not in whole
    assert "Monday, November 2, 2026" in whole and "8:45 AM" in whole and "9:00 AM" in whole  # 17:00 UTC is 9 PST
    assert "Łukasz Dvořák (phone (503) 555-0123)" in whole
    assert "No food for 4 hours" in whole and "until 2 hours before" in whole
    assert "1200 SE Morrison St, Suite 300, Portland, OR 97214" in whole  # the address's line break, in a sentence
    aftercare = " ".join(pdf_pages(document_pdf(filled_page("aftercare", ZOE))))
    assert "Dear Zoë" in aftercare and "call or text 988" in aftercare


def test_the_logo_is_drawn_when_the_clinic_has_one_and_only_then() -> None:
    assert images_per_page(document_pdf(filled_page("aftercare"))) == [0, 0]
    with_logo = images_per_page(document_pdf(filled_page("aftercare", logo=LOGO)))
    assert with_logo[0] == 1 and sum(with_logo) == 1  # the letterhead is on the first page only
    jpeg = BytesIO()
    Image.new("RGB", (4000, 1000), (200, 120, 40)).save(jpeg, "JPEG")  # a photo-sized logo is scaled down once
    pdf = document_pdf(filled_page("aftercare", logo=jpeg.getvalue()))
    assert images_per_page(pdf)[0] == 1 and len(pdf) < 200_000
    with pytest.raises(ValueError, match="logo image can't be read"):
        document_pdf(filled_page("aftercare", logo=b"not an image"))


def test_an_on_screen_signature_shows_the_drawing_the_typed_name_and_the_time_in_the_patient_block() -> None:
    signed = ESignature(png((600, 150), (10, 10, 80, 255)), "Zoë Ngô", SIGNED_AT)
    pdf = document_pdf(filled_page("consent-iv", ZOE, e_signature=signed))
    last = pdf_pages(pdf)[-1]
    assert "Oct 30, 2026 9:05 AM PDT" in last  # the clinic's time, not UTC
    assert "Signed on screen: Zoë Ngô typed their name, agreed to sign this document electronically" in last
    patient_block = last[last.index("Patient") : last.index("Witness")]
    assert "Zoë Ngô" in patient_block and "Oct 30, 2026" in patient_block
    assert images_per_page(pdf)[-1] == 1  # the drawing, on the page with the blocks
    witness_and_clinician = last[last.index("Signature of Witness") : last.index("Page 3 of 3")]
    assert "Zoë Ngô" not in witness_and_clinician and "PDT" not in witness_and_clinician  # they sign by hand


def test_an_on_screen_signature_needs_a_patient_block_and_an_aware_time() -> None:
    signed = ESignature(png((60, 20), (0, 0, 0, 255)), "Zoë Ngô", SIGNED_AT)
    with pytest.raises(ValueError, match="Patient signature block"):
        document_pdf(filled_page("consent-iv", e_signature=signed, signatures=("Witness",)))
    with pytest.raises(ValueError, match="Patient signature block"):
        document_pdf(filled_page("aftercare", e_signature=signed))
    with pytest.raises(ValueError, match="time zone"):
        document_pdf(filled_page("consent-iv", e_signature=replace(signed, signed_at=SIGNED_AT.replace(tzinfo=None))))
    with pytest.raises(ValueError, match="signature image can't be read"):
        document_pdf(filled_page("consent-iv", e_signature=replace(signed, image_png=b"\x89PNG broken")))
    east = replace(signed, signed_at=SIGNED_AT.astimezone(timezone(timedelta(hours=9))))
    assert "Oct 30, 2026 9:05 AM PDT" in pdf_pages(document_pdf(filled_page("consent-iv", e_signature=east)))[-1]


def test_special_characters_in_data_print_as_typed_and_bold_pairs_are_bold() -> None:
    blocks = (
        Heading(1, "Consent for Ana <b>Lee</b> & Co"),
        Paragraph("Fees are < $5 & **free** for **Łukasz**; an unpaired ** prints as typed"),
        Items(("R&D <team>", "**Note:** 5 > 3"), numbered=True),
    )
    page = filled_page(
        "aftercare",
        clinic=replace(CLINIC, name="Smith & <Jones> Clinic"),
        blocks=blocks,
        patient_line="Ana <b>Lee</b> & Co · chart KD-000001",
    )
    (text,) = pdf_pages(document_pdf(page))
    assert "Smith & <Jones> Clinic" in text
    assert "Consent for Ana <b>Lee</b> & Co" in text
    assert "Fees are < $5 & free for Łukasz; an unpaired ** prints as typed" in text
    assert "1. R&D <team>" in text and "Note: 5 > 3" in text
    assert text.count("Ana <b>Lee</b> & Co · chart KD-000001") == 2  # under the letterhead and in the footer


@pytest.mark.parametrize("lead", [Paragraph("Call us if you have:"), Heading(2, "Call us if you have")])
def test_a_heading_or_the_line_that_introduces_a_list_never_ends_a_page_without_it(lead: object) -> None:
    for fill in range(10, 16):  # one of these puts the lead at the very bottom of page 1
        filler = tuple(Paragraph(f"Paragraph {i} " + "words to fill the page " * 12) for i in range(fill))
        blocks = (Heading(1, "Long"), *filler, lead, Items(("fever", "pain", "rash"), True))
        pages = pdf_pages(document_pdf(filled_page("aftercare", blocks=blocks)))  # type: ignore[arg-type]
        page = next(text for text in pages if "Call us if you have" in text)
        assert "1. fever" in page, fill
        assert "3. rash" in " ".join(pages)  # the list's numbering carries on wherever it breaks


def test_importing_the_document_values_does_not_load_reportlab() -> None:
    probe = (
        "import sys\n"
        "import kapdesk.documents.patient_document, kapdesk.domain.document_seeds\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'PIL')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
