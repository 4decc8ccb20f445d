"""Every model module, imported so Base.metadata is complete for migrations and tests."""

from kapdesk.db.models.audit import AuditEventRow, AuditHead
from kapdesk.db.models.clinic import ClinicProfileRow, ClinicSetting
from kapdesk.db.models.course import CourseRow, CourseSessionRow, ProtocolTemplateRow
from kapdesk.db.models.document import DocumentTemplateRow, PatientDocumentRow
from kapdesk.db.models.intake import AllergyRow, DiagnosisRow, MedicalHistoryRow, MedicationRow, VitalsRow
from kapdesk.db.models.note import Note
from kapdesk.db.models.outcome import AssessmentRow
from kapdesk.db.models.patient import Patient
from kapdesk.db.models.room import Room
from kapdesk.db.models.schedule import (
    AppointmentClinician,
    AppointmentRow,
    AppointmentTypeRow,
    ClinicHoursRow,
    ClosedDay,
    TimeOffRow,
    WorkingHoursRow,
)
from kapdesk.db.models.screening import ScreeningRow
from kapdesk.db.models.staff import Draft, SignInAttempts, User, UserRole

__all__ = [
    "AllergyRow",
    "AppointmentClinician",
    "AppointmentRow",
    "AppointmentTypeRow",
    "AssessmentRow",
    "AuditEventRow",
    "AuditHead",
    "ClinicHoursRow",
    "ClinicProfileRow",
    "ClinicSetting",
    "ClosedDay",
    "CourseRow",
    "CourseSessionRow",
    "DiagnosisRow",
    "DocumentTemplateRow",
    "Draft",
    "MedicalHistoryRow",
    "MedicationRow",
    "Note",
    "Patient",
    "PatientDocumentRow",
    "ProtocolTemplateRow",
    "Room",
    "ScreeningRow",
    "SignInAttempts",
    "TimeOffRow",
    "User",
    "UserRole",
    "VitalsRow",
    "WorkingHoursRow",
]
