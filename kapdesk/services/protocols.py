"""Protocol templates: list, read, and save edits as new versions (admins).

A save never changes a row a course may point at: it adds the next version of the protocol and retires the one
edited, in one transaction, so a course keeps the version it was planned from. Only the latest version of a
protocol is edited, offered or retired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kapdesk.db.models import ProtocolTemplateRow, User
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.errors import ConflictError, FieldError, NotFound, ValidationFailed
from kapdesk.domain.permissions import Permission
from kapdesk.domain.protocols import ProtocolSpec, ProtocolTemplate, check_spec
from kapdesk.domain.wall_clock import to_local
from kapdesk.services.audit_trail import Entry
from kapdesk.services.protocol_rows import read_template, read_templates, spec_columns, template_from_row
from kapdesk.services.schedule_setup import read_zone_name
from kapdesk.services.work import Unit, Work, audited, phi_free

PROTOCOLS = Changes(protocols=True)
CODE_PATTERN = re.compile(r"[a-z0-9-]{2,40}")
_P = ProtocolTemplateRow.__table__


@dataclass(frozen=True)
class ProtocolVersion(ProtocolTemplate):
    """One version as the history lists it: the template, when (the clinic's wall clock) and by whom it was saved."""

    saved_at: datetime
    saved_by: str  # "" for the versions kapdesk was installed with


class ProtocolService:
    def __init__(self, work: Work) -> None:
        self._work = work

    # -- reading (no patient data) -----------------------------------------------------------------------

    @phi_free("protocol templates; no patient data")
    def templates(self, *, include_retired: bool = False) -> list[ProtocolTemplate]:
        """The versions offered for new courses; with `include_retired`, every version of every protocol."""
        with self._work.database.reading() as connection:
            return read_templates(connection, include_retired=include_retired)

    @phi_free("a protocol template; no patient data")
    def get(self, template_id: int) -> ProtocolTemplate:
        """Any version, retired ones included: a course shows the version it was planned from."""
        with self._work.database.reading() as connection:
            return read_template(connection, template_id)

    @phi_free("the versions of a protocol template; no patient data")
    def history(self, code: str) -> list[ProtocolVersion]:
        """Every version of one protocol, newest first."""
        query = (
            select(_P, User.full_name.label("saved_by"))
            .select_from(_P.outerjoin(User, User.id == _P.c.created_by))
            .where(_P.c.code == code)
            .order_by(_P.c.version.desc())
        )
        with self._work.database.reading() as connection:
            zone = ZoneInfo(read_zone_name(connection))
            return [
                ProtocolVersion(**vars(template_from_row(row)), saved_at=to_local(row.created_at, zone),
                                saved_by=row.saved_by or "")
                for row in connection.execute(query)
            ]  # fmt: skip

    # -- writing -----------------------------------------------------------------------------------------

    @audited(Action.SETUP)
    def add(self, code: str, spec: ProtocolSpec) -> Outcome[ProtocolTemplate]:
        """A new protocol, as its version 1, offered for new courses."""
        code = code.strip()
        errors = check_spec(spec)
        if not CODE_PATTERN.fullmatch(code):
            errors.insert(0, FieldError("code", "A code is 2 to 40 lower-case letters, digits or hyphens."))
        _raise(errors)
        with self._unit() as unit:
            if unit.session.scalar(select(ProtocolTemplateRow.id).where(ProtocolTemplateRow.code == code)):
                raise ValidationFailed([FieldError("code", "There is already a protocol with that code.")])
            row = self._new_row(unit, code, 1, True, spec)
            _record(unit, row, f"protocol {code} added as version 1")
            return Outcome(template_from_row(row), PROTOCOLS)

    @audited(Action.SETUP)
    def save(self, template_id: int, expected_row_version: int, spec: ProtocolSpec) -> Outcome[ProtocolTemplate]:
        """Save an edit of the latest version (as read, `expected_row_version`) as the next version; the edited
        one is retired and stays as it was for the courses planned from it. Saving no change adds no version."""
        _raise(check_spec(spec))
        with self._unit() as unit:
            row = self._latest(unit.session, template_id, expected_row_version)
            if spec.route.value != row.route:
                raise ValidationFailed([FieldError("route", "A protocol keeps its route; add a new protocol instead.")])
            before, after = spec_columns(template_from_row(row).spec), spec_columns(spec)
            changed = [field for field in after if after[field] != before[field]]
            if not changed:
                _record(unit, row, f"protocol {row.code} version {row.version}: no change")
                return Outcome(template_from_row(row), Changes())
            # A retired protocol stays retired through an edit: offering it again is its own decision.
            successor = self._new_row(unit, row.code, row.version + 1, row.active, spec)
            row.active = False
            unit.session.flush()
            _record(unit, successor, f"protocol {row.code} version {successor.version}: {', '.join(changed)}")
            return Outcome(template_from_row(successor), PROTOCOLS)

    @audited(Action.SETUP)
    def set_offered(self, template_id: int, expected_row_version: int, offered: bool) -> Outcome[ProtocolTemplate]:
        """Retire the latest version of a protocol (no new courses from it) or offer it again."""
        with self._unit() as unit:
            row = self._latest(unit.session, template_id, expected_row_version)
            summary = ("offered again" if offered else "retired") if row.active != offered else "no change"
            row.active = offered
            unit.session.flush()
            _record(unit, row, f"protocol {row.code} version {row.version}: {summary}")
            return Outcome(template_from_row(row), PROTOCOLS)

    # -- plumbing ----------------------------------------------------------------------------------------

    def _unit(self):  # type: ignore[no-untyped-def]
        return self._work.unit(Permission.MANAGE_PROTOCOLS)

    def _new_row(self, unit: Unit, code: str, version: int, active: bool, spec: ProtocolSpec) -> ProtocolTemplateRow:
        row = ProtocolTemplateRow(
            code=code,
            version=version,
            active=active,
            created_by=unit.actor.user_id,
            created_at=self._work.clock(),
            **spec_columns(spec),
        )
        unit.session.add(row)
        unit.session.flush()
        return row

    @staticmethod
    def _latest(session: Session, template_id: int, expected_row_version: int) -> ProtocolTemplateRow:
        """The row to change, if it is still as the user read it and is its protocol's latest version."""
        row = session.get(ProtocolTemplateRow, template_id)
        if row is None:
            raise NotFound(f"There is no protocol template with id {template_id}.")
        if row.row_version != expected_row_version:
            raise ConflictError(
                f"Someone changed “{row.name}” on another computer after you opened it.", template_from_row(row)
            )
        newest = session.scalar(
            select(ProtocolTemplateRow)
            .where(ProtocolTemplateRow.code == row.code)
            .order_by(ProtocolTemplateRow.version.desc())
            .limit(1)
        )
        if newest is not row:
            raise ConflictError(
                f"Version {row.version} of “{row.name}” has been replaced by version {newest.version}; only the "
                "latest version can be changed.",
                template_from_row(newest),
            )
        return row


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(errors)


def _record(unit: Unit, row: ProtocolTemplateRow, summary: str) -> None:
    unit.record(Entry(Action.SETUP, Category.CLINIC_SETTINGS, "protocol_template", str(row.id), summary=summary))
