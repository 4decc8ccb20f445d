"""The demo clinic's consent forms: each open course's patient has a consent for the course's route, printed the
day before the course starts, and most of them signed on paper with the nurse as witness. A few are still waiting
for the signature and one was revoked, so the calendar shows what check-in refuses and why."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kapdesk.db.models import CourseRow, Patient, PatientDocumentRow, User
from kapdesk.domain.courses import CourseStatus
from kapdesk.domain.document_templates import DocumentKind
from kapdesk.domain.patient_documents import SignMethod
from kapdesk.services.document_making import course_facts, make_pdf
from kapdesk.services.patients import patient_record
from kapdesk.services.schedule_setup import read_zone_name

_C = CourseRow.__table__
UNSIGNED = 0.15  # the share of consents printed but not yet signed
WITHDRAWN = "Decided to pause treatment and think it over with family."


def add_consents(session: Session, rng: Random, now: datetime) -> int:
    """Write the consents; returns how many."""
    connection = session.connection()
    zone = ZoneInfo(read_zone_name(connection))
    nurse = connection.execute(select(User.id, User.full_name).where(User.username == "nurse")).one()
    courses = connection.execute(
        select(_C.c.id, _C.c.patient_id, _C.c.start_on)
        .where(_C.c.status.in_([CourseStatus.ACTIVE.value, CourseStatus.DRAFT.value]))
        .order_by(_C.c.id)
    ).all()
    rows = []
    revoked = False
    for course_id, patient_id, start_on in courses:
        made_at = min(datetime.combine(start_on - timedelta(days=1), time(10), zone), now - timedelta(hours=1))
        patient = patient_record(session.get(Patient, patient_id))
        facts = course_facts(connection, patient_id, course_id, made_at)
        assert facts is not None  # a course was named
        made = make_pdf(connection, patient, DocumentKind.CONSENT, facts, today=made_at.date(), now=made_at)
        row = dict(
            patient_id=patient_id, course_id=course_id, kind=DocumentKind.CONSENT.value, route=facts.route.value,
            template_id=made.template.id, title=made.title, pdf=made.pdf, sha256=hashlib.sha256(made.pdf).hexdigest(),
            made_by=nurse.id, made_at=made_at, signed_method=None, signed_at=None, signer_name="", witness_name="",
            signed_recorded_by=None, revoked_on=None, revoke_reason="", revoked_by=None, version=1,
        )  # fmt: skip
        if rng.random() >= UNSIGNED:
            signed_at = made_at + timedelta(minutes=rng.randint(5, 40))
            row |= dict(
                signed_method=SignMethod.WET.value, signed_at=signed_at,
                signer_name=f"{patient.first_name} {patient.last_name}", witness_name=nurse.full_name,
                signed_recorded_by=nurse.id,
            )  # fmt: skip
            if not revoked and start_on < now.date():
                revoked = True
                row |= dict(revoked_on=now.date(), revoke_reason=WITHDRAWN, revoked_by=nurse.id)
        rows.append(row)
    if rows:
        connection.execute(insert(PatientDocumentRow), rows)
    return len(rows)
