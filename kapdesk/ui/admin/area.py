"""The Admin area: the audit trail, staff accounts, and the clinic's profile and settings, one tab each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTabWidget, QWidget

from kapdesk.domain.access import Actor
from kapdesk.domain.permissions import Permission
from kapdesk.ui.admin.audit_screen import AuditTrailScreen
from kapdesk.ui.admin.clinic_screen import ClinicScreen
from kapdesk.ui.admin.document_templates import DocumentTemplatesPage
from kapdesk.ui.admin.protocols import ProtocolsPage
from kapdesk.ui.admin.schedule_setup import ScheduleSetupPage
from kapdesk.ui.admin.staff_screen import StaffScreen
from kapdesk.ui.changes import ChangeBus

if TYPE_CHECKING:
    from kapdesk.services.clinic import Clinic
    from kapdesk.ui.main_window import MainWindow


class AdminArea(QTabWidget):
    def __init__(self, clinic: Clinic, bus: ChangeBus, settings: QSettings) -> None:
        super().__init__()
        self._bus = bus  # schedule set-up publishes on it, so open calendars pick up new rooms and hours
        self.clinic_screen = ClinicScreen(clinic.admin)
        self.staff = StaffScreen(clinic.users, settings, lambda: _time_zone(clinic))
        self.audit = AuditTrailScreen(clinic.audit, clinic.users, settings)
        self.schedule_setup = ScheduleSetupPage(clinic.schedule_setup, bus, settings)
        self.protocols = ProtocolsPage(clinic.protocols, bus, settings)
        self.document_templates = DocumentTemplatesPage(clinic.document_templates, bus, settings)
        self.addTab(self.audit, "Audit trail")
        self.addTab(self.staff, "Staff accounts")
        self.addTab(self.clinic_screen, "Clinic && settings")
        self.addTab(self.schedule_setup, "Schedule set-up")
        self.addTab(self.protocols, "Protocols")
        self.addTab(self.document_templates, "Document templates")
        self.setDocumentMode(True)

        self.audit_action = QAction("Audit &trail", self)
        self.export_action = QAction("E&xport audit trail…", self)
        self.verify_action = QAction("&Verify audit chain", self)
        self.clinic_action = QAction("&Clinic profile && settings", self)
        self.schedule_action = QAction("&Schedule set-up", self)
        self.audit_action.triggered.connect(lambda: self.show_tab(self.audit))
        self.export_action.triggered.connect(lambda: (self.show_tab(self.audit), self.audit.export_csv()))
        self.verify_action.triggered.connect(lambda: (self.show_tab(self.audit), self.audit.verify()))
        staff = self.staff
        for action in (staff.add_action, staff.edit_action, staff.toggle_action, staff.reset_action):
            action.triggered.connect(lambda *_: self.show_tab(self.staff))
        self.clinic_action.triggered.connect(lambda: self.show_tab(self.clinic_screen))
        self.schedule_action.triggered.connect(lambda: self.show_tab(self.schedule_setup))
        # Staff and time zone changes show up in the trail's filters and times the next time it is listed.
        self.clinic_screen.saved.connect(self.staff.refresh)
        self.clinic_screen.saved.connect(self.schedule_setup.invalidate)  # the time zone hours are shown in
        self.clinic_screen.saved.connect(self.document_templates.refresh_preview)  # letterhead, paper size
        self.staff.listed.connect(self.audit.filters.set_users)

    # -- sessions (MainWindow calls these when someone signs in or out) -----------------------------

    def session_started(self, actor: Actor) -> None:
        """Each tab reads afresh for the new user: the one in view now, the others when opened."""
        self.setTabVisible(self.indexOf(self.schedule_setup), actor.may(Permission.SET_UP_SCHEDULE))
        self.setTabVisible(self.indexOf(self.protocols), actor.may(Permission.MANAGE_PROTOCOLS))
        self.setTabVisible(self.indexOf(self.document_templates), actor.may(Permission.MANAGE_DOCUMENT_TEMPLATES))
        for screen in self.screens:
            screen.invalidate()

    def session_ended(self) -> None:
        for screen in self.screens:
            screen.forget()

    @property
    def screens(
        self,
    ) -> tuple[AuditTrailScreen, StaffScreen, ClinicScreen, ScheduleSetupPage, ProtocolsPage, DocumentTemplatesPage]:
        return self.audit, self.staff, self.clinic_screen, self.schedule_setup, self.protocols, self.document_templates

    def show_tab(self, page: QWidget) -> None:
        self.setCurrentWidget(page)
        window = self.window()
        if hasattr(window, "show_area"):
            window.show_area("Admin")

    @property
    def actions_for_menu(self) -> list[QAction | None]:
        return [
            self.audit_action,
            self.export_action,
            self.verify_action,
            None,
            self.staff.add_action,
            self.staff.edit_action,
            self.staff.toggle_action,
            self.staff.reset_action,
            None,
            self.clinic_action,
            self.schedule_action,
        ]


def may_administer(actor: Actor) -> bool:
    """Whether to offer this area to `actor` (for MainWindow.add_area's `allowed`); each service checks again."""
    return any(actor.may(p) for p in (Permission.VIEW_AUDIT, Permission.MANAGE_USERS, Permission.MANAGE_CLINIC))


def _time_zone(clinic: Clinic) -> str:
    profile = clinic.admin.profile()
    return profile.time_zone if profile and profile.time_zone else "UTC"


def attach_admin(window: MainWindow, clinic: Clinic, bus: ChangeBus) -> AdminArea:
    """Add the Admin area to the window. The caller shows it only to users who hold the admin permissions;
    the services refuse everyone else regardless."""
    area = AdminArea(clinic, bus, window.settings)
    window.add_area("Admin", area, area.actions_for_menu, allowed=may_administer)
    return area
