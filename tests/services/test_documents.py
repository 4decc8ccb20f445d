"""Consent forms and handouts through the service, on SQLite and PostgreSQL: made from the route's active template,
kept as the exact bytes with their hash, signed on paper or on screen, revoked, and never changed afterwards."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kapdesk.domain.appointments import Route
from kapdesk.domain.document_templates import DocumentKind
from kapdesk.domain.errors import ValidationFailed
from kapdesk.domain.patient_documents import DocumentState, SignMethod
from kapdesk.domain.screening import Result
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.services.document_rows import consented_routes
from tests.course_world import CourseWorld, course_world, new_course
from tests.documents.samples import pdf_pages
from tests.helpers import TODAY, sign_in_as, tiny_png
from tests.schedule_world import MONDAY, draft, local

ESCORTED, UNESCORTED = 0, 1  # build_world gives even-numbered patients an escort with a phone


@pytest.fixture
def cw(clinic: Clinic) -> CourseWorld:
    return course_world(clinic, {ESCORTED: Result.ELIGIBLE, UNESCORTED: Result.ELIGIBLE})


def count(clinic: Clinic) -> int:
    with clinic.database.reading() as connection:
        return connection.execute(text("SELECT count(*) FROM patient_documents")).scalar_one()


def sign(clinic: Clinic, patient_id: int, **changes: object):  # type: ignore[no-untyped-def]
    options: dict[str, object] = dict(signature_png=tiny_png(), typed_name="Ada Lovelace", agreed=True, witness="Rei")
    return clinic.documents.sign_on_screen(patient_id, **(options | changes)).value  # type: ignore[arg-type]


def test_a_consent_is_made_from_the_routes_template_and_kept_with_its_hash(clinic: Clinic, cw: CourseWorld) -> None:
    new_course(clinic, cw, code="sl-kap")
    opened = clinic.documents.make(cw.patient(ESCORTED), DocumentKind.CONSENT).value
    document = opened.document
    assert (document.kind, document.route, document.state) == (
        DocumentKind.CONSENT,
        Route.SUBLINGUAL,
        DocumentState.MADE,
    )
    assert (document.template_code, document.template_version) == ("consent-sublingual", 1)
    assert document.sha256 == hashlib.sha256(opened.pdf).hexdigest()
    pages = pdf_pages(opened.pdf)
    assert all("Ada Lovelace" in page and f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, 1))
    assert "Cedar Test Clinic" in pages[0]
    assert "lozenge" in " ".join(pages).lower()  # the sublingual consent's own section
    again = clinic.documents.open(document.id)
    assert again.pdf == opened.pdf and again.intact and again.readable
    assert [d.id for d in clinic.documents.for_patient(cw.patient(ESCORTED))] == [document.id]


def test_what_the_record_lacks_is_named_and_nothing_is_kept(clinic: Clinic, cw: CourseWorld) -> None:
    with pytest.raises(ValidationFailed) as no_course:
        clinic.documents.make(cw.patient(ESCORTED), DocumentKind.CONSENT)
    assert [e.field for e in no_course.value.errors] == ["course"]
    new_course(clinic, cw, patient=UNESCORTED)
    with pytest.raises(ValidationFailed) as unescorted:
        clinic.documents.make(cw.patient(UNESCORTED), DocumentKind.PREPARATION)
    fields = {e.field: e.message for e in unescorted.value.errors}
    assert "patient.escort_name" in fields and "patient.escort_phone" in fields
    assert "session.date" in fields  # no dose booked yet either
    assert "add it in the patient's details" in fields["patient.escort_phone"]
    assert count(clinic) == 0


def test_preparation_instructions_name_the_next_booked_dose_and_the_fasting_times(
    clinic: Clinic, cw: CourseWorld
) -> None:
    view = new_course(clinic, cw)
    plan = clinic.courses.propose(view.course.id)
    clinic.courses.book_plan(view.course.id, view.course.version, plan.sessions)
    [view] = clinic.courses.for_patient(cw.patient(ESCORTED))
    dose = min(s.starts_at for s in view.course.sessions if s.key.label == "Dose 1")
    opened = clinic.documents.make(cw.patient(ESCORTED), DocumentKind.PREPARATION).value
    words = " ".join(pdf_pages(opened.pdf))
    local_dose = dose.astimezone(local(MONDAY, 0).tzinfo)
    assert f"{local_dose:%B} {local_dose.day}, {local_dose.year}" in words
    assert "4 hours" in words and "2 hours" in words  # IV fasting: solids 4 h, clear liquids 2 h (defaults)
    assert "Pat Escort" in words


def test_a_printed_consent_signed_on_paper_keeps_its_printed_bytes(clinic: Clinic, cw: CourseWorld) -> None:
    new_course(clinic, cw)
    made = clinic.documents.make(cw.patient(ESCORTED), DocumentKind.CONSENT).value
    document = made.document
    for day, field in ((TODAY + timedelta(days=1), "signed_on"), (TODAY - timedelta(days=3), "signed_on")):
        with pytest.raises(ValidationFailed) as wrong:
            clinic.documents.record_wet_signature(document.id, document.version, day, "Rei")
        assert field in {e.field for e in wrong.value.errors}
    with pytest.raises(ValidationFailed, match="witness"):
        clinic.documents.record_wet_signature(document.id, document.version, TODAY, "  ")
    signed = clinic.documents.record_wet_signature(document.id, document.version, TODAY, "Rei Tanaka").value
    assert (signed.state, signed.signed_method, signed.witness_name) == (
        DocumentState.SIGNED,
        SignMethod.WET,
        "Rei Tanaka",
    )
    assert clinic.documents.open(document.id).pdf == made.pdf
    with pytest.raises(ValidationFailed, match="already signed"):
        clinic.documents.record_wet_signature(signed.id, signed.version, TODAY, "Someone else")
    with pytest.raises(ValidationFailed, match="is not signed"):
        handout = clinic.documents.make(cw.patient(ESCORTED), DocumentKind.AFTERCARE).value.document
        clinic.documents.record_wet_signature(handout.id, handout.version, TODAY, "Rei")


def test_signing_on_screen_needs_the_agreement_and_prints_the_typed_name(clinic: Clinic, cw: CourseWorld) -> None:
    new_course(clinic, cw)
    with pytest.raises(ValidationFailed) as refused:
        sign(clinic, cw.patient(ESCORTED), agreed=False, signature_png=b"not a picture")
    assert {e.field for e in refused.value.errors} == {"agreed", "signature"}
    assert count(clinic) == 0
    signed = sign(clinic, cw.patient(ESCORTED), typed_name="Ada K. Lovelace")
    assert signed.document.signed_method is SignMethod.ELECTRONIC and signed.document.valid_consent
    assert "Ada K. Lovelace" in " ".join(pdf_pages(signed.pdf))
    assert consented_routes_of(clinic, cw.patient(ESCORTED)) == {Route.IV}


def consented_routes_of(clinic: Clinic, patient_id: int) -> set[Route]:
    with clinic.database.reading() as connection:
        return consented_routes(connection, patient_id)


def test_a_revoked_consent_blocks_dosing_check_in(clinic: Clinic, cw: CourseWorld) -> None:
    new_course(clinic, cw)
    document = sign(clinic, cw.patient(ESCORTED)).document
    dose = clinic.booking.book(draft(cw.world, local(MONDAY, 10))).value[0]
    _appointment, readiness, _ = clinic.calendar.get(dose.id)
    assert readiness is not None and "consent" not in {r.need.value for r in readiness.blocking}
    with pytest.raises(ValidationFailed, match="reason"):
        clinic.documents.revoke(document.id, document.version, TODAY, " ")
    revoked = clinic.documents.revoke(document.id, document.version, TODAY, "Wants to stop").value
    assert revoked.state is DocumentState.REVOKED and revoked.revoke_reason == "Wants to stop"
    _appointment, readiness, _ = clinic.calendar.get(dose.id)
    assert readiness is not None and "consent" in {r.need.value for r in readiness.blocking}
    with pytest.raises(ValidationFailed, match="revoked"):
        clinic.documents.revoke(revoked.id, revoked.version, TODAY, "again")
    assert consented_routes_of(clinic, cw.patient(ESCORTED)) == set()


def test_check_in_needs_the_consent_for_the_sessions_own_route(clinic: Clinic, cw: CourseWorld) -> None:
    new_course(clinic, cw, code="im-kap")
    sign(clinic, cw.patient(ESCORTED))  # consent for IM
    dose = clinic.booking.book(draft(cw.world, local(MONDAY, 10))).value[0]  # an IV infusion
    _appointment, readiness, _ = clinic.calendar.get(dose.id)
    assert readiness is not None
    [consent] = [r for r in readiness.blocking if r.need.value == "consent"]
    assert "IV infusion" in consent.detail


def test_a_document_never_changes_and_is_never_deleted(clinic: Clinic, cw: CourseWorld) -> None:
    new_course(clinic, cw)
    document = sign(clinic, cw.patient(ESCORTED)).document
    for statement in (
        "UPDATE patient_documents SET pdf = :junk",
        "UPDATE patient_documents SET witness_name = 'Someone else'",
        "UPDATE patient_documents SET template_id = template_id + 1",
        "DELETE FROM patient_documents",
    ):
        with pytest.raises(DBAPIError), clinic.database.transaction() as session:
            session.execute(text(statement), {"junk": b"%PDF-1.4 junk"})
    assert clinic.documents.open(document.id).intact


def test_tampered_or_corrupt_bytes_are_found_when_opened(clinic: Clinic, cw: CourseWorld) -> None:
    new_course(clinic, cw)
    document = clinic.documents.make(cw.patient(ESCORTED), DocumentKind.AFTERCARE).value.document
    original = clinic.documents.open(document.id).pdf
    _drop_guard(clinic)
    with clinic.database.transaction() as session:
        session.execute(
            text("UPDATE patient_documents SET pdf = :pdf"),
            {"pdf": original.replace(b"%%EOF", b"% one byte more\n%%EOF")},
        )
    tampered = clinic.documents.open(document.id)
    assert not tampered.intact and tampered.readable
    with clinic.database.transaction() as session:
        session.execute(text("UPDATE patient_documents SET pdf = :pdf"), {"pdf": original[: len(original) // 2]})
    corrupt = clinic.documents.open(document.id)
    assert not corrupt.intact and not corrupt.readable


def _drop_guard(clinic: Clinic) -> None:
    """What someone with direct database access could do: the triggers stop the app, not a determined admin."""
    with clinic.database.transaction() as session:
        if clinic.database.engine.dialect.name == "sqlite":
            session.execute(text("DROP TRIGGER patient_documents_frozen"))
        else:
            session.execute(text("DROP TRIGGER patient_documents_guard ON patient_documents"))


def test_an_older_document_keeps_its_template_version(clinic: Clinic, cw: CourseWorld) -> None:
    new_course(clinic, cw)
    first = clinic.documents.make(cw.patient(ESCORTED), DocumentKind.AFTERCARE).value
    with clinic.database.transaction() as session:  # what saving an edited active template does (a new version)
        session.execute(text("UPDATE document_templates SET status = 'retired' WHERE code = 'aftercare'"))
        session.execute(
            text(
                "INSERT INTO document_templates (code, version, status, kind, title, routes, language, body, "
                "saved_at, row_version) SELECT code, 2, 'active', kind, title, routes, language, "
                "body || :extra, saved_at, 1 FROM document_templates WHERE code = 'aftercare'"
            ),
            {"extra": "\n\n## Version two\nA paragraph only the second version has."},
        )
    second = clinic.documents.make(cw.patient(ESCORTED), DocumentKind.AFTERCARE).value
    assert (first.document.template_version, second.document.template_version) == (1, 2)
    assert "only the second version has" in " ".join(pdf_pages(second.pdf))
    kept = clinic.documents.open(first.document.id)
    assert kept.pdf == first.pdf and kept.document.template_version == 1
    assert "only the second version has" not in " ".join(pdf_pages(kept.pdf))


def test_front_desk_prints_but_an_archived_record_gets_nothing(clinic: Clinic, cw: CourseWorld) -> None:
    new_course(clinic, cw)
    sign_in_as(clinic, "fran", Role.FRONT_DESK)
    made = clinic.documents.make(cw.patient(ESCORTED), DocumentKind.AFTERCARE).value
    assert made.document.made_by_name
    patient = clinic.patients.get(cw.patient(ESCORTED))
    clinic.patients.archive(patient.id, patient.version, "moved away")
    with pytest.raises(ValidationFailed, match="archived"):
        clinic.documents.make(cw.patient(ESCORTED), DocumentKind.AFTERCARE)
    assert len(clinic.documents.for_patient(cw.patient(ESCORTED))) == 1  # still listed


def test_preparation_for_a_named_dosing_appointment_describes_that_session(clinic: Clinic, cw: CourseWorld) -> None:
    new_course(clinic, cw)
    later = clinic.booking.book(draft(cw.world, local(MONDAY + timedelta(days=9), 13))).value[0]  # outside the course
    made = clinic.documents.make(cw.patient(ESCORTED), DocumentKind.PREPARATION, appointment_id=later.id).value
    words = " ".join(pdf_pages(made.pdf))
    day = (MONDAY + timedelta(days=9)).strftime("%B %-d, %Y")
    assert day in words and "1:00 PM" in words and "12:45 PM" in words  # the session, and arriving 15 minutes early
    assert made.document.route is Route.IV
    other = clinic.booking.book(draft(cw.world, local(MONDAY, 13), patient=UNESCORTED)).value[0]
    with pytest.raises(ValidationFailed, match="not this patient's"):
        clinic.documents.make(cw.patient(ESCORTED), DocumentKind.PREPARATION, appointment_id=other.id)


def test_revoking_withdraws_every_consent_for_the_route(clinic: Clinic, cw: CourseWorld) -> None:
    new_course(clinic, cw)
    older = sign(clinic, cw.patient(ESCORTED)).document
    newer = sign(clinic, cw.patient(ESCORTED)).document
    clinic.documents.revoke(newer.id, newer.version, TODAY, "Wants to stop")
    assert consented_routes_of(clinic, cw.patient(ESCORTED)) == set()
    states = {d.id: d.state for d in clinic.documents.for_patient(cw.patient(ESCORTED))}
    assert states == {older.id: DocumentState.REVOKED, newer.id: DocumentState.REVOKED}
    sign(clinic, cw.patient(ESCORTED))  # a new consent after the withdrawal counts again
    assert consented_routes_of(clinic, cw.patient(ESCORTED)) == {Route.IV}


def test_signing_on_screen_is_for_the_version_the_patient_was_shown(clinic: Clinic, cw: CourseWorld) -> None:
    with pytest.raises(ValidationFailed, match="no open treatment course"):
        clinic.documents.ready(cw.patient(ESCORTED), DocumentKind.CONSENT)  # asked before anyone signs
    new_course(clinic, cw)
    shown = clinic.documents.ready(cw.patient(ESCORTED), DocumentKind.CONSENT)
    assert (shown.template_code, shown.template_version) == ("consent-iv", 1)
    assert shown.title == "Informed consent for IV ketamine infusion"
    with clinic.database.transaction() as session:  # an admin saves a new version meanwhile
        session.execute(text("UPDATE document_templates SET status = 'retired' WHERE code = 'consent-iv'"))
        session.execute(
            text(
                "INSERT INTO document_templates (code, version, status, kind, title, routes, language, body, "
                "saved_at, row_version) SELECT code, 2, 'active', kind, title, routes, language, body, saved_at, 1 "
                "FROM document_templates WHERE code = 'consent-iv'"
            )
        )
    with pytest.raises(ValidationFailed, match="changed while the patient was reading it"):
        sign(clinic, cw.patient(ESCORTED), template_id=shown.template_id)
    assert count(clinic) == 0
    again = clinic.documents.ready(cw.patient(ESCORTED), DocumentKind.CONSENT)
    assert sign(clinic, cw.patient(ESCORTED), template_id=again.template_id).document.template_version == 2
