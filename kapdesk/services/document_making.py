"""Making one document's PDF inside a unit of work: the course it is for, the active template for its route, the
placeholders filled (every missing fact named, nothing printed blank), and the page laid out.

reportlab is imported only when a PDF is made (start-up cost)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from kapdesk.db.models import AppointmentRow, ClinicProfileRow
from kapdesk.domain.appointments import AppointmentKind
from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.courses import CourseStatus, SessionState
from kapdesk.domain.dates import long_date, plain_date
from kapdesk.domain.document_templates import Block, DocumentKind, DocumentTemplate, fill, fill_blocks, parse
from kapdesk.domain.document_values import CourseFacts, document_values
from kapdesk.domain.errors import FieldError, NotFound, ValidationFailed
from kapdesk.domain.patients import PatientRecord
from kapdesk.services.clinic_admin import read_settings
from kapdesk.services.course_rows import read_courses
from kapdesk.services.document_rows import active_template

LANGUAGE = "en"  # the seeded texts' language; a patient's preferred language can choose later
SIGNATURE_ROLES = ("Patient", "Witness", "Clinician")
_OPEN = (CourseStatus.ACTIVE, CourseStatus.DRAFT)
_A = AppointmentRow.__table__


@dataclass(frozen=True)
class Made:
    pdf: bytes
    title: str
    template: DocumentTemplate
    course: CourseFacts | None


@dataclass(frozen=True)
class Letterhead:
    clinic: ClinicProfile
    logo: bytes | None
    paper_size: str


def read_letterhead(connection: Connection) -> Letterhead:
    row = connection.execute(select(ClinicProfileRow.__table__)).first()
    if row is None:
        raise NotFound("The clinic has no profile yet.")
    return Letterhead(ClinicProfile(row.name, row.address, row.phone, row.time_zone), row.logo, row.paper_size)


def course_facts(
    connection: Connection, patient_id: int, course_id: int | None, now: datetime, *, appointment_id: int | None = None
) -> CourseFacts | None:
    """The course named (or the one holding `appointment_id`, a dosing session, which is then "the next dose"), or
    else the patient's newest open course; None when there is none."""
    courses = read_courses(connection, patient_id=patient_id)
    if appointment_id is not None:
        starts_at = connection.execute(
            select(_A.c.starts_at).where(_A.c.id == appointment_id, _A.c.patient_id == patient_id)
        ).scalar_one_or_none()
        if starts_at is None:
            raise ValidationFailed([FieldError("appointment", "That appointment is not this patient's.")])
        # The course the session belongs to; a dose booked outside any course goes with the open course.
        held = next((c for c in courses for s in c.sessions if s.appointment_id == appointment_id), None)
        chosen = held or next((c for c in courses if c.status in _OPEN), None)
        if chosen is None:
            return None
        return CourseFacts(
            chosen.id, chosen.route, chosen.template_name, chosen.prescriber_name, chosen.therapist_name, starts_at
        )
    if course_id is not None:
        course = next((c for c in courses if c.id == course_id), None)
        if course is None:
            raise ValidationFailed([FieldError("course", "That course is not this patient's.")])
    else:
        course = next((c for c in courses if c.status in _OPEN), None)  # read_courses lists newest first
        if course is None:
            return None
    upcoming = [
        s.starts_at
        for s in course.sessions
        if s.key.kind is AppointmentKind.DOSING
        and s.state is SessionState.BOOKED
        and s.starts_at is not None
        and s.starts_at >= now
    ]
    return CourseFacts(
        course.id,
        course.route,
        course.template_name,
        course.prescriber_name,
        course.therapist_name,
        min(upcoming, default=None),
    )


@dataclass(frozen=True)
class Prepared:
    """A document filled and ready to lay out: everything but the PDF."""

    template: DocumentTemplate
    title: str
    blocks: tuple[Block, ...]
    course: CourseFacts | None
    head: Letterhead


def prepare(
    connection: Connection,
    patient: PatientRecord,
    kind: DocumentKind,
    course: CourseFacts | None,
    *,
    today: date,
) -> Prepared:
    """The active template for the course's route, filled; every fact the record lacks refuses it, named."""
    if course is None and kind is not DocumentKind.AFTERCARE:
        why = f"This patient has no open treatment course, and the {kind.label.lower()} follows a course's route."
        raise ValidationFailed([FieldError("course", f"{why} Start one on the Courses tab first.")])
    route = course.route if course is not None else None
    template = active_template(connection, kind, route, LANGUAGE)
    if template is None:
        where = f" for {route.label}" if route is not None else ""
        raise ValidationFailed(
            [FieldError("template", f"There is no active {kind.label.lower()} template{where}. An admin adds one "
                        "under Admin ▸ Document templates.")]
        )  # fmt: skip
    head = read_letterhead(connection)
    values = document_values(patient, head.clinic, course, read_settings(connection), today)
    blocks, errors = fill_blocks(parse(template.spec.body), values)
    title, title_errors = fill(template.spec.title, values)
    errors += [e for e in title_errors if e.field not in {f.field for f in errors}]
    if errors:
        raise ValidationFailed(errors)
    return Prepared(template, title, blocks, course, head)


def make_pdf(
    connection: Connection,
    patient: PatientRecord,
    kind: DocumentKind,
    course: CourseFacts | None,
    *,
    today: date,
    now: datetime,
    e_signature: object | None = None,
    expected_template_id: int | None = None,
) -> Made:
    """`e_signature`: a patient_document.ESignature to print into the patient's signature block.
    `expected_template_id`: the version the patient was shown; if the active one changed since, nothing is made."""
    ready = prepare(connection, patient, kind, course, today=today)
    if expected_template_id is not None and ready.template.id != expected_template_id:
        raise ValidationFailed(
            [FieldError("template", f"The text changed while the patient was reading it (now version "
                        f"{ready.template.version}). Nothing was signed: go through the new text with the patient.")]
        )  # fmt: skip
    from kapdesk.documents.patient_document import DocumentPage, document_pdf

    template, head = ready.template, ready.head
    stamp = now.astimezone(ZoneInfo(head.clinic.time_zone))
    page = DocumentPage(
        clinic=head.clinic,
        logo=head.logo,
        title=ready.title,
        blocks=ready.blocks,
        patient_line=patient_line(patient),
        reference=f"{template.code} v{template.version} · made {long_date(stamp.date())} {stamp:%H:%M %Z}",
        signatures=SIGNATURE_ROLES if kind.signed else (),
        e_signature=e_signature,  # type: ignore[arg-type]
        page_size=head.paper_size,
    )
    return Made(document_pdf(page), ready.title, template, course)


def patient_line(patient: PatientRecord) -> str:
    born = f" · born {plain_date(patient.date_of_birth)}" if patient.date_of_birth else ""
    return f"{patient.first_name} {patient.last_name}{born} · chart {patient.chart_number}"
