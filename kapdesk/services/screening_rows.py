"""Where each patient stands for dosing: their latest screening judged against today, the clinic's period and what
their intake record has gained since. Read by the screening screen, course planning and check-in readiness."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from kapdesk.db.models import AllergyRow, DiagnosisRow, ScreeningRow
from kapdesk.domain.intake import item_for_allergy, item_for_code
from kapdesk.domain.screening import Result, Verdict, judge
from kapdesk.domain.screening_items import Item
from kapdesk.domain.settings import SCREENING_VALID_MONTHS
from kapdesk.services.clinic_admin import read_settings
from kapdesk.services.schedule_setup import read_zone_name

_S, _D, _AL = ScreeningRow.__table__, DiagnosisRow.__table__, AllergyRow.__table__


def intake_items(connection: Connection, patient_ids: Iterable[int]) -> dict[int, list[tuple[Item, datetime]]]:
    """What each patient's current diagnoses and allergies imply for screening, with when each was recorded."""
    ids = list(patient_ids)
    found: dict[int, list[tuple[Item, datetime]]] = {p: [] for p in ids}
    for patient_id, code, recorded_at in connection.execute(
        select(_D.c.patient_id, _D.c.code, _D.c.recorded_at).where(_D.c.patient_id.in_(ids), _D.c.resolved_on.is_(None))
    ):
        if (item := item_for_code(code)) is not None:
            found[patient_id].append((item, recorded_at))
    for patient_id, substance, recorded_at in connection.execute(
        select(_AL.c.patient_id, _AL.c.substance, _AL.c.recorded_at).where(
            _AL.c.patient_id.in_(ids), _AL.c.removed_on.is_(None)
        )
    ):
        if (item := item_for_allergy(substance)) is not None:
            found[patient_id].append((item, recorded_at))
    return found


def verdicts(connection: Connection, patient_ids: Iterable[int], today: date) -> dict[int, Verdict]:
    """Each patient's standing, from their latest screening (signed or not). One query per kind of row."""
    ids = list(set(patient_ids))
    if not ids:
        return {}
    latest = (
        select(_S.c.patient_id, func.max(_S.c.id).label("id")).where(_S.c.patient_id.in_(ids)).group_by(_S.c.patient_id)
    ).subquery()
    rows = {
        row.patient_id: row
        for row in connection.execute(
            select(_S.c.id, _S.c.patient_id, _S.c.signed_at, _S.c.result, _S.c["items"], _S.c.rems_enrolled).join(
                latest, latest.c.id == _S.c.id
            )
        )
    }
    months = read_settings(connection)[SCREENING_VALID_MONTHS]
    zone = ZoneInfo(read_zone_name(connection))
    implied = intake_items(connection, ids)
    found = {}
    for patient_id in ids:
        row = rows.get(patient_id)
        signed_at = row.signed_at if row is not None else None
        found[patient_id] = judge(
            screening_id=row.id if row is not None else None,
            signed_at=signed_at,
            signed_on=signed_at.astimezone(zone).date() if signed_at is not None else None,
            result=Result(row.result) if row is not None else None,
            covered=frozenset(Item(i) for i in row.items) if row is not None else frozenset(),
            later=implied[patient_id],
            today=today,
            valid_months=months,
            rems_enrolled=bool(row.rems_enrolled) if row is not None else False,
        )
    return found
