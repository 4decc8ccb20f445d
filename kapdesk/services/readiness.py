"""The readiness hook: what each dosing appointment still lacks, checked by providers that plug in here.

A provider answers for a batch of appointments at once (a calendar week holds dozens of dosing sessions), so
each adds one query per view, not one per appointment. Escort is a warning; preparation, a current screening and
a signed consent for the route are enforced at check-in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from kapdesk.db.base import UTCDateTime
from kapdesk.db.models import AppointmentRow, AppointmentTypeRow, CourseRow, PatientDocumentRow
from kapdesk.domain.appointments import Appointment, AppointmentKind, Route, Status
from kapdesk.domain.courses import CourseStatus
from kapdesk.domain.readiness import Need, Readiness, Requirement, State, ready
from kapdesk.domain.screening import Result, Standing, Verdict
from kapdesk.services.document_rows import consented
from kapdesk.services.schedule_setup import read_zone_name
from kapdesk.services.screening_rows import verdicts

Provider = Callable[[Connection, Sequence[Appointment]], dict[int, Requirement]]
_A, _T, _C = AppointmentRow.__table__, AppointmentTypeRow.__table__, CourseRow.__table__
_D = PatientDocumentRow.__table__
_AHEAD = (Status.SCHEDULED, Status.ARRIVED)  # readiness matters before dosing, not once it is done or missed


class ReadinessChecks:
    def __init__(self, today: Callable[[], date] = date.today) -> None:
        self._providers: dict[Need, Provider] = {
            Need.SCREENING: screening_current(today),
            Need.CONSENT: consent_signed,
            Need.PREPARATION: preparation_done,
            Need.ESCORT: escort_named,
        }

    def register(self, need: Need, provider: Provider) -> None:
        """Replace how one need is checked (the clinical record and documents will plug in here)."""
        self._providers[need] = provider

    def check(self, connection: Connection, appointments: Sequence[Appointment]) -> dict[int, Readiness]:
        dosing = [a for a in appointments if a.kind is AppointmentKind.DOSING and a.status in _AHEAD]
        if not dosing:
            return {}
        answers = [provider(connection, dosing) for provider in self._providers.values()]
        return {a.id: ready([answer[a.id] for answer in answers if a.id in answer]) for a in dosing}


def escort_named(_connection: Connection, appointments: Sequence[Appointment]) -> dict[int, Requirement]:
    return {
        a.id: Requirement(
            Need.ESCORT,
            State.MET if a.escort_named else State.MISSING,
            "" if a.escort_named else "add one on the patient's record",
        )
        for a in appointments
    }


def preparation_done(connection: Connection, appointments: Sequence[Appointment]) -> dict[int, Requirement]:
    """Met when the patient has a completed preparation appointment before the dosing session starts."""
    patients = list({a.patient_id for a in appointments})
    first_done = dict(
        connection.execute(
            select(_A.c.patient_id, func.min(_A.c.starts_at, type_=UTCDateTime()))
            .join(_T, _T.c.id == _A.c.type_id)
            .where(
                _A.c.patient_id.in_(patients),
                _T.c.kind == AppointmentKind.PREPARATION.value,
                _A.c.status == Status.COMPLETED.value,
            )
            .group_by(_A.c.patient_id)
        ).all()
    )
    found = {}
    for a in appointments:
        done = first_done.get(a.patient_id)
        met = done is not None and done < a.starts_at
        found[a.id] = Requirement(Need.PREPARATION, State.MET if met else State.MISSING, enforced=True)
    return found


def consent_signed(connection: Connection, appointments: Sequence[Appointment]) -> dict[int, Requirement]:
    """Met when the patient's consent for the session's route is signed and not revoked."""
    valid = consented(connection, {a.patient_id for a in appointments})
    found = {}
    for a in appointments:
        met = a.route is not None and (a.patient_id, a.route) in valid
        detail = "" if met else f"none signed for {a.route.label if a.route else 'this route'}, or it was revoked"
        found[a.id] = Requirement(Need.CONSENT, State.MET if met else State.MISSING, detail, enforced=True)
    return found


def screening_current(today: Callable[[], date]) -> Provider:
    """Met when the patient's latest screening is signed, current on the session's day, not "not eligible" (or
    overridden by a prescriber on an open course), and records REMS enrollment for an esketamine session."""

    def provider(connection: Connection, appointments: Sequence[Appointment]) -> dict[int, Requirement]:
        now = today()
        standing = verdicts(connection, {a.patient_id for a in appointments}, now)
        overridden = set(
            connection.execute(
                select(_C.c.patient_id).where(
                    _C.c.patient_id.in_([a.patient_id for a in appointments]),
                    _C.c.override_reason != "",
                    _C.c.status.in_([CourseStatus.DRAFT.value, CourseStatus.ACTIVE.value]),
                )
            ).scalars()
        )
        zone = ZoneInfo(read_zone_name(connection))
        found = {}
        for a in appointments:
            verdict = standing[a.patient_id]
            problem = _screening_problem(verdict, a, a.starts_at.astimezone(zone).date(), a.patient_id in overridden)
            found[a.id] = Requirement(Need.SCREENING, State.MISSING if problem else State.MET, problem, enforced=True)
        return found

    return provider


def _screening_problem(verdict: Verdict, appointment: Appointment, day: date, overridden: bool) -> str:
    if verdict.standing is not Standing.CURRENT:
        return verdict.standing.label.lower()
    if verdict.expires_on is not None and day >= verdict.expires_on:
        return f"expires {verdict.expires_on.isoformat()}, before this session"
    if verdict.result is Result.NOT_ELIGIBLE and not overridden:
        return "screened not eligible, no prescriber override"
    if appointment.route is Route.ESKETAMINE and not verdict.rems_enrolled:
        return "REMS enrollment not recorded"
    return ""
