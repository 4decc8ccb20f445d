"""Appending to the audit trail, inside the caller's transaction, under the chain-head lock."""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, bindparam, func, select, update

from kapdesk.db.engine import Database
from kapdesk.db.models import AuditEventRow, AuditHead, ClinicProfileRow, Note, Patient, User
from kapdesk.domain import audit
from kapdesk.domain.access import Actor
from kapdesk.domain.audit import Action, AuditEvent, Category, Result
from kapdesk.domain.errors import AuditKeyProblem
from kapdesk.services.audit_key import AuditKeyFile


@dataclass(frozen=True)
class Entry:
    """What a service call did, for the trail. The summary names what changed, never what was written."""

    action: Action
    category: Category
    entity_type: str = ""
    entity_id: str = ""
    patient_id: int | None = None
    summary: str = ""
    outcome: Result = Result.SUCCESS


_HEAD = AuditHead.__table__
_LOCK_HEAD = select(_HEAD.c.id).where(_HEAD.c.id == 1).with_for_update()
_READ_HEAD = (
    select(_HEAD.c.last_sequence, _HEAD.c.last_mac, _HEAD.c.head_mac, _HEAD.c.key_check)
    .where(_HEAD.c.id == 1)
    .with_for_update()
)
_LAST_MAC = select(AuditEventRow.__table__.c.mac).where(AuditEventRow.__table__.c.id == bindparam("sequence"))
_INSERT_EVENTS = AuditEventRow.__table__.insert()
_MOVE_HEAD = (
    _HEAD.update()
    .where(_HEAD.c.id == 1)
    .values(last_sequence=bindparam("sequence"), last_mac=bindparam("mac"), head_mac=bindparam("seal"))
)


class KeyStatus(enum.Enum):
    NOT_SET_UP = "not set up"  # a new database: the first audited action seals the chain with this PC's key
    OK = "ok"
    MISSING = "missing"
    WRONG = "wrong"


class AuditTrail:
    def __init__(self, database: Database, key_file: AuditKeyFile) -> None:
        self._db = database
        self.key_file = key_file
        self._key: bytes | None = None

    def key_status(self) -> KeyStatus:
        with self._db.reading() as connection:
            stored = connection.scalar(select(AuditHead.key_check).where(AuditHead.id == 1))
        return self._status(stored)

    def _status(self, stored_check: str | None) -> KeyStatus:
        if stored_check is None:
            return KeyStatus.NOT_SET_UP
        key = self.key_file.read()
        if key is None:
            return KeyStatus.MISSING
        if not audit.constant_time_equal(audit.key_check(key), stored_check):
            return KeyStatus.WRONG
        self._key = key
        return KeyStatus.OK

    def verified_key(self) -> bytes:
        """The key, proven to be this database's. Raises AuditKeyProblem in words for the admin."""
        status = self.key_status()
        if status is KeyStatus.OK and self._key is not None:
            return self._key
        raise self.problem(status)

    def digest(self, text: str) -> str:
        """A keyed fingerprint of `text` (64 hex digits): lets a table match a typed name without storing it."""
        key = self._key or self.verified_key()
        return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()

    def problem(self, status: KeyStatus) -> AuditKeyProblem:
        where = self.key_file.path
        if status is KeyStatus.MISSING:
            return AuditKeyProblem(
                f"This computer has no audit key ({where}), so kapdesk can't record who does what and won't "
                "open records.",
                f"Copy the file {where.name} from the computer where the clinic was set up into {where.parent} "
                "(readable by this account only), then start kapdesk again. Your clinic admin can help.",
            )
        if status is KeyStatus.WRONG:
            return AuditKeyProblem(
                f"The audit key file {where} belongs to another clinic database, so kapdesk won't record "
                "anything with it.",
                f"Replace it with the {where.name} from the computer where this clinic was set up.",
            )
        return AuditKeyProblem(
            "This clinic has not been set up yet, so there is no audit trail to record in.",
            "Open kapdesk to run the first-time set-up, or add the first admin with `kapdesk user add`.",
        )

    def lock(self, connection: Connection) -> None:
        """Take the chain-head lock at the start of a unit of work. On PostgreSQL this serialises audited
        writes the way SQLite's BEGIN IMMEDIATE already does, so a unit's reads (the next chart number, a
        version check) can't be overtaken by another computer before it commits."""
        if connection.dialect.name == "postgresql":
            connection.execute(_LOCK_HEAD)

    def append(self, connection: Connection, actor: Actor, entries: list[Entry], now: datetime) -> None:
        """Add events after the chain head, in the caller's transaction. The head row is locked (FOR UPDATE on
        PostgreSQL; SQLite's write transaction already holds the database) so appends form one line."""
        head = connection.execute(_READ_HEAD).one_or_none()  # Core statements built once: every call appends
        if head is None:
            raise _tampered("The audit trail's chain head is missing")
        key = self._key_for_append(head.key_check)
        sequence, previous = head.last_sequence, head.last_mac
        # Never extend a chain whose end was rewritten: a valid new seal would otherwise cover the cut.
        sealed = audit.constant_time_equal(audit.head_mac(key, sequence, previous), head.head_mac)
        last_mac = connection.execute(_LAST_MAC, {"sequence": sequence}).scalar() if sequence else previous
        if not sealed or last_mac is None or not audit.constant_time_equal(last_mac, previous):
            raise _tampered("The end of the audit trail does not match its seal")
        now = now.astimezone(UTC)  # the MAC covers the time as it will read back: UTC
        rows = []
        for entry in entries:
            sequence += 1
            event = AuditEvent(
                sequence=sequence,
                occurred_at=now,
                user_id=actor.user_id,
                username=actor.username[:80],
                workstation=actor.workstation[:120],
                action=entry.action.value,
                category=entry.category.value,
                entity_type=entry.entity_type[:40],
                entity_id=entry.entity_id[:40],
                patient_id=entry.patient_id,
                outcome=entry.outcome.value,
                summary=entry.summary[: audit.SUMMARY_MAX],
            )
            previous = audit.chain_mac(key, previous, event)
            rows.append({**_columns(event), "mac": previous})
        connection.execute(_INSERT_EVENTS, rows)
        connection.execute(
            _MOVE_HEAD, {"sequence": sequence, "mac": previous, "seal": audit.head_mac(key, sequence, previous)}
        )

    def seal(self, connection: Connection) -> None:
        """Start a new clinic's chain with this computer's key (made now if it has none). Does nothing once
        sealed. Refuses a database that shows it was set up before: an unsealed trail there means someone
        wiped it, and sealing it afresh would hide that."""
        head = connection.execute(_READ_HEAD).one_or_none()
        if head is None:
            raise _tampered("The audit trail's chain head is missing")
        if head.key_check is not None:
            return
        if head.last_sequence or set_up_before(connection):
            raise _tampered("This clinic was set up before, yet its audit trail has no seal")
        key = self.key_file.read() or self.key_file.create()
        connection.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(key_check=audit.key_check(key), head_mac=audit.head_mac(key, 0, audit.GENESIS_MAC))
        )
        self._key = key

    def _key_for_append(self, stored_check: str | None) -> bytes:
        if (
            self._key is not None
            and stored_check is not None
            and audit.constant_time_equal(audit.key_check(self._key), stored_check)
        ):
            return self._key
        status = self._status(stored_check)
        if status is KeyStatus.OK and self._key is not None:
            return self._key
        raise self.problem(status)


def set_up_before(connection: Connection) -> bool:
    """Signs that this database was in use: a clinic profile, an account that can sign in, or any patient or
    note. An unsealed trail beside them means it was wiped (or the file predates the trail, which no clinic
    has in use): either way a new trail must not be started over it quietly."""
    for table, condition in (
        (ClinicProfileRow, None),
        (User, User.password_hash != ""),
        (Patient, None),
        (Note, None),
    ):
        query = select(func.count()).select_from(table)
        if connection.scalar(query if condition is None else query.where(condition)):
            return True
    return False


def _tampered(what: str) -> AuditKeyProblem:
    return AuditKeyProblem(
        f"{what}: the database was tampered with, so kapdesk records nothing more in it.",
        "Ask your admin to run `kapdesk audit verify` and to restore the latest good backup.",
    )


def _columns(event: AuditEvent) -> dict[str, object]:
    return {
        "id": event.sequence,
        "occurred_at": event.occurred_at,
        "user_id": event.user_id,
        "username": event.username,
        "workstation": event.workstation,
        "action": event.action,
        "category": event.category,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "patient_id": event.patient_id,
        "outcome": event.outcome,
        "summary": event.summary,
    }
