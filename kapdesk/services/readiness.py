"""The readiness hook: what each dosing appointment still lacks, checked by providers that plug in here.

A provider answers for a batch of appointments at once (a calendar week holds dozens of dosing sessions), so
each adds one query per view, not one per appointment. Scheduling registers escort and preparation; the
clinical record (issue 5) and documents (issue 6) replace the screening and consent placeholders with providers
whose requirements are enforced at check-in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection, func, select

from kapdesk.db.base import UTCDateTime
from kapdesk.db.models import AppointmentRow, AppointmentTypeRow
from kapdesk.domain.appointments import Appointment, AppointmentKind, Status
from kapdesk.domain.readiness import Need, Readiness, Requirement, State, ready

Provider = Callable[[Connection, Sequence[Appointment]], dict[int, Requirement]]
_A, _T = AppointmentRow.__table__, AppointmentTypeRow.__table__
_AHEAD = (Status.SCHEDULED, Status.ARRIVED)  # readiness matters before dosing, not once it is done or missed


class ReadinessChecks:
    def __init__(self) -> None:
        self._providers: dict[Need, Provider] = {
            Need.SCREENING: _not_tracked(Need.SCREENING, "arrives with the clinical record"),
            Need.CONSENT: _not_tracked(Need.CONSENT, "arrives with consent documents"),
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
        found[a.id] = Requirement(Need.PREPARATION, State.MET if met else State.MISSING)
    return found


def _not_tracked(need: Need, detail: str) -> Provider:
    def provider(_connection: Connection, appointments: Sequence[Appointment]) -> dict[int, Requirement]:
        return {a.id: Requirement(need, State.NOT_TRACKED, detail) for a in appointments}

    return provider
