"""Every model module, imported so Base.metadata is complete for migrations and tests."""

from kapdesk.db.models.audit import AuditEventRow, AuditHead
from kapdesk.db.models.clinic import ClinicProfileRow, ClinicSetting
from kapdesk.db.models.note import Note
from kapdesk.db.models.patient import Patient
from kapdesk.db.models.room import Room
from kapdesk.db.models.staff import Draft, SignInAttempts, User, UserRole

__all__ = [
    "AuditEventRow",
    "AuditHead",
    "ClinicProfileRow",
    "ClinicSetting",
    "Draft",
    "Note",
    "Patient",
    "Room",
    "SignInAttempts",
    "User",
    "UserRole",
]
