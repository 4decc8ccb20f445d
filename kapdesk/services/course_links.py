"""What a course asks of the calendar when one of its dosing sessions moves: its integration session moves with it
(same shift, same checks as any booking), and the doses either side must stay the protocol's spacing apart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from kapdesk.db.models import AppointmentClinician, AppointmentRow, CourseRow, CourseSessionRow
from kapdesk.domain.appointments import AppointmentDraft, AppointmentKind, Status
from kapdesk.domain.clashes import BookingConflict, OutsideHours
from kapdesk.domain.errors import FieldError, ValidationFailed
from kapdesk.services.booking_checks import resolve
from kapdesk.services.booking_places import check_places, existing_place, write_place
from kapdesk.services.protocol_rows import read_template

_CS, _C, _A, _AC = (
    CourseSessionRow.__table__,
    CourseRow.__table__,
    AppointmentRow.__table__,
    AppointmentClinician.__table__,
)
_HOLDING = (Status.SCHEDULED.value, Status.ARRIVED.value, Status.COMPLETED.value)


def follow_dose_moves(
    session: Session, moved: Sequence[tuple[AppointmentRow, datetime]], override_reason: str
) -> list[int]:
    """Called with each changed appointment and where it started before, once the changes are written (so the
    calendar already shows them at their new times). Raises ValidationFailed if a moved dose comes too close to
    its neighbours, or its integration session can't follow; returns the integration appointments moved."""
    connection = session.connection()
    followed: list[int] = []
    for row, old_start in moved:
        shift = row.starts_at - old_start
        if not shift:
            continue
        link = connection.execute(
            select(_CS.c.course_id, _CS.c.number).where(
                _CS.c.appointment_id == row.id, _CS.c.kind == AppointmentKind.DOSING.value
            )
        ).first()
        if link is None:
            continue
        _check_spacing(connection, link.course_id, link.number, row)
        try:
            moved_id = move_integration(session, link.course_id, link.number, shift, override_reason)
        except (BookingConflict, OutsideHours) as refused:
            raise ValidationFailed(
                [FieldError("start", f"The integration session after this dose can't move with it: {refused.message}")]
            ) from refused
        if moved_id is not None:
            followed.append(moved_id)
    return followed


def _check_spacing(connection: Connection, course_id: int, number: int, row: AppointmentRow) -> None:
    template_id = connection.execute(select(_C.c.template_id).where(_C.c.id == course_id)).scalar_one()
    spacing = timedelta(hours=read_template(connection, template_id).spec.min_spacing_hours)
    neighbours = connection.execute(
        select(_CS.c.number, _A.c.starts_at)
        .join(_A, _A.c.id == _CS.c.appointment_id)
        .where(
            _CS.c.course_id == course_id,
            _CS.c.kind == AppointmentKind.DOSING.value,
            _CS.c.number.in_([number - 1, number + 1]),
            _A.c.status.in_(_HOLDING),
        )
    ).all()
    for other, starts_at in neighbours:
        gap = abs(row.starts_at - starts_at)
        if gap < spacing:
            raise ValidationFailed(
                [
                    FieldError(
                        "start",
                        f"Dose {number} would be only {gap / timedelta(hours=1):.0f} h from dose {other}; this "
                        f"course's protocol needs at least {spacing / timedelta(hours=1):.0f} h between doses.",
                    )
                ]
            )


def move_integration(
    session: Session, course_id: int, number: int, shift: timedelta, override_reason: str
) -> int | None:
    """Shift the integration session after dose `number` by `shift`, if it is booked and still to happen."""
    connection = session.connection()
    appointment_id = connection.execute(
        select(_CS.c.appointment_id).where(
            _CS.c.course_id == course_id,
            _CS.c.kind == AppointmentKind.INTEGRATION.value,
            _CS.c.number == number,
        )
    ).scalar()
    if appointment_id is None:
        return None
    row = session.get(AppointmentRow, appointment_id)
    if row is None or row.status != Status.SCHEDULED.value:
        return None
    clinicians = tuple(connection.execute(select(_AC.c.user_id).where(_AC.c.appointment_id == row.id)).scalars())
    draft = AppointmentDraft(
        row.patient_id, row.type_id, clinicians, row.room_id, row.starts_at + shift, row.ends_at + shift, row.notes
    )
    resolved = resolve(
        connection,
        row.patient_id,
        row.type_id,
        row.room_id,
        clinicians,
        new=False,
        kept_room=row.room_id,
        kept_clinicians=frozenset(clinicians),
    )
    place = existing_place(connection, row, row.starts_at + shift, row.ends_at + shift, clinicians)
    check_places(connection, draft, resolved, [place], override_reason)
    write_place(session, row, draft, resolved, place, override_reason)
    return row.id
