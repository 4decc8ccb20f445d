"""Consent forms, preparation instructions and aftercare handouts for a patient: made from the active template for
the course's route, kept as the exact PDF bytes with their SHA-256, signed on paper or on screen, revoked.

A document's bytes never change once made (a trigger refuses it on both databases): a consent signed on paper
keeps the bytes that were printed; one signed on screen is made with its signature in one step. Opening a
document re-checks its hash. Audit events name the document and its kind, never its text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from kapdesk.db.models import Patient, PatientDocumentRow
from kapdesk.domain.appointments import Route
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.document_templates import DocumentKind
from kapdesk.domain.errors import ConflictError, FieldError, NotFound, ValidationFailed
from kapdesk.domain.patient_documents import (
    OpenedDocument,
    PatientDocument,
    SignMethod,
    check_electronic_signature,
    check_revocation,
    check_wet_signature,
)
from kapdesk.domain.patients import PatientRecord
from kapdesk.domain.permissions import Permission
from kapdesk.services.audit_trail import Entry
from kapdesk.services.document_making import Made, course_facts, make_pdf, prepare
from kapdesk.services.document_rows import read_document, read_documents, read_pdf
from kapdesk.services.patients import patient_record
from kapdesk.services.schedule_setup import read_zone_name
from kapdesk.services.work import Unit, Work, audited


@dataclass(frozen=True)
class Ready:
    """What `make` would produce now, for the person about to print or sign it."""

    title: str
    template_id: int
    template_code: str
    template_version: int
    route: Route | None  # the course's
    patient: PatientRecord


class DocumentService:
    def __init__(self, work: Work) -> None:
        self._work = work

    # -- reading ---------------------------------------------------------------------------------------

    @audited(Action.VIEW)
    def for_patient(self, patient_id: int) -> list[PatientDocument]:
        """The patient's documents, newest first (without their bytes)."""
        with self._work.unit(Permission.PRINT_DOCUMENTS) as unit:
            if unit.session.get(Patient, patient_id) is None:
                raise NotFound(f"There is no patient with id {patient_id}.")
            found = read_documents(unit.connection, patient_id=patient_id)
            unit.record(_entry(Action.VIEW, patient_id, "", f"listed documents: {len(found)}"))
        return found

    @audited(Action.VIEW)
    def open(self, document_id: int) -> OpenedDocument:
        """The stored bytes, re-checked against the SHA-256 kept when the document was made."""
        with self._work.unit(Permission.PRINT_DOCUMENTS) as unit:
            document = read_document(unit.connection, document_id)
            pdf = read_pdf(unit.connection, document_id)
            opened = OpenedDocument(document, pdf, hashlib.sha256(pdf).hexdigest() == document.sha256)
            summary = f"opened {document.kind.value}" + (
                "" if opened.intact else ": its bytes no longer match its hash"
            )
            unit.record(_entry(Action.VIEW, document.patient_id, str(document_id), summary))
        return opened

    @audited(Action.VIEW)
    def ready(self, patient_id: int, kind: DocumentKind, *, course_id: int | None = None) -> Ready:
        """What would be made now (its title and template version), or the same refusal `make` would give: asked
        before a patient signs on screen, so nobody signs for a document that can't be made."""
        with self._work.unit(Permission.PRINT_DOCUMENTS) as unit:
            patient = _patient(unit, patient_id)
            course = course_facts(unit.connection, patient_id, course_id, self._work.clock())
            found = prepare(unit.connection, patient, kind, course, today=self._work.today())
            unit.record(_entry(Action.VIEW, patient_id, "", f"checked a {kind.value} can be made"))
        template, route = found.template, course.route if course is not None else None
        return Ready(found.title, template.id, template.code, template.version, route, patient)

    # -- making ----------------------------------------------------------------------------------------

    @audited(Action.PRINT)
    def make(
        self, patient_id: int, kind: DocumentKind, *, course_id: int | None = None, appointment_id: int | None = None
    ) -> Outcome[OpenedDocument]:
        """Make a document from the active template for the course's route and keep it. The course is the one
        named, or the one a dosing `appointment_id` belongs to (preparation instructions then describe that session),
        or the patient's open course. A placeholder the record can't fill refuses it, naming what is missing."""
        with self._work.unit(Permission.PRINT_DOCUMENTS) as unit:
            patient = _patient(unit, patient_id)
            now = self._work.clock()
            course = course_facts(unit.connection, patient_id, course_id, now, appointment_id=appointment_id)
            made = make_pdf(unit.connection, patient, kind, course, today=self._work.today(), now=now)
            row = _keep(unit, patient_id, kind, made, now)
            unit.record(_entry(Action.PRINT, patient_id, str(row.id), f"made {kind.value} from {made.template.code} "
                               f"v{made.template.version}"))  # fmt: skip
            opened = OpenedDocument(read_document(unit.connection, row.id), made.pdf, True)
        return Outcome(opened, Changes(documents=frozenset({patient_id})))

    @audited(Action.SIGN)
    def sign_on_screen(
        self,
        patient_id: int,
        *,
        signature_png: bytes,
        typed_name: str,
        agreed: bool,
        witness: str,
        course_id: int | None = None,
        template_id: int | None = None,
    ) -> Outcome[OpenedDocument]:
        """A consent for the course's route, made with the patient's on-screen signature in it and kept signed.
        `template_id`: the version the patient was shown (from `ready`); if the active one changed since, nothing is
        signed."""
        errors = check_electronic_signature(typed_name, agreed, signature_png, witness)
        if errors:
            raise ValidationFailed(errors)
        from kapdesk.documents.patient_document import ESignature

        with self._work.unit(Permission.PRINT_DOCUMENTS) as unit:
            patient = _patient(unit, patient_id)
            now = self._work.clock()
            course = course_facts(unit.connection, patient_id, course_id, now)
            signature = ESignature(signature_png, typed_name.strip(), now)
            made = make_pdf(
                unit.connection, patient, DocumentKind.CONSENT, course, today=self._work.today(), now=now,
                e_signature=signature, expected_template_id=template_id,
            )  # fmt: skip
            row = _keep(unit, patient_id, DocumentKind.CONSENT, made, now)
            row.signed_method, row.signed_at = SignMethod.ELECTRONIC.value, now
            row.signer_name, row.witness_name = typed_name.strip(), witness.strip()
            row.signed_recorded_by = unit.actor.user_id
            unit.session.flush()
            unit.record(_entry(Action.SIGN, patient_id, str(row.id), f"consent signed on screen "
                               f"({made.template.code} v{made.template.version})"))  # fmt: skip
            opened = OpenedDocument(read_document(unit.connection, row.id), made.pdf, True)
        return Outcome(opened, Changes(documents=frozenset({patient_id})))

    @audited(Action.SIGN)
    def record_wet_signature(
        self, document_id: int, expected_version: int, signed_on: date | None, witness: str
    ) -> Outcome[PatientDocument]:
        """A printed consent came back signed on paper: record the day and the witness. Its bytes stay those
        that were printed."""
        with self._work.unit(Permission.PRINT_DOCUMENTS) as unit:
            row, document = self._load(unit, document_id, expected_version)
            zone = ZoneInfo(read_zone_name(unit.connection))
            made_on = document.made_at.astimezone(zone).date()
            errors = check_wet_signature(document, signed_on, witness, made_on=made_on, today=self._work.today())
            if errors:
                raise ValidationFailed(errors)
            assert signed_on is not None
            now = self._work.clock()
            # The day the patient signed, at the time it was recorded when that was the same day, else noon.
            at = now if now.astimezone(zone).date() == signed_on else datetime.combine(signed_on, _NOON, zone)
            signer = _patient_name(unit, row.patient_id)  # before any change: its query would flush half of one
            row.signed_method, row.signed_at = SignMethod.WET.value, at
            row.signer_name, row.witness_name = signer, witness.strip()
            row.signed_recorded_by = unit.actor.user_id
            self._flush(unit, document)
            unit.record(_entry(Action.SIGN, row.patient_id, str(row.id), "consent signed on paper recorded"))
            updated = read_document(unit.connection, document_id)
        return Outcome(updated, Changes(documents=frozenset({row.patient_id})))

    @audited(Action.UPDATE)
    def revoke(
        self, document_id: int, expected_version: int, revoked_on: date | None, reason: str
    ) -> Outcome[PatientDocument]:
        """The patient withdrew their consent to this route: this consent and any other still valid for the route
        are revoked together, and no dosing by the route is checked in until a new one is signed."""
        with self._work.unit(Permission.PRINT_DOCUMENTS) as unit:
            row, document = self._load(unit, document_id, expected_version)
            zone = ZoneInfo(read_zone_name(unit.connection))
            signed_on = document.signed_at.astimezone(zone).date() if document.signed_at else None
            errors = check_revocation(document, revoked_on, reason, signed_on=signed_on, today=self._work.today())
            if errors:
                raise ValidationFailed(errors)
            also = unit.session.scalars(
                select(PatientDocumentRow).where(
                    PatientDocumentRow.patient_id == row.patient_id,
                    PatientDocumentRow.kind == DocumentKind.CONSENT.value,
                    PatientDocumentRow.route == row.route,
                    PatientDocumentRow.signed_at.is_not(None),
                    PatientDocumentRow.revoked_on.is_(None),
                    PatientDocumentRow.id != row.id,
                )
            ).all()
            for each in (row, *also):
                each.revoked_on, each.revoke_reason, each.revoked_by = revoked_on, reason.strip(), unit.actor.user_id
            self._flush(unit, document)
            extra = f", with {len(also)} earlier consent(s) for the route" if also else ""
            unit.record(_entry(Action.UPDATE, row.patient_id, str(row.id), f"consent revoked{extra}"))
            updated = read_document(unit.connection, document_id)
        return Outcome(updated, Changes(documents=frozenset({row.patient_id})))

    # -- plumbing --------------------------------------------------------------------------------------

    @staticmethod
    def _load(unit: Unit, document_id: int, expected_version: int) -> tuple[PatientDocumentRow, PatientDocument]:
        row = unit.session.get(PatientDocumentRow, document_id)
        if row is None:
            raise NotFound(f"There is no document with id {document_id}.")
        document = read_document(unit.connection, document_id)
        if row.version != expected_version:
            raise ConflictError("Someone changed this document on another computer after you opened it.", document)
        return row, document

    @staticmethod
    def _flush(unit: Unit, document: PatientDocument) -> None:
        try:
            unit.session.flush()
        except StaleDataError:
            raise ConflictError("Someone changed this document on another computer meanwhile.", document) from None


_NOON = datetime.min.time().replace(hour=12)


def _keep(unit: Unit, patient_id: int, kind: DocumentKind, made: Made, now: datetime) -> PatientDocumentRow:
    row = PatientDocumentRow(
        patient_id=patient_id,
        course_id=made.course.id if made.course is not None else None,
        kind=kind.value,
        route=made.course.route.value if made.course is not None else None,
        template_id=made.template.id,
        title=made.title[:120],
        pdf=made.pdf,
        sha256=hashlib.sha256(made.pdf).hexdigest(),
        made_by=unit.actor.user_id,
        made_at=now,
    )
    unit.session.add(row)
    unit.session.flush()
    return row


def _patient(unit: Unit, patient_id: int):  # type: ignore[no-untyped-def]
    patient = unit.session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"There is no patient with id {patient_id}.")
    if patient.archived_at is not None:
        raise ValidationFailed([FieldError("patient", "The patient's record is archived; restore it first.")])
    return patient_record(patient)


def _patient_name(unit: Unit, patient_id: int) -> str:
    first, last = unit.session.execute(
        select(Patient.first_name, Patient.last_name).where(Patient.id == patient_id)
    ).one()
    return f"{first} {last}"


def _entry(action: Action, patient_id: int, entity_id: str, summary: str) -> Entry:
    return Entry(action, Category.CLINICAL, "document", entity_id, patient_id=patient_id, summary=summary)
