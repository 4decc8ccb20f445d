"""First-run set-up, the clinic profile and the clinic settings."""

from __future__ import annotations

from io import BytesIO

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from kapdesk.db.models import ClinicProfileRow, ClinicSetting, User, UserRole
from kapdesk.domain.access import Actor
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.clinic_profile import ClinicProfile, check_logo, logo_format, validate_profile
from kapdesk.domain.errors import FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.passwords import check_password
from kapdesk.domain.permissions import Permission
from kapdesk.domain.settings import (
    INTEGRATION_MAX_HOURS,
    INTEGRATION_MIN_HOURS,
    SETTINGS,
    ClinicSettings,
    parse_settings,
)
from kapdesk.domain.staff import Role, check_new_user
from kapdesk.services.audit_trail import Entry
from kapdesk.services.passwords import Passwords
from kapdesk.services.work import Work, audited, phi_free


class ClinicAdminService:
    def __init__(self, work: Work, passwords: Passwords) -> None:
        self._work = work
        self._passwords = passwords

    @phi_free("whether the clinic has a profile and an admin; no patient data")
    def needs_setup(self) -> bool:
        with self._work.database.reading() as connection:
            return _needs_setup(connection)

    @audited(Action.SETUP)
    def set_up(self, profile: ClinicProfile, username: str, full_name: str, password: str) -> Outcome[ClinicProfile]:
        """Create the clinic profile and the first admin account, and seal the audit trail with this PC's key."""
        clean, errors = validate_profile(profile)
        username = username.strip().lower()
        errors += check_new_user(username, full_name, frozenset({Role.ADMIN}))
        problem = check_password(password, username=username, full_name=full_name)
        if problem:
            errors.append(FieldError("password", problem.message))
        if errors:
            raise ValidationFailed(errors)
        if not self.needs_setup():
            raise KapdeskError("This clinic has already been set up.", "Sign in with an admin account instead.")
        hashed = self._passwords.hash(password)
        setup = Actor(None, "setup", "First-run set-up", frozenset({Role.ADMIN}), self._work.access.workstation)
        with self._work.unit(None, setup) as unit:
            self._work.trail.seal(unit.connection)
            if not _needs_setup(unit.connection):  # another computer finished set-up meanwhile
                raise KapdeskError("This clinic has already been set up.", "Sign in with an admin account instead.")
            _write_profile(unit.session, clean)
            user = unit.session.scalar(select(User).where(User.username == username))
            if user is not None and user.password_hash:  # set-up never takes over someone's account
                raise ValidationFailed([FieldError("username", f"“{username}” is already taken")])
            if user is None:
                user = User(username=username, full_name=full_name.strip())
                unit.session.add(user)
            user.full_name = full_name.strip()
            user.active = True
            user.password_hash = hashed
            if not any(r.role == Role.ADMIN.value for r in user.roles):
                user.roles.append(UserRole(role=Role.ADMIN.value))
            unit.session.flush()
            unit.record(
                Entry(
                    Action.SETUP,
                    Category.CLINIC_SETTINGS,
                    "clinic",
                    "1",
                    summary=f"set up the clinic “{clean.name}” with admin {username}",
                )
            )
        return Outcome(clean, Changes())

    @phi_free("the clinic's own name and address")
    def profile(self) -> ClinicProfile | None:
        with self._work.database.read_session() as session:
            row = session.get(ClinicProfileRow, 1)
            return None if row is None else profile_from_row(row)

    @audited(Action.SETTINGS_CHANGE)
    def update_profile(self, profile: ClinicProfile) -> Outcome[ClinicProfile]:
        clean, errors = validate_profile(profile)
        if errors:
            raise ValidationFailed(errors)
        with self._work.unit(Permission.MANAGE_CLINIC) as unit:
            changed = _write_profile(unit.session, clean)
            unit.record(
                Entry(
                    Action.SETTINGS_CHANGE,
                    Category.CLINIC_SETTINGS,
                    "clinic",
                    "1",
                    summary=f"clinic profile: {', '.join(changed) or 'no change'}",
                )
            )
        return Outcome(clean, Changes())

    @phi_free("the clinic's own logo")
    def logo(self) -> bytes | None:
        """The PNG or JPEG printed in the letterhead, or None."""
        with self._work.database.reading() as connection:
            return connection.scalar(select(ClinicProfileRow.logo).where(ClinicProfileRow.id == 1))

    @audited(Action.SETUP)
    def set_logo(self, data: bytes | None) -> Outcome[bytes | None]:
        """Set the letterhead's logo (a PNG or JPEG of at most 1 MB that decodes), or remove it with None."""
        if data is not None:
            _check_logo(data)
        with self._work.unit(Permission.MANAGE_CLINIC) as unit:
            row = unit.session.get(ClinicProfileRow, 1)
            if row is None:
                raise KapdeskError("The clinic has no profile yet.", "Set up the clinic first.")
            if row.logo == data:
                summary = "logo: no change"
            elif data is None:
                summary = "logo removed"
            else:
                summary = f"logo set ({logo_format(data)}, {len(data) // 1024 + 1} KB)"
            row.logo = data
            unit.session.flush()
            unit.record(Entry(Action.SETUP, Category.CLINIC_SETTINGS, "clinic", "1", summary=summary))
        return Outcome(data, Changes())

    @phi_free("clinic settings hold no patient data")
    def settings(self) -> ClinicSettings:
        with self._work.database.reading() as connection:
            return read_settings(connection)

    @audited(Action.SETTINGS_CHANGE)
    def change_settings(self, raw: dict[str, str]) -> Outcome[ClinicSettings]:
        values, errors = parse_settings(raw)
        if errors:
            raise ValidationFailed(errors)
        with self._work.unit(Permission.MANAGE_CLINIC) as unit:
            changes = []
            for key, value in values.items():
                row = unit.session.get(ClinicSetting, key)
                old = int(row.value) if row else SETTINGS[key].default
                if old != value:
                    changes.append(f"{SETTINGS[key].label}: {old} → {value}")
                if row is None:
                    unit.session.add(ClinicSetting(key=key, value=str(value)))
                else:
                    row.value = str(value)
            unit.session.flush()
            current = read_settings(unit.session.connection())
            if current[INTEGRATION_MIN_HOURS] >= current[INTEGRATION_MAX_HOURS]:
                raise ValidationFailed(
                    [FieldError(INTEGRATION_MAX_HOURS.key, "The latest integration time must be after the earliest.")]
                )
            unit.record(
                Entry(
                    Action.SETTINGS_CHANGE,
                    Category.CLINIC_SETTINGS,
                    "settings",
                    "",
                    summary="; ".join(changes) or "no change",
                )
            )
        return Outcome(current, Changes())


def read_settings(connection: Connection) -> ClinicSettings:
    stored = dict(connection.execute(select(ClinicSetting.key, ClinicSetting.value)).all())
    values = {}
    for key, setting in SETTINGS.items():
        try:
            values[key] = setting.parse(stored[key]) if key in stored else setting.default
        except ValueError:  # a value edited into the database by hand: the safe default, not a crash
            values[key] = setting.default
    return ClinicSettings(values)


def profile_from_row(row: ClinicProfileRow) -> ClinicProfile:
    return ClinicProfile(row.name, row.address, row.phone, row.time_zone, row.paper_size)


def _check_logo(data: bytes) -> None:
    """Refuse a logo that is not a small PNG or JPEG, or that doesn't decode (so no document fails on it later)."""
    errors = check_logo(data)
    if not errors:
        from reportlab.lib.utils import ImageReader  # only when a logo is chosen (start-up cost)

        try:
            reader = ImageReader(BytesIO(data))
            reader.getSize()
            reader.getRGBData()  # the pixels, not just the header: a truncated file fails here
        except Exception:  # reportlab and PIL raise many kinds of error for a broken image
            errors = [FieldError("logo", "The logo file is damaged or not really an image; choose another.")]
    if errors:
        raise ValidationFailed(errors)


def _needs_setup(connection: Connection) -> bool:
    has_profile = connection.scalar(select(func.count()).select_from(ClinicProfileRow))
    return not has_profile or not _admins_who_can_sign_in(connection)


def _admins_who_can_sign_in(connection: Connection) -> int:
    return (
        connection.scalar(
            select(func.count())
            .select_from(User)
            .join(UserRole)
            .where(UserRole.role == Role.ADMIN.value, User.active.is_(True), User.password_hash != "")
        )
        or 0
    )


def _write_profile(session: Session, profile: ClinicProfile) -> list[str]:
    row = session.get(ClinicProfileRow, 1)
    if row is None:
        row = ClinicProfileRow(id=1, name="", address="", phone="", time_zone="")
        session.add(row)
    names = ("name", "address", "phone", "time_zone", "paper_size")
    changed = [name for name in names if getattr(row, name) != getattr(profile, name)]
    for name in changed:
        setattr(row, name, getattr(profile, name))
    session.flush()
    return changed
