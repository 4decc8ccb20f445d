"""Which outcome measures each patient has on record, for the course overview to tell which are due or overdue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, select

from kapdesk.db.models import AssessmentRow

_A = AssessmentRow.__table__


def measures_taken(connection: Connection, patient_ids: Iterable[int]) -> dict[int, list[tuple[str, datetime]]]:
    """Each patient's measures as (instrument, taken at), oldest first: every one not entered in error, complete or
    not (an incomplete form was still taken). Every patient asked about has an entry. One query."""
    ids = list(set(patient_ids))
    found: dict[int, list[tuple[str, datetime]]] = {p: [] for p in ids}
    if not ids:
        return found
    query = (
        select(_A.c.patient_id, _A.c.instrument, _A.c.taken_at)
        .where(_A.c.patient_id.in_(ids), _A.c.entered_in_error_at.is_(None))
        .order_by(_A.c.patient_id, _A.c.taken_at, _A.c.id)
    )
    for patient_id, instrument, taken_at in connection.execute(query):
        found[patient_id].append((instrument, taken_at))
    return found
