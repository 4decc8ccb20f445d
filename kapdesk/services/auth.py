"""Signing in and out, locking and unlocking, and changing one's own password.

An unknown username and a wrong password take the same path: the same argon2 work (against a stand-in
hash), the same database writes, the same message. Repeated failures for a username slow it down with
growing delays; nothing ever locks an account for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kapdesk.db.models import SignInAttempts, User
from kapdesk.domain.access import Actor
from kapdesk.domain.audit import Action, Category, Result
from kapdesk.domain.errors import (
    AccountDisabled,
    FieldError,
    KapdeskError,
    NotSignedIn,
    SignInFailed,
    SignInThrottled,
    ValidationFailed,
)
from kapdesk.domain.passwords import check_password
from kapdesk.domain.settings import SIGN_IN_FREE_ATTEMPTS, sign_in_delay
from kapdesk.domain.staff import Role
from kapdesk.services.audit_trail import Entry
from kapdesk.services.clinic_admin import read_settings
from kapdesk.services.drafts import DraftSummary, drafts_of
from kapdesk.services.passwords import Passwords
from kapdesk.services.work import Work, audited, phi_free

_FORGET = timedelta(days=1)


@dataclass(frozen=True)
class SignInResult:
    actor: Actor
    must_change_password: bool
    drafts: list[DraftSummary]


@dataclass(frozen=True)
class _Account:
    user_id: int | None
    username: str
    password_hash: str
    active: bool


class AuthService:
    def __init__(self, work: Work, passwords: Passwords) -> None:
        self._work = work
        self._passwords = passwords

    @phi_free("names the computer, nothing else")
    def workstation(self) -> str:
        return self._work.access.workstation

    @audited(Action.SIGN_IN)
    def sign_in(self, username: str, password: str) -> SignInResult:
        """Sign in at this computer, replacing whoever held it (their drafts were kept by the caller)."""
        typed = username.strip().lower()[:64]
        account = self._check(typed, password, Action.SIGN_IN)
        previous = self._work.access.current
        actor = self._complete(account, password, Action.SIGN_IN, previous)
        with self._work.database.read_session() as session:
            user = session.get(User, actor.user_id)
            assert user is not None
            result = SignInResult(actor, user.must_change_password, drafts_of(session, user.id))
        self._work.access.become(actor)
        return result

    @audited(Action.UNLOCK)
    def unlock(self, password: str) -> Actor:
        """The same user takes the locked screen back with their password."""
        holder = self._work.access.current
        if holder is None:
            raise NotSignedIn()
        account = self._check(holder.username, password, Action.UNLOCK)
        actor = self._complete(account, password, Action.UNLOCK, None)
        self._work.access.become(actor)
        return actor

    @audited(Action.LOCK)
    def lock(self, reason: str = "idle") -> None:
        actor = self._work.access.actor
        self._work.access.locked = True  # first: if recording fails, the services are locked all the same
        with self._work.unit(None, actor, check_account=False) as unit:
            unit.record(Entry(Action.LOCK, Category.SESSION, "user", str(actor.user_id), summary=f"locked ({reason})"))

    @audited(Action.SIGN_OUT)
    def sign_out(self) -> None:
        actor = self._work.access.current
        if actor is None:
            return
        try:
            with self._work.unit(None, actor, check_account=False) as unit:
                unit.record(Entry(Action.SIGN_OUT, Category.SESSION, "user", str(actor.user_id), summary="signed out"))
        finally:  # signed out even if the event could not be recorded
            self._work.access.clear()

    @audited(Action.PASSWORD_CHANGE)
    def change_password(self, current_password: str, new_password: str) -> None:
        actor = self._work.access.actor
        try:  # the same throttled, recorded check as signing in: an unlocked screen is no free guessing
            self._check(actor.username, current_password, Action.PASSWORD_CHANGE)
        except SignInFailed:
            raise ValidationFailed([FieldError("current_password", "is not your current password")]) from None
        problem = check_password(new_password, username=actor.username, full_name=actor.full_name)
        if problem:
            raise ValidationFailed([FieldError("new_password", problem.message)])
        if new_password == current_password:
            raise ValidationFailed([FieldError("new_password", "must differ from the current password")])
        hashed = self._passwords.hash(new_password)
        with self._work.unit(None) as unit:
            user = unit.session.get(User, actor.user_id)
            assert user is not None
            user.password_hash = hashed
            user.must_change_password = False
            unit.record(
                Entry(
                    Action.PASSWORD_CHANGE, Category.USER_ACCOUNT, "user", str(user.id), summary="changed own password"
                )
            )

    # -- the shared path of every password check ------------------------------------------------------

    def _check(self, typed: str, password: str, action: Action) -> _Account:
        """Throttle, then verify. Failures are recorded (and committed) before the error is raised."""
        self._passwords.warm_up()  # the stand-in hash is made before any attempt, known user or not
        now = self._work.clock()
        throttle_key = self._work.trail.digest(typed)  # a password typed as a username is never stored
        with self._work.database.read_session() as session:
            account = _account(session, typed)
            attempts = session.get(SignInAttempts, throttle_key)
            free = read_settings(session.connection())[SIGN_IN_FREE_ATTEMPTS]
        if attempts is not None:
            wait = sign_in_delay(attempts.failures, free) - (now - attempts.last_failure_at).total_seconds()
            if wait > 0:
                self._fail(account, throttle_key, action, now, "refused: waiting after repeated failures", count=False)
                raise SignInThrottled(int(wait + 0.999))
        matched = self._passwords.verify(account.password_hash, password)
        if not matched:
            self._fail(account, throttle_key, action, now, "wrong password or unknown username")
            raise SignInFailed()
        if not account.active:
            self._fail(account, throttle_key, action, now, "account disabled", count=False)
            raise AccountDisabled()
        return account

    def _fail(
        self, account: _Account, throttle_key: str, action: Action, now: datetime, why: str, *, count: bool = True
    ) -> None:
        # Record the typed name only when it is a real account: a password typed into the username field
        # must not end up in the trail.
        who = Actor(
            account.user_id, account.username or "(unknown user)", "", frozenset(), self._work.access.workstation
        )
        with self._work.unit(None, who, check_account=False) as unit:
            if count:
                # Delays never outlast a day, so older rows only keep typed names around: drop them.
                unit.session.execute(delete(SignInAttempts).where(SignInAttempts.last_failure_at < now - _FORGET))
                row = unit.session.get(SignInAttempts, throttle_key)
                if row is None:
                    unit.session.add(SignInAttempts(username=throttle_key, failures=1, last_failure_at=now))
                else:
                    row.failures += 1
                    row.last_failure_at = now
            unit.record(
                Entry(action, Category.SESSION, "user", str(account.user_id or ""), summary=why, outcome=Result.FAILURE)
            )

    def _complete(self, account: _Account, password: str, action: Action, previous: Actor | None) -> Actor:
        rehashed = self._passwords.hash(password) if self._passwords.needs_rehash(account.password_hash) else None
        with self._work.database.transaction() as session:
            self._work.trail.lock(session.connection())  # the same lock order as every other unit of work
            user = session.get(User, account.user_id)
            if user is None or not user.active:
                raise KapdeskError("This account changed while signing in.", "Try again.")
            actor = Actor(
                user.id,
                user.username,
                user.full_name,
                frozenset(Role(r.role) for r in user.roles),
                self._work.access.workstation,
            )
            notes = []
            if rehashed:
                user.password_hash = rehashed
                notes.append("password hash upgraded to the current policy")
            if previous is not None and previous.user_id != user.id:
                notes.append(f"took over from {previous.username}")
            user.last_sign_in_at = self._work.clock()
            session.execute(
                delete(SignInAttempts).where(SignInAttempts.username == self._work.trail.digest(user.username))
            )
            word = "signed in" if action is Action.SIGN_IN else "unlocked"
            entry = Entry(action, Category.SESSION, "user", str(user.id), summary="; ".join([word, *notes]))
            self._work.trail.append(session.connection(), actor, [entry], self._work.clock())
        return actor


def _account(session: Session, typed: str) -> _Account:
    user = session.scalar(select(User).where(User.username == typed))
    if user is None or not user.password_hash:
        return _Account(None, "", "", True)
    return _Account(user.id, user.username, user.password_hash, user.active)
