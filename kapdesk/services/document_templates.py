"""Document templates: list, read, preview and edit the consent forms and handouts a clinic prints (admins).

A draft is edited in place: no document is ever made from one. Saving an active template adds the next version,
active, and retires the edited one in the same transaction, so every document keeps pointing at the exact text
it was made from. Only a code's latest version is edited, activated or retired. Audit events name the code, the
version and the fields changed, never the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kapdesk.db.models import DocumentTemplateRow, User
from kapdesk.domain.appointments import Route
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.dates import long_date
from kapdesk.domain.document_templates import (
    LANGUAGES,
    DocumentTemplate,
    TemplateSpec,
    TemplateStatus,
    check_spec,
    fill,
    fill_blocks,
    parse,
)
from kapdesk.domain.document_values import CourseFacts, document_values
from kapdesk.domain.errors import ConflictError, FieldError, NotFound, ValidationFailed
from kapdesk.domain.patients import PatientRecord
from kapdesk.domain.permissions import Permission
from kapdesk.domain.wall_clock import to_local
from kapdesk.services.audit_trail import Entry
from kapdesk.services.clinic_admin import read_settings
from kapdesk.services.document_making import SIGNATURE_ROLES, patient_line, read_letterhead
from kapdesk.services.document_rows import read_template, template_from_row
from kapdesk.services.protocol_rows import read_templates as read_protocols
from kapdesk.services.schedule_setup import read_zone_name
from kapdesk.services.work import Unit, Work, audited, phi_free

TEMPLATES = Changes(document_templates=True)
CODE_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CODE_LENGTH = (2, 40)
_T = DocumentTemplateRow.__table__
_ACTIVE, _DRAFT, _RETIRED = TemplateStatus.ACTIVE.value, TemplateStatus.DRAFT.value, TemplateStatus.RETIRED.value

# The preview's patient is made up, so an admin can look at any template without opening anyone's record. Her
# name needs the shipped font's Unicode glyphs, as real patients' names do.
SAMPLE_PATIENT = PatientRecord(
    first_name="Zoë",
    last_name="Ngô-Łukasiewicz",
    date_of_birth=date(1987, 4, 17),
    escort_name="Mateusz Ngô-Łukasiewicz",
    escort_phone="+15035550142",
    emergency_name="Ana Sofía Quiñones",
    emergency_phone="+15035550177",
    chart_number="KD-SAMPLE",
)
SAMPLE_PRESCRIBER = "Dr. Amara Okafor"
SAMPLE_THERAPIST = "Sólveig Jónsdóttir, LMFT"
SAMPLE_DOSE_AT = time(9, 0)  # tomorrow, on the clinic's clock


@dataclass(frozen=True)
class TemplateVersion(DocumentTemplate):
    """One version as the history lists it: when (the clinic's wall clock) and by whom it was saved."""

    saved_at: datetime
    saved_by: str  # "" for the versions kapdesk was installed with


class DocumentTemplateService:
    def __init__(self, work: Work) -> None:
        self._work = work

    # -- reading (no patient data) -----------------------------------------------------------------------

    @phi_free("document templates; no patient data")
    def templates(self, *, include_retired: bool = False) -> list[DocumentTemplate]:
        """Drafts and active versions by code; with `include_retired`, every version of every template."""
        query = select(_T).order_by(_T.c.code, _T.c.version)
        if not include_retired:
            query = query.where(_T.c.status != _RETIRED)
        with self._work.database.reading() as connection:
            return [template_from_row(row) for row in connection.execute(query)]

    @phi_free("a document template; no patient data")
    def get(self, template_id: int) -> DocumentTemplate:
        """Any version, retired ones included: a patient's document names the version it was made from."""
        with self._work.database.reading() as connection:
            return read_template(connection, template_id)

    @phi_free("the versions of a document template; no patient data")
    def history(self, code: str) -> list[TemplateVersion]:
        """Every version of one template, newest first."""
        self._work.require(Permission.MANAGE_DOCUMENT_TEMPLATES)
        query = (
            select(_T, User.full_name.label("saved_by_name"))
            .select_from(_T.outerjoin(User, User.id == _T.c.saved_by))
            .where(_T.c.code == code)
            .order_by(_T.c.version.desc())
        )
        with self._work.database.reading() as connection:
            zone = ZoneInfo(read_zone_name(connection))
            return [
                TemplateVersion(**vars(template_from_row(row)), saved_at=to_local(row.saved_at, zone),
                                saved_by=row.saved_by_name or "")
                for row in connection.execute(query)
            ]  # fmt: skip

    @phi_free("a template filled with an invented patient; no patient data")
    def preview(self, spec: TemplateSpec) -> bytes:
        """The PDF `spec` makes on the clinic's letterhead and paper, filled for an invented patient with a course
        by the first of its routes and a dose tomorrow at 9:00. Text that can't be used raises ValidationFailed."""
        self._work.require(Permission.MANAGE_DOCUMENT_TEMPLATES)
        _raise(check_spec(spec))
        route = next(r for r in Route if r in spec.routes)
        today = self._work.today()
        with self._work.database.reading() as connection:
            head = read_letterhead(connection)
            settings = read_settings(connection)
            course = _sample_course(connection, route, today, ZoneInfo(head.clinic.time_zone))
        values = document_values(SAMPLE_PATIENT, head.clinic, course, settings, today)
        blocks, errors = fill_blocks(parse(spec.body), values)
        title, title_errors = fill(spec.title, values)
        _raise(errors + [e for e in title_errors if e.field not in {f.field for f in errors}])
        from kapdesk.documents.patient_document import DocumentPage, document_pdf

        page = DocumentPage(
            clinic=head.clinic,
            logo=head.logo,
            title=title,
            blocks=blocks,
            patient_line=patient_line(SAMPLE_PATIENT),
            reference=f"Preview with an invented patient, {long_date(today)}: not a document for anyone",
            signatures=SIGNATURE_ROLES if spec.kind.signed else (),
            e_signature=None,
            page_size=head.paper_size,
        )
        return document_pdf(page)

    # -- writing -----------------------------------------------------------------------------------------

    @audited(Action.SETUP)
    def add(self, code: str, spec: TemplateSpec) -> Outcome[DocumentTemplate]:
        """A new template, as its version 1, in draft: previewed and edited until an admin activates it."""
        code = code.strip()
        errors = check_spec(spec)
        low, high = CODE_LENGTH
        if not (low <= len(code) <= high and CODE_PATTERN.fullmatch(code)):
            errors.insert(0, FieldError("code", f"A code is {low} to {high} lower-case letters and digits, in words "
                                        "joined by hyphens (consent-iv-short)."))  # fmt: skip
        _raise(errors)
        with self._unit() as unit:
            if unit.session.scalar(select(DocumentTemplateRow.id).where(DocumentTemplateRow.code == code)):
                raise ValidationFailed([FieldError("code", "There is already a template with that code.")])
            row = self._new_row(unit, code, 1, TemplateStatus.DRAFT, spec)
            _record(unit, row, "added as a draft")
            return Outcome(template_from_row(row), TEMPLATES)

    @audited(Action.SETUP)
    def save(self, template_id: int, expected_row_version: int, spec: TemplateSpec) -> Outcome[DocumentTemplate]:
        """Save an edit of the latest version (as read, `expected_row_version`). A draft changes in place; an
        active one gets a successor, active, and is retired. Saving no change adds nothing."""
        _raise(check_spec(spec))
        with self._unit() as unit:
            row = self._latest(unit.session, template_id, expected_row_version)
            if row.status == _RETIRED:
                raise ValidationFailed([FieldError("status", f"Version {row.version} of “{row.title}” is retired. "
                                                   "Activate it first, or add a new template.")])  # fmt: skip
            if spec.kind.value != row.kind:
                raise ValidationFailed([FieldError("kind", "A template keeps its kind; add a new template instead.")])
            before, after = _columns(template_from_row(row).spec), _columns(spec)
            changed = [name for name in after if after[name] != before[name]]
            if not changed:
                _record(unit, row, "no change")
                return Outcome(template_from_row(row), Changes())
            if row.status == _DRAFT:
                for name in changed:
                    setattr(row, name, after[name])
                row.saved_by, row.saved_at = unit.actor.user_id, self._work.clock()
                _flush(unit, row)
                _record(unit, row, f"draft edited: {', '.join(changed)}")
                return Outcome(template_from_row(row), TEMPLATES)
            for rival in _rivals(unit.session, row.code, spec):
                _refuse_rival(spec, rival, "retire it first, or leave those routes out.")
            row.status = _RETIRED
            _flush(unit, row)
            successor = self._new_row(unit, row.code, row.version + 1, TemplateStatus.ACTIVE, spec)
            _record(unit, successor, f"saved as the active version, replacing {row.version}: {', '.join(changed)}")
            return Outcome(template_from_row(successor), TEMPLATES)

    @audited(Action.SETUP)
    def activate(self, template_id: int, expected_row_version: int) -> Outcome[DocumentTemplate]:
        """Documents are made from this version from now on (a draft, or a retired latest version brought back).
        It replaces the active template its routes wholly cover (retired in the same transaction); one it would
        share only some routes with refuses it."""
        with self._unit() as unit:
            row = self._latest(unit.session, template_id, expected_row_version)
            if row.status == _ACTIVE:
                _record(unit, row, "activate: already active")
                return Outcome(template_from_row(row), Changes())
            spec = template_from_row(row).spec
            replaced = unit.session.scalars(
                select(DocumentTemplateRow).where(
                    DocumentTemplateRow.code == row.code, DocumentTemplateRow.status == _ACTIVE
                )
            ).all()
            for rival in _rivals(unit.session, row.code, spec):
                if not set(rival.routes) <= {r.value for r in spec.routes}:
                    _refuse_rival(spec, rival, "it also covers other routes, so edit or retire it first.")
                replaced.append(rival)
            for other in replaced:
                other.status = _RETIRED
            row.status = _ACTIVE
            _flush(unit, row)
            names = ", ".join(f"{other.code} version {other.version}" for other in replaced)
            _record(unit, row, f"activated, replacing {names}" if replaced else "activated")
            return Outcome(template_from_row(row), TEMPLATES)

    @audited(Action.SETUP)
    def retire(self, template_id: int, expected_row_version: int) -> Outcome[DocumentTemplate]:
        """No more documents from this template; those made from it keep it."""
        with self._unit() as unit:
            row = self._latest(unit.session, template_id, expected_row_version)
            if row.status == _RETIRED:
                _record(unit, row, "retire: already retired")
                return Outcome(template_from_row(row), Changes())
            row.status = _RETIRED
            _flush(unit, row)
            _record(unit, row, "retired")
            return Outcome(template_from_row(row), TEMPLATES)

    # -- plumbing ----------------------------------------------------------------------------------------

    def _unit(self):  # type: ignore[no-untyped-def]
        return self._work.unit(Permission.MANAGE_DOCUMENT_TEMPLATES)

    def _new_row(
        self, unit: Unit, code: str, version: int, status: TemplateStatus, spec: TemplateSpec
    ) -> DocumentTemplateRow:
        row = DocumentTemplateRow(
            code=code,
            version=version,
            status=status.value,
            saved_by=unit.actor.user_id,
            saved_at=self._work.clock(),
            **_columns(spec),
        )
        unit.session.add(row)
        _flush(unit, row)
        return row

    @staticmethod
    def _latest(session: Session, template_id: int, expected_row_version: int) -> DocumentTemplateRow:
        """The row to change, if it is still as the user read it and is its code's latest version."""
        row = session.get(DocumentTemplateRow, template_id)
        if row is None:
            raise NotFound(f"There is no document template with id {template_id}.")
        if row.row_version != expected_row_version:
            raise ConflictError(
                f"Someone changed “{row.title}” on another computer after you opened it.", template_from_row(row)
            )
        newest = session.scalar(
            select(DocumentTemplateRow)
            .where(DocumentTemplateRow.code == row.code)
            .order_by(DocumentTemplateRow.version.desc())
            .limit(1)
        )
        if newest is not None and newest is not row:
            raise ConflictError(
                f"Version {row.version} of “{row.title}” has been replaced by version {newest.version}; only the "
                "latest version can be changed.",
                template_from_row(newest),
            )
        return row


def _columns(spec: TemplateSpec) -> dict[str, object]:
    """The row's columns for a spec (the inverse of document_rows.template_from_row)."""
    return {
        "kind": spec.kind.value,
        "title": spec.title.strip(),
        "routes": [r.value for r in Route if r in spec.routes],
        "language": spec.language,
        "body": spec.body,
    }


def _rivals(session: Session, code: str, spec: TemplateSpec) -> list[DocumentTemplateRow]:
    """Other templates active for a route of `spec`, of its kind and language. Which text a patient gets must
    never be a toss-up, so there is one active template per kind, route and language."""
    rows = session.scalars(
        select(DocumentTemplateRow).where(
            DocumentTemplateRow.status == _ACTIVE,
            DocumentTemplateRow.kind == spec.kind.value,
            DocumentTemplateRow.language == spec.language,
            DocumentTemplateRow.code != code,
        )
    )
    return [row for row in rows if any(r.value in row.routes for r in spec.routes)]


def _refuse_rival(spec: TemplateSpec, rival: DocumentTemplateRow, remedy: str) -> None:
    shared = ", ".join(r.label for r in Route if r in spec.routes and r.value in rival.routes)
    language = LANGUAGES.get(spec.language, spec.language)
    raise ValidationFailed(
        [FieldError("routes", f"“{rival.title}” ({rival.code}) is already the active {spec.kind.label.lower()} for "
                    f"{shared} in {language}: {remedy}")]
    )  # fmt: skip


def _sample_course(connection: Connection, route: Route, today: date, zone: ZoneInfo) -> CourseFacts:
    """A course by `route` on the clinic's own protocol for it (if it has one), a dose booked tomorrow."""
    protocol = next((p.spec.name for p in read_protocols(connection) if p.spec.route is route), "Sample protocol")
    dose_at = datetime.combine(today + timedelta(days=1), SAMPLE_DOSE_AT, tzinfo=zone)
    return CourseFacts(0, route, protocol, SAMPLE_PRESCRIBER, SAMPLE_THERAPIST, dose_at)


def _flush(unit: Unit, row: DocumentTemplateRow) -> None:
    try:
        unit.session.flush()
    except StaleDataError:
        raise ConflictError(f"Someone changed “{row.title}” on another computer meanwhile.", None) from None


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(errors)


def _record(unit: Unit, row: DocumentTemplateRow, summary: str) -> None:
    unit.record(
        Entry(
            Action.SETUP,
            Category.CLINIC_SETTINGS,
            "document_template",
            str(row.id),
            summary=f"document template {row.code} version {row.version}: {summary}",
        )
    )
