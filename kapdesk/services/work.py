"""The unit of work every service call runs in: check the permission, do the work, record it, commit once.

Also the registry of what each public service method does with patient data: `@audited` methods write an
audit event in their transaction; `@phi_free` methods touch no patient data. A test walks every service
class and fails on a method that is neither, and calls each audited one to prove it writes its event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from kapdesk.db.base import utcnow
from kapdesk.db.engine import Database
from kapdesk.db.models import User, UserRole
from kapdesk.domain.access import Actor
from kapdesk.domain.audit import Action, Category, Result
from kapdesk.domain.errors import AccountDisabled, PermissionDenied
from kapdesk.domain.permissions import Permission
from kapdesk.domain.staff import Role
from kapdesk.services.access import Access
from kapdesk.services.audit_trail import AuditTrail, Entry

F = TypeVar("F", bound=Callable[..., object])
_USERS, _ROLES = User.__table__, UserRole.__table__
_ACCOUNT = (
    select(_USERS.c.active, _ROLES.c.role)
    .select_from(_USERS.outerjoin(_ROLES, _ROLES.c.user_id == _USERS.c.id))
    .where(_USERS.c.id == bindparam("user_id"))
)


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
        """The acting user, as the database knows them now, if they hold the permission (for work that reads
        before it records). A refused attempt is itself recorded."""
        actor = actor or self.access.actor
        with self.database.reading() as connection:
            acting = self._current(connection, actor)
        return self._allowed(permission, actor, acting)

    @contextmanager
    def unit(
        self, permission: Permission | None, actor: Actor | None = None, *, check_account: bool = True
    ) -> Iterator[Unit]:
        """A transaction for `actor` (default: whoever is signed in) that commits only with its audit events.

        The account is re-read inside the transaction: disabling someone or changing their roles on one
        computer takes effect on every other at their next action. Locking, signing out and recording a
        failed sign-in pass check_account=False: they must work for any account."""
        actor = actor or self.access.actor
        with self.database.transaction() as session:
            connection = session.connection()
            self.trail.lock(connection)
            acting = self._current(connection, actor) if check_account else actor
            if acting is not None and (permission is None or acting.may(permission)):
                unit = Unit(connection, acting, session)
                yield unit
                self._finish(unit)
                return
        self._allowed(permission, actor, acting)  # records the refusal in a transaction of its own, then raises

    @contextmanager
    def core_unit(self, permission: Permission | None) -> Iterator[Unit]:
        """The same for work done with Core statements alone (a search): no Session to build."""
        actor = self.access.actor
        with self.database.writing() as connection:
            self.trail.lock(connection)
            acting = self._current(connection, actor)
            if acting is not None and (permission is None or acting.may(permission)):
                unit = Unit(connection, acting)
                yield unit
                self._finish(unit)
                return
        self._allowed(permission, actor, acting)

    @staticmethod
    def _current(connection: Connection, actor: Actor) -> Actor | None:
        """The actor with the roles the database holds now, or None if the account is disabled."""
        if actor.user_id is None:  # the command line and set-up act without an account
            return actor
        rows = connection.execute(_ACCOUNT, {"user_id": actor.user_id}).all()
        if not rows or not rows[0].active:
            return None
        roles = frozenset(Role(row.role) for row in rows if row.role)
        return actor if roles == actor.roles else replace(actor, roles=roles)

    def _allowed(self, permission: Permission | None, actor: Actor, current: Actor | None) -> Actor:
        """`current` if it may go ahead; otherwise the refusal is recorded (outside any open transaction)."""
        if current is None:
            self._refuse(actor, "refused: the account is disabled")
            raise AccountDisabled()
        if permission is None or current.may(permission):
            return current
        self._refuse(current, f"refused: {permission.label}")
        raise PermissionDenied(
            f"Your account ({', '.join(sorted(r.label for r in current.roles)) or 'no role'}) is not allowed to "
            f"{permission.label}.",
            "Ask a colleague who holds that role, or your clinic admin.",
        )

    def _refuse(self, actor: Actor, summary: str) -> None:
        with self.database.writing() as connection:
            self.trail.lock(connection)
            entry = Entry(Action.DENIED, Category.SESSION, summary=summary, outcome=Result.DENIED)
            self.trail.append(connection, actor, [entry], self.clock())

    def _finish(self, unit: Unit) -> None:
        if not unit.entries:
            raise RuntimeError("a service call finished without recording its audit event")
        self.trail.append(unit.connection, unit.actor, unit.entries, self.clock())
