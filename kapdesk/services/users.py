"""Staff accounts: add, change roles, disable and enable, reset passwords. Admin only, every change audited."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kapdesk.db.models import User, UserRole
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.errors import ConflictError, FieldError, NotFound, ValidationFailed
from kapdesk.domain.passwords import check_password
from kapdesk.domain.permissions import Permission
from kapdesk.domain.staff import Role, StaffMember, check_new_user
from kapdesk.services.audit_trail import Entry
from kapdesk.services.passwords import Passwords
from kapdesk.services.work import Unit, Work, audited, phi_free


class UserService:
    def __init__(self, work: Work, passwords: Passwords) -> None:
        self._work = work
        self._passwords = passwords

    @phi_free("the staff list holds no patient data")
    def list(self, *, include_disabled: bool = True) -> list[StaffMember]:
        self._work.access.actor  # noqa: B018 - signed-in staff only
        with self._work.database.read_session() as session:
            query = select(User).order_by(User.username)
            if not include_disabled:
                query = query.where(User.active.is_(True))
            return [member_of(user) for user in session.scalars(query)]

    @phi_free("looks up a staff account, no patient data")
    def find(self, username: str) -> StaffMember:
        with self._work.database.read_session() as session:
            return member_of(_by_username(session, username))

    @audited(Action.USER_ADD)
    def add(
        self,
        username: str,
        full_name: str,
        roles: frozenset[Role],
        password: str,
        *,
        credentials: str = "",
    ) -> Outcome[StaffMember]:
        username = username.strip().lower()
        errors = check_new_user(username, full_name, roles)
        problem = check_password(password, username=username, full_name=full_name)
        if problem:
            errors.append(FieldError("password", problem.message))
        if errors:
            raise ValidationFailed(errors)
        hashed = self._passwords.hash(password)
        with self._work.unit(Permission.MANAGE_USERS) as unit:
            self._work.trail.seal(unit.connection)  # the first admin of a new clinic may come from the command line
            if unit.session.scalar(select(func.count()).where(User.username == username)):
                raise ValidationFailed([FieldError("username", f"“{username}” is already taken")])
            user = User(username=username, full_name=full_name.strip(), credentials=credentials.strip()[:40])
            user.password_hash = hashed
            user.roles = [UserRole(role=role.value) for role in sorted(roles)]
            unit.session.add(user)
            unit.session.flush()
            _record(unit, Action.USER_ADD, user, f"added {username} as {_role_list(roles)}")
            return Outcome(member_of(user), Changes())

    @audited(Action.USER_CHANGE)
    def change(
        self, user_id: int, expected_version: int, full_name: str, roles: frozenset[Role], credentials: str = ""
    ) -> Outcome[StaffMember]:
        with self._work.unit(Permission.MANAGE_USERS) as unit:
            user = _load(unit.session, user_id, expected_version)
            errors = [e for e in check_new_user(user.username, full_name, roles) if e.field != "username"]
            if errors:
                raise ValidationFailed(errors)
            _keep_an_admin(unit.session, user, roles, user.active)
            before = frozenset(Role(r.role) for r in user.roles)
            user.full_name = full_name.strip()
            user.credentials = credentials.strip()[:40]
            if roles != before:
                user.roles = [UserRole(role=role.value) for role in sorted(roles)]
            unit.session.flush()
            _record(unit, Action.USER_CHANGE, user, f"roles {_role_list(before)} → {_role_list(roles)}")
            return Outcome(member_of(user), Changes())

    @audited(Action.USER_DISABLE)
    def disable(self, username: str) -> Outcome[StaffMember]:
        return self._set_active(username, False)

    @audited(Action.USER_ENABLE)
    def enable(self, username: str) -> Outcome[StaffMember]:
        return self._set_active(username, True)

    def _set_active(self, username: str, active: bool) -> Outcome[StaffMember]:
        with self._work.unit(Permission.MANAGE_USERS) as unit:
            user = _by_username(unit.session, username)
            if not active:
                if unit.actor.user_id == user.id:
                    raise ValidationFailed([FieldError("username", "you can't disable your own account")])
                _keep_an_admin(unit.session, user, frozenset(Role(r.role) for r in user.roles), False)
            user.active = active
            unit.session.flush()
            action = Action.USER_ENABLE if active else Action.USER_DISABLE
            _record(unit, action, user, f"{'enabled' if active else 'disabled'} {user.username}")
            return Outcome(member_of(user), Changes())

    @audited(Action.PASSWORD_RESET)
    def reset_password(self, username: str, new_password: str) -> Outcome[StaffMember]:
        """An admin sets a temporary password; the user must choose their own at their next sign-in."""
        with self._work.database.read_session() as session:
            target = member_of(_by_username(session, username))
        problem = check_password(new_password, username=target.username, full_name=target.full_name)
        if problem:
            raise ValidationFailed([FieldError("password", problem.message)])
        hashed = self._passwords.hash(new_password)
        with self._work.unit(Permission.MANAGE_USERS) as unit:
            user = _by_username(unit.session, username)
            user.password_hash = hashed
            user.must_change_password = True
            unit.session.flush()
            _record(unit, Action.PASSWORD_RESET, user, f"reset the password of {user.username}")
            return Outcome(member_of(user), Changes())


def member_of(user: User) -> StaffMember:
    return StaffMember(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        credentials=user.credentials,
        roles=frozenset(Role(r.role) for r in user.roles),
        active=user.active,
        can_sign_in=bool(user.password_hash),
        must_change_password=user.must_change_password,
        last_sign_in_at=user.last_sign_in_at,
        version=user.version,
    )


def _by_username(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"There is no staff account “{username}”.", "`kapdesk user list` shows every account.")
    return user


def _load(session: Session, user_id: int, expected_version: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no staff account with id {user_id}.")
    if user.version != expected_version:
        raise ConflictError(f"{user.username}'s account was changed on another computer.", member_of(user))
    return user


def _keep_an_admin(session: Session, user: User, new_roles: frozenset[Role], active: bool) -> None:
    """The clinic must always have an active admin who can sign in, or nobody could manage accounts."""
    if Role.ADMIN in new_roles and active:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .join(UserRole)
        .where(UserRole.role == Role.ADMIN.value, User.active.is_(True), User.password_hash != "", User.id != user.id)
    )
    was_admin = any(r.role == Role.ADMIN.value for r in user.roles) and user.active
    if was_admin and not others:
        raise ValidationFailed([FieldError("roles", "this is the clinic's last active admin; add another admin first")])


def _role_list(roles: frozenset[Role]) -> str:
    return ", ".join(sorted(r.label for r in roles)) or "no role"


def _record(unit: Unit, action: Action, user: User, summary: str) -> None:
    unit.record(Entry(action, Category.USER_ACCOUNT, "user", str(user.id), summary=summary))
