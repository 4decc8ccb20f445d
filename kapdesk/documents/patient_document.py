"""A patient's document as printed: a consent form, preparation instructions or an aftercare handout, made from a
filled template (document_templates.fill_blocks) on the clinic's letterhead.

Importing this module costs nothing at start-up: the values are plain dataclasses, and reportlab is loaded by
`document_pdf` (through patient_layout) the first time a document is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.document_templates import Block


@dataclass(frozen=True)
class ESignature:
    """A signature given on screen: what the pad drew, the name the patient typed, and when (timezone-aware)."""

    image_png: bytes
    typed_name: str
    signed_at: datetime


@dataclass(frozen=True)
class DocumentPage:
    clinic: ClinicProfile
    logo: bytes | None  # PNG or JPEG, drawn in the letterhead
    title: str
    blocks: tuple[Block, ...]  # already filled
    patient_line: str  # "Łukasz Nowak · born March 12, 1985 · chart KD-000123": printed on every page
    reference: str  # "consent-iv v3 · made November 22, 2026 9:05 AM PST": which template, when
    signatures: tuple[str, ...]  # signature block roles, e.g. ("Patient", "Witness", "Clinician"); () = none
    e_signature: ESignature | None  # signed on screen: shown in the "Patient" block
    page_size: str  # "letter" | "a4"


def document_pdf(page: DocumentPage) -> bytes:
    """The PDF bytes. Raises ValueError for a page size kapdesk doesn't print on, an e-signature without a
    Patient block, a naive signing time, or a logo or signature image that can't be read."""
    from kapdesk.documents.patient_layout import render

    return render(page)
