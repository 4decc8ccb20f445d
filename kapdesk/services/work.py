"""The unit of work every service call runs in: check the permission, do the work, record it, commit once.

Also the registry of what each public service method does with patient data: `@audited` methods write an
audit event in their transaction; `@phi_free` methods touch no patient data. A test walks every service
class and fails on a method that is neither, and calls each audited one to prove it writes its event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from kapdesk.db.base import utcnow
from kapdesk.db.engine import Database
from kapdesk.domain.access import Actor
from kapdesk.domain.audit import Action, Category, Result
from kapdesk.domain.errors import PermissionDenied
from kapdesk.domain.permissions import Permission
from kapdesk.services.access import Access
from kapdesk.services.audit_trail import AuditTrail, Entry

F = TypeVar("F", bound=Callable[..., object])


def audited(action: Action) -> Callable[[F], F]:
    def mark(function: F) -> F:
        function.__kapdesk_audit__ = action  # type: ignore[attr-defined]
        return function

    return mark


def phi_free(reason: str) -> Callable[[F], F]:
    def mark(function: F) -> F:
        function.__kapdesk_phi_free__ = reason  # type: ignore[attr-defined]
        return function

    return mark


class Unit:
    """One transaction (a Session, or a bare connection for Core-only work), who it acts for, and the events
    it will record."""

    def __init__(self, connection: Connection, actor: Actor, session: Session | None = None) -> None:
        self.connection = connection
        self._session = session
        self.actor = actor
        self.entries: list[Entry] = []

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("this unit of work has no ORM session; open it with Work.unit")
        return self._session

    def record(self, entry: Entry) -> None:
        self.entries.append(entry)


class Work:
    """What every service shares: the database, who is acting here, the audit trail, and the clocks."""

    def __init__(
        self,
        database: Database,
        access: Access,
        trail: AuditTrail,
        today: Callable[[], date] = date.today,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.access = access
        self.trail = trail
        self.today = today
        self.clock = clock

    def require(self, permission: Permission | None, actor: Actor | None = None) -> Actor:
        """The acting user if they hold the permission; a refused attempt is itself recorded."""
        actor = actor or self.access.actor
        if permission is not None and not actor.may(permission):
            with self.database.writing() as connection:
                entry = Entry(
                    Action.DENIED, Category.SESSION, summary=f"refused: {permission.label}", outcome=Result.DENIED
                )
                self.trail.append(connection, actor, [entry], self.clock())
            raise PermissionDenied(
                f"Your account ({', '.join(sorted(r.label for r in actor.roles))}) is not allowed to "
                f"{permission.label}.",
                "Ask a colleague who holds that role, or your clinic admin.",
            )
        return actor

    @contextmanager
    def unit(self, permission: Permission | None, actor: Actor | None = None) -> Iterator[Unit]:
        """A transaction for `actor` (default: whoever is signed in) that commits only with its audit events."""
        acting = self.require(permission, actor)
        with self.database.transaction() as session:
            connection = session.connection()
            self.trail.lock(connection)
            unit = Unit(connection, acting, session)
            yield unit
            self._finish(unit)

    @contextmanager
    def core_unit(self, permission: Permission | None) -> Iterator[Unit]:
        """The same for work done with Core statements alone (a search): no Session to build."""
        acting = self.require(permission)
        with self.database.writing() as connection:
            self.trail.lock(connection)
            unit = Unit(connection, acting)
            yield unit
            self._finish(unit)

    def _finish(self, unit: Unit) -> None:
        if not unit.entries:
            raise RuntimeError("a service call finished without recording its audit event")
        self.trail.append(unit.connection, unit.actor, unit.entries, self.clock())
