"""When someone who may read the audit trail signs in, check the whole chain in the background and warn them
if it is broken or can't be checked: an admin should hear about tampering without having to go looking."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from kapdesk.domain.access import Actor
from kapdesk.domain.audit import VerifyReport
from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.permissions import Permission
from kapdesk.services.audit import AuditService
from kapdesk.ui.tasks import BackgroundTask

TITLE = "Audit trail needs attention"


class ChainCheck(QObject):
    def __init__(self, audit: AuditService, parent: QWidget) -> None:
        super().__init__(parent)
        self._audit = audit
        self._parent = parent
        self._task: BackgroundTask | None = None
        self.warning: QMessageBox | None = None  # the warning on screen, if any (tests read it)

    def after_sign_in(self, actor: Actor) -> None:
        if not actor.may(Permission.VIEW_AUDIT) or self._task is not None:
            return
        task = BackgroundTask(self._audit.verify, self)
        task.succeeded.connect(self._checked)
        task.failed.connect(self._failed)
        self._task = task
        task.start()

    def _checked(self, report: VerifyReport) -> None:
        self._task = None
        if report.problem is not None:
            where = f" at event {report.problem.sequence}" if report.problem.sequence else ""
            self._warn(
                f"The audit trail is broken{where}: {report.problem.message}",
                "Records may have been changed outside kapdesk. Keep this computer and the database as they are, "
                "run `kapdesk audit verify`, and compare with your latest good backup.",
            )

    def _failed(self, error: BaseException) -> None:
        self._task = None
        if isinstance(error, KapdeskError):
            self._warn(error.message, error.remedy)
        else:
            self._warn(f"The audit trail could not be checked ({type(error).__name__}).", "See the log.")

    def _warn(self, text: str, remedy: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, TITLE, text, QMessageBox.StandardButton.Ok, self._parent)
        box.setInformativeText(remedy)
        box.open()  # not exec(): the lock timer and the rest of the window keep running
        self.warning = box
