"""Every dosing session is followed by an integration appointment 24–72 hours later (CLINICAL.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kapdesk.domain.appointments import AppointmentKind, Status


class Booked(Protocol):
    """What the rule reads of an appointment (an `Appointment`, or a slimmer row read just for this)."""

    @property
    def id(self) -> int: ...
    @property
    def patient_id(self) -> int: ...
    @property
    def kind(self) -> AppointmentKind: ...
    @property
    def status(self) -> Status: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...


@dataclass(frozen=True)
class IntegrationWindow:
    min_hours: int = 24
    max_hours: int = 72

    def describe(self) -> str:
        return f"{self.min_hours}–{self.max_hours} h after the session"


def integration_warnings(appointments: Iterable[Booked], window: IntegrationWindow) -> dict[int, str]:
    """For each dosing appointment that holds its time: a warning if the patient has no integration appointment
    after it (and before their next dosing session), or if the first one falls outside the window."""
    by_patient: dict[int, list[Booked]] = {}
    for appointment in appointments:
        if appointment.status is not Status.CANCELLED and appointment.kind in (
            AppointmentKind.DOSING,
            AppointmentKind.INTEGRATION,
        ):
            by_patient.setdefault(appointment.patient_id, []).append(appointment)
    warnings: dict[int, str] = {}
    low, high = timedelta(hours=window.min_hours), timedelta(hours=window.max_hours)
    for booked in by_patient.values():
        booked.sort(key=lambda a: a.starts_at)
        for index, dosing in enumerate(booked):
            if dosing.kind is not AppointmentKind.DOSING or dosing.status is Status.NO_SHOW:
                continue  # a session that didn't happen needs no integration
            follower = next((a for a in booked[index + 1 :] if a.starts_at >= dosing.ends_at), None)
            if follower is None or follower.kind is AppointmentKind.DOSING:
                warnings[dosing.id] = f"No integration appointment booked ({window.describe()})."
                continue
            gap = follower.starts_at - dosing.ends_at
            if gap < low:
                warnings[dosing.id] = f"The integration appointment is under {window.min_hours} h after the session."
            elif gap > high:
                warnings[dosing.id] = f"The integration appointment is over {window.max_hours} h after the session."
    return warnings
