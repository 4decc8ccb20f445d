"""Reading the audit trail: the admin's event list and CSV export, and verifying the chain."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select

from kapdesk.db.models import AuditEventRow, AuditHead, ClinicProfileRow, Patient
from kapdesk.domain.audit import Action, AuditEvent, Category, ChainBreak, ChainVerifier, VerifyReport
from kapdesk.domain.errors import FieldError, ValidationFailed
from kapdesk.domain.permissions import Permission
from kapdesk.services.audit_trail import Entry, KeyStatus, set_up_before
from kapdesk.services.work import Work, audited, phi_free

A = AuditEventRow
SORTABLE = {
    "sequence": A.id,
    "time": A.occurred_at,
    "user": A.username,
    "workstation": A.workstation,
    "action": A.action,
    "category": A.category,
    "patient": Patient.chart_number,
    "entity": A.entity_type,
    "outcome": A.outcome,
    "summary": A.summary,
}
CSV_COLUMNS = [
    "sequence", "time_utc", "user", "user_id", "workstation", "action", "category",
    "entity_type", "entity_id", "patient_chart", "outcome", "summary",
]  # fmt: skip


@dataclass(frozen=True)
class AuditQuery:
    username: str = ""
    patient_chart: str = ""
    action: str = ""
    start: date | None = None  # clinic dates, inclusive
    end: date | None = None
    sort: str = "sequence"
    descending: bool = True
    limit: int = 500
    offset: int = 0


@dataclass(frozen=True)
class AuditRow:
    sequence: int
    occurred_at: datetime
    username: str
    user_id: int | None
    workstation: str
    action: str
    category: str
    entity_type: str
    entity_id: str
    patient_chart: str
    outcome: str
    summary: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    time_zone: str
    query: AuditQuery = field(repr=False)


class AuditService:
    def __init__(self, work: Work) -> None:
        self._work = work

    @phi_free("reports only whether the chain is intact and the number of the first bad event")
    def verify(self, batch: int = 20_000) -> VerifyReport:
        """Walk the whole chain in sequence order. Raises AuditKeyProblem if this PC lacks the right key."""
        trail = self._work.trail
        status = trail.key_status()
        if status is KeyStatus.NOT_SET_UP:
            return self._verify_unsealed()
        key = trail.verified_key()
        verifier = ChainVerifier(key)
        columns = (A.id, A.occurred_at, A.user_id, A.username, A.workstation, A.action, A.category,
                   A.entity_type, A.entity_id, A.patient_id, A.outcome, A.summary, A.mac)  # fmt: skip
        with self._work.database.reading() as connection:
            # The head first: events up to it were committed with it, so a colleague writing meanwhile adds
            # only events after it, which this walk leaves for the next verify.
            head = connection.execute(
                select(AuditHead.last_sequence, AuditHead.last_mac, AuditHead.head_mac).where(AuditHead.id == 1)
            ).one_or_none()
            if head is None:
                return verifier.finish(None, "", "")
            statement = select(*columns).where(A.id <= head.last_sequence).order_by(A.id)
            result = connection.execute(statement, execution_options={"yield_per": batch})
            try:
                for row in result:
                    if not verifier.feed(AuditEvent(*row[:-1]), row[-1]):
                        break
            except (ValueError, TypeError) as error:  # a value edited into something that can't be read back
                return VerifyReport(verifier.count, _unreadable(verifier.count + 1, error))
            finally:
                result.close()
            # One statement, one snapshot: an honest writer commits events and head together, so events past
            # the head were put there outside kapdesk.
            newest, sealed_end = connection.execute(
                select(func.max(A.id), select(AuditHead.last_sequence).where(AuditHead.id == 1).scalar_subquery())
            ).one()
        report = verifier.finish(head.last_sequence, head.last_mac, head.head_mac)
        if report.intact and newest is not None and sealed_end is not None and newest > sealed_end:
            first = sealed_end + 1
            return VerifyReport(
                report.events, ChainBreak(first, f"Event {first} lies past the sealed end of the trail.")
            )
        return report

    def _verify_unsealed(self) -> VerifyReport:
        """No seal: fine for a database nobody has set up yet, which must then hold no events at all."""
        with self._work.database.reading() as connection:
            count = connection.scalar(select(func.count()).select_from(A)) or 0
            head = connection.execute(select(AuditHead.last_sequence).where(AuditHead.id == 1)).one_or_none()
            set_up = set_up_before(connection)
        if head is None:
            return VerifyReport(0, ChainBreak(None, "The chain head record is missing: the trail was tampered with."))
        if count or head.last_sequence or set_up:
            return VerifyReport(
                0,
                ChainBreak(None, "The trail's seal was removed from a clinic that was set up: it was wiped or reset."),
            )
        return VerifyReport(0, None)

    @audited(Action.VIEW)
    def events(self, query: AuditQuery) -> AuditPage:
        with self._work.unit(Permission.VIEW_AUDIT) as unit:
            connection = unit.session.connection()
            zone = _zone(connection)
            statement = self._filtered(query, zone, connection)
            total = connection.scalar(select(func.count()).select_from(statement.subquery())) or 0
            order = SORTABLE.get(query.sort, A.id)
            ordered = statement.order_by(
                order.desc() if query.descending else order.asc(), A.id.desc() if query.descending else A.id.asc()
            )
            rows = [AuditRow(*r) for r in connection.execute(ordered.limit(query.limit).offset(query.offset))]
            unit.record(Entry(Action.VIEW, Category.AUDIT, "audit", "", summary=_describe(query, total)))
        return AuditPage(rows, total, zone, query)

    @audited(Action.EXPORT)
    def export_csv(self, query: AuditQuery, path: Path) -> int:
        """Write every matching event (all pages) to a CSV file; returns how many.

        The rows are read outside the write lock (a million of them take seconds, and other computers must
        not wait for that); the export is recorded once the file is complete."""
        self._work.require(Permission.VIEW_AUDIT)
        count = 0
        partial = path.with_name(path.name + ".part")  # a failed export leaves no half-written file behind
        try:
            with self._work.database.reading() as connection:
                statement = self._filtered(query, _zone(connection), connection).order_by(A.id)
                with partial.open("w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(CSV_COLUMNS)
                    for row in connection.execute(statement, execution_options={"yield_per": 5000}):
                        event = AuditRow(*row)
                        writer.writerow([
                            event.sequence, event.occurred_at.isoformat(), event.username, event.user_id or "",
                            event.workstation, event.action, event.category, event.entity_type, event.entity_id,
                            event.patient_chart, event.outcome, _csv_safe(event.summary),
                        ])  # fmt: skip
                        count += 1
            with self._work.unit(Permission.VIEW_AUDIT) as unit:
                summary = f"exported {count} events to CSV; {_describe(query, count)}"
                unit.record(Entry(Action.EXPORT, Category.AUDIT, "audit", "", summary=summary))
                partial.replace(path)  # the file appears only with its audit event
        finally:
            partial.unlink(missing_ok=True)
        return count

    def _filtered(self, query: AuditQuery, zone: str, connection) -> Select:  # type: ignore[no-untyped-def,type-arg]
        statement = select(
            A.id, A.occurred_at, A.username, A.user_id, A.workstation, A.action, A.category,
            A.entity_type, A.entity_id, func.coalesce(Patient.chart_number, ""), A.outcome, A.summary,
        ).outerjoin(Patient, Patient.id == A.patient_id)  # fmt: skip
        errors: list[FieldError] = []
        if query.username.strip():
            statement = statement.where(A.username == query.username.strip().lower())
        if query.action.strip():
            if query.action not in {a.value for a in Action}:
                errors.append(FieldError("action", "is not an audit action"))
            statement = statement.where(A.action == query.action)
        if query.patient_chart.strip():
            from kapdesk.domain.patient_search import ChartNumber, interpret

            charts = [c for c in interpret(query.patient_chart) if isinstance(c, ChartNumber)]
            if not charts:
                errors.append(FieldError("patient", "enter a chart number such as KD-000123"))
            else:
                patient_id = connection.scalar(select(Patient.id).where(Patient.chart_number == charts[0].prefix))
                statement = statement.where(A.patient_id == (patient_id if patient_id is not None else -1))
        if query.start and query.end and query.end < query.start:
            errors.append(FieldError("end", "is before the start date"))
        tz = ZoneInfo(zone)
        if query.start:
            statement = statement.where(A.occurred_at >= _utc(query.start, tz))
        if query.end:
            statement = statement.where(A.occurred_at < _utc(query.end + timedelta(days=1), tz))
        if errors:
            raise ValidationFailed(errors)
        return statement


def _zone(connection) -> str:  # type: ignore[no-untyped-def]
    return connection.scalar(select(ClinicProfileRow.time_zone).where(ClinicProfileRow.id == 1)) or "UTC"


def _utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def _describe(query: AuditQuery, total: int) -> str:
    parts = [f"{name}={value}" for name, value in (
        ("user", query.username), ("patient", query.patient_chart), ("action", query.action),
        ("from", query.start), ("to", query.end)) if value]  # fmt: skip
    return f"{total} events" + (f" where {', '.join(parts)}" if parts else "")


def _unreadable(sequence: int, error: Exception) -> ChainBreak:
    return ChainBreak(sequence, f"Event {sequence} can't be read back ({type(error).__name__}): it was altered.")


def _csv_safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; a leading quote keeps them text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
