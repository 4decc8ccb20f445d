"""Who may do what: the one table of role permissions, which every service checks before it acts.

The UI hides what a user can't do, but hiding is a courtesy: the services refuse regardless.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from kapdesk.domain.staff import Role


class Permission(StrEnum):
    VIEW_DEMOGRAPHICS = "view_demographics"  # find patients, read contact details and the chart's front page
    EDIT_DEMOGRAPHICS = "edit_demographics"  # register, edit, archive and restore patients
    VIEW_CLINICAL = "view_clinical"  # the medical record: screenings, dosing sessions, clinical notes
    WRITE_CLINICAL = "write_clinical"
    WRITE_PSYCHOTHERAPY_NOTES = "write_psychotherapy_notes"  # read back only by their author (see may_read_note)
    VIEW_SCHEDULE = "view_schedule"  # the calendar: who is booked when, with patients' names
    BOOK_APPOINTMENTS = "book_appointments"  # book, move, check in and cancel
    SET_UP_SCHEDULE = "set_up_schedule"  # rooms, appointment types, clinic and working hours, time off
    SIGN_SCREENING = "sign_screening"  # sign an eligibility screening, override a "not eligible"
    MANAGE_PROTOCOLS = "manage_protocols"  # edit protocol templates (new versions)
    PRINT_DOCUMENTS = "print_documents"  # make consent forms and handouts, record signatures and revocations
    MANAGE_DOCUMENT_TEMPLATES = "manage_document_templates"  # edit document templates (new versions)
    MANAGE_USERS = "manage_users"
    MANAGE_CLINIC = "manage_clinic"  # clinic profile and settings
    VIEW_AUDIT = "view_audit"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Permission.VIEW_DEMOGRAPHICS: "see patients' details",
    Permission.EDIT_DEMOGRAPHICS: "change patients' details",
    Permission.VIEW_CLINICAL: "see clinical records",
    Permission.WRITE_CLINICAL: "write clinical records",
    Permission.WRITE_PSYCHOTHERAPY_NOTES: "write psychotherapy notes",
    Permission.VIEW_SCHEDULE: "see the schedule",
    Permission.BOOK_APPOINTMENTS: "book appointments",
    Permission.SET_UP_SCHEDULE: "set up rooms, hours and appointment types",
    Permission.SIGN_SCREENING: "sign eligibility screenings",
    Permission.MANAGE_PROTOCOLS: "edit protocol templates",
    Permission.PRINT_DOCUMENTS: "print consent forms and handouts",
    Permission.MANAGE_DOCUMENT_TEMPLATES: "edit document templates",
    Permission.MANAGE_USERS: "manage staff accounts",
    Permission.MANAGE_CLINIC: "change the clinic's profile and settings",
    Permission.VIEW_AUDIT: "see the audit trail",
}

_P = Permission
# What every role does at the desk: the calendar, and the forms and handouts patients take home.
_DESK = frozenset({_P.VIEW_SCHEDULE, _P.BOOK_APPOINTMENTS, _P.PRINT_DOCUMENTS})
GRANTS: dict[Role, frozenset[Permission]] = {
    # An admin runs the clinic's system, not its care: no clinical notes unless they also hold a clinical role.
    Role.ADMIN: frozenset(
        {
            _P.VIEW_DEMOGRAPHICS,
            _P.EDIT_DEMOGRAPHICS,
            _P.MANAGE_USERS,
            _P.MANAGE_CLINIC,
            _P.VIEW_AUDIT,
            _P.SET_UP_SCHEDULE,
            _P.MANAGE_PROTOCOLS,
            _P.MANAGE_DOCUMENT_TEMPLATES,
        }
    )
    | _DESK,
    Role.PRESCRIBER: frozenset(
        {_P.VIEW_DEMOGRAPHICS, _P.EDIT_DEMOGRAPHICS, _P.VIEW_CLINICAL, _P.WRITE_CLINICAL, _P.SIGN_SCREENING}
    )
    | _DESK,
    Role.NURSE: frozenset({_P.VIEW_DEMOGRAPHICS, _P.EDIT_DEMOGRAPHICS, _P.VIEW_CLINICAL, _P.WRITE_CLINICAL}) | _DESK,
    Role.THERAPIST: frozenset(
        {_P.VIEW_DEMOGRAPHICS, _P.EDIT_DEMOGRAPHICS, _P.VIEW_CLINICAL, _P.WRITE_CLINICAL, _P.WRITE_PSYCHOTHERAPY_NOTES}
    )
    | _DESK,
    # Front desk: demographics and the schedule, never clinical notes.
    Role.FRONT_DESK: frozenset({_P.VIEW_DEMOGRAPHICS, _P.EDIT_DEMOGRAPHICS}) | _DESK,
}


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    granted: frozenset[Permission] = frozenset()
    for role in roles:
        granted |= GRANTS[role]
    return granted


def allows(roles: Iterable[Role], permission: Permission) -> bool:
    return permission in permissions_of(roles)


def may_read_note(reader_id: int, roles: Iterable[Role], *, author_id: int, psychotherapy: bool) -> bool:
    """Psychotherapy (process) notes are kept apart from the medical record: only their author reads them.
    Every other clinical note needs VIEW_CLINICAL."""
    if psychotherapy:
        return reader_id == author_id and allows(roles, Permission.WRITE_PSYCHOTHERAPY_NOTES)
    return allows(roles, Permission.VIEW_CLINICAL)
