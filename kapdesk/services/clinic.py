"""Opening the clinic: database, migrations, and the services every screen and command uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kapdesk.db.base import utcnow
from kapdesk.db.engine import Database, create_database_engine, use_wal
from kapdesk.db.migrate import MigrationReport, ensure_current
from kapdesk.paths import describe_database
from kapdesk.services.access import Access
from kapdesk.services.audit import AuditService
from kapdesk.services.audit_key import AuditKeyFile
from kapdesk.services.audit_trail import AuditTrail
from kapdesk.services.auth import AuthService
from kapdesk.services.booking import BookingService
from kapdesk.services.calendar import CalendarService
from kapdesk.services.clinic_admin import ClinicAdminService
from kapdesk.services.courses import CourseService
from kapdesk.services.demo import DemoService
from kapdesk.services.document_templates import DocumentTemplateService
from kapdesk.services.documents import DocumentService
from kapdesk.services.drafts import DraftService
from kapdesk.services.intake import IntakeService
from kapdesk.services.notes import NoteService
from kapdesk.services.outcomes import OutcomeService
from kapdesk.services.passwords import Passwords
from kapdesk.services.patients import PatientService
from kapdesk.services.protocols import ProtocolService
from kapdesk.services.readiness import ReadinessChecks
from kapdesk.services.schedule_print import SchedulePrintService
from kapdesk.services.schedule_setup import ScheduleSetupService
from kapdesk.services.screening import ScreeningService
from kapdesk.services.users import UserService
from kapdesk.services.work import Work


@dataclass
class Clinic:
    """Everything the UI and the CLI need, built once by the composition root."""

    database: Database
    description: str
    migration: MigrationReport
    access: Access
    trail: AuditTrail
    passwords: Passwords
    auth: AuthService
    users: UserService
    admin: ClinicAdminService
    audit: AuditService
    drafts: DraftService
    patients: PatientService
    notes: NoteService
    schedule_setup: ScheduleSetupService
    booking: BookingService
    calendar: CalendarService
    schedule_print: SchedulePrintService
    readiness: ReadinessChecks
    intake: IntakeService
    screening: ScreeningService
    protocols: ProtocolService
    courses: CourseService
    outcomes: OutcomeService
    documents: DocumentService
    document_templates: DocumentTemplateService
    demo: DemoService

    def close(self) -> None:
        self.database.dispose()


def open_clinic(
    url: str,
    backup_dir: Path,
    key_file: Path,
    *,
    today: Callable[[], date] = date.today,
    clock: Callable[[], datetime] = utcnow,
    passwords: Passwords | None = None,
    workstation: str | None = None,
) -> Clinic:
    """Connect, back up and migrate if needed, and build the services. Raises StorageError on failure."""
    database = Database(create_database_engine(url))
    try:
        report = ensure_current(database, backup_dir)
        use_wal(database)
    except BaseException:
        database.dispose()
        raise
    access = Access(workstation)
    trail = AuditTrail(database, AuditKeyFile(key_file))
    work = Work(database, access, trail, today, clock)
    passwords = passwords or Passwords()
    readiness = ReadinessChecks(today)
    return Clinic(
        database=database,
        description=describe_database(url),
        migration=report,
        access=access,
        trail=trail,
        passwords=passwords,
        auth=AuthService(work, passwords),
        users=UserService(work, passwords),
        admin=ClinicAdminService(work, passwords),
        audit=AuditService(work),
        drafts=DraftService(work),
        patients=PatientService(work),
        notes=NoteService(work),
        schedule_setup=ScheduleSetupService(work),
        booking=BookingService(work, readiness),
        calendar=CalendarService(work, readiness),
        schedule_print=SchedulePrintService(work),
        readiness=readiness,
        intake=IntakeService(work),
        screening=ScreeningService(work),
        protocols=ProtocolService(work),
        courses=CourseService(work),
        outcomes=OutcomeService(work),
        documents=DocumentService(work),
        document_templates=DocumentTemplateService(work),
        demo=DemoService(work, passwords),
    )
