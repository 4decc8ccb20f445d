"""Documents made for a patient from a template: what each one is, where it stands (made, signed, revoked), and the
rules for signing and revoking a consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kapdesk.domain.appointments import Route
from kapdesk.domain.document_templates import DocumentKind
from kapdesk.domain.errors import FieldError
from kapdesk.domain.folding import fold

NAME_MAX = 200
REASON_MAX = 500
SIGNATURE_MAX_BYTES = 2_000_000  # a drawn signature as PNG is a few kilobytes; anything near this is not one


class SignMethod(StrEnum):
    WET = "wet"  # printed, signed on paper, then marked signed
    ELECTRONIC = "electronic"  # signed on the screen's signature pad

    @property
    def label(self) -> str:
        return {"wet": "signed on paper", "electronic": "signed on screen"}[self.value]


class DocumentState(StrEnum):
    MADE = "made"  # printed or handed over; a consent waits for its signature
    SIGNED = "signed"
    REVOKED = "revoked"  # a consent the patient withdrew

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class PatientDocument:
    id: int
    patient_id: int
    course_id: int | None
    kind: DocumentKind
    route: Route | None
    template_id: int
    template_code: str
    template_version: int
    title: str
    sha256: str
    made_at: datetime
    made_by_name: str
    signed_method: SignMethod | None
    signed_at: datetime | None
    signer_name: str
    witness_name: str
    revoked_on: date | None
    revoke_reason: str
    version: int

    @property
    def state(self) -> DocumentState:
        if self.revoked_on is not None:
            return DocumentState.REVOKED
        return DocumentState.SIGNED if self.signed_at is not None else DocumentState.MADE

    @property
    def valid_consent(self) -> bool:
        return self.kind is DocumentKind.CONSENT and self.state is DocumentState.SIGNED


@dataclass(frozen=True)
class OpenedDocument:
    """A document with its stored bytes, and whether they are still the bytes that were made."""

    document: PatientDocument
    pdf: bytes
    intact: bool  # the SHA-256 of the bytes matches the one stored when it was made

    @property
    def readable(self) -> bool:
        """A PDF at least in outline: its header and its end-of-file marker."""
        return self.pdf.startswith(b"%PDF-") and b"%%EOF" in self.pdf[-1024:]


def check_wet_signature(
    document: PatientDocument, signed_on: date | None, witness: str, *, made_on: date, today: date
) -> list[FieldError]:
    """Marking a printed consent as signed on paper. `made_on`: the day it was printed, on the clinic's calendar."""
    errors = _signable(document)
    if signed_on is None:
        errors.append(FieldError("signed_on", "Enter the date the patient signed."))
    elif not made_on <= signed_on <= today:
        errors.append(FieldError("signed_on", f"The date must be between {made_on:%m/%d/%Y} (printed) and today."))
    errors += check_name(witness, "witness", "the witness")
    return errors


def check_electronic_signature(typed_name: str, agreed: bool, image: bytes, witness: str) -> list[FieldError]:
    """Signing on screen: the pad's drawing, the patient's typed name, and their agreement to sign electronically."""
    errors = check_name(typed_name, "typed_name", "your full name")
    if not agreed:
        errors.append(FieldError("agreed", "The patient must agree to sign electronically (or sign on paper)."))
    if not image:
        errors.append(FieldError("signature", "Sign in the box above."))
    elif len(image) > SIGNATURE_MAX_BYTES or not image.startswith(b"\x89PNG"):
        errors.append(FieldError("signature", "The signature could not be read; clear it and sign again."))
    errors += check_name(witness, "witness", "the witness")
    return errors


def check_revocation(
    document: PatientDocument, revoked_on: date | None, reason: str, *, signed_on: date | None, today: date
) -> list[FieldError]:
    """`signed_on`: the day the consent was signed, on the clinic's calendar."""
    errors = []
    if document.kind is not DocumentKind.CONSENT:
        errors.append(FieldError("document", "Only a consent can be revoked."))
    elif document.state is not DocumentState.SIGNED:
        errors.append(FieldError("document", f"This consent is {document.state.label.lower()}, not signed."))
    if revoked_on is None:
        errors.append(FieldError("revoked_on", "Enter the date the patient withdrew consent."))
    elif signed_on is not None and not signed_on <= revoked_on <= today:
        errors.append(FieldError("revoked_on", "The date must be between the signing and today."))
    if not reason.strip():
        errors.append(FieldError("reason", "Say why consent was withdrawn (the patient's words are fine)."))
    elif len(reason) > REASON_MAX:
        errors.append(FieldError("reason", f"Keep the reason under {REASON_MAX} characters."))
    return errors


def typed_name_matches(typed: str, first_name: str, last_name: str, preferred_name: str = "") -> bool:
    """Whether a name typed at signing is the patient's: their last name and their first (or preferred) name, in
    any order, case and accents aside ("zoe muller" is Zoë Müller; "Z. Müller" is not)."""
    words = fold(typed)
    return (
        bool(fold(last_name))
        and fold(last_name) in words
        and any(fold(name) and fold(name) in words for name in (first_name, preferred_name))
    )


def check_name(name: str, field: str, what: str) -> list[FieldError]:
    if not name.strip():
        return [FieldError(field, f"Type {what}.")]
    if len(name) > NAME_MAX:
        return [FieldError(field, f"Keep the name under {NAME_MAX} characters.")]
    return []


def _signable(document: PatientDocument) -> list[FieldError]:
    if not document.kind.signed:
        return [FieldError("document", f"A {document.kind.label.lower()} is not signed.")]
    if document.state is not DocumentState.MADE:
        return [FieldError("document", f"This consent is already {document.state.label.lower()}.")]
    return []
