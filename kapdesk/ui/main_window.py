"""The main window: areas on the left, the chosen area on the right, the database in the status bar.

The window appears before the database is open (opening imports SQLAlchemy and may migrate); areas are
attached once the clinic is ready and someone has signed in. While nobody may see data (locked, signed out)
a cover page replaces the whole workspace, so no data widget is even visible behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from kapdesk import __version__
from kapdesk.ui.geometry import restore_geometry, save_geometry

if TYPE_CHECKING:  # only for hints: the window must appear before anything else loads
    from kapdesk.domain.access import Actor
    from kapdesk.services.drafts import DraftContent, DraftSummary

NO_AREAS_TEXT = "There is nothing in kapdesk for your account yet. Ask your clinic admin about your roles."


class _Area:
    def __init__(self, title: str, page: QWidget, menu: QMenu, goto: QAction, allowed: Callable[[Actor], bool]):
        self.title = title
        self.page = page
        self.menu = menu
        self.goto = goto
        self.allowed = allowed
        self.visible = True


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings, database_label: str, is_demo: bool = False) -> None:
        super().__init__()
        self.settings = settings
        self.is_demo = is_demo
        self.setWindowTitle("kapdesk — demo clinic" if is_demo else "kapdesk")
        self._areas: dict[str, _Area] = {}
        # Plain callbacks rather than Qt signals: emitting a custom signal from closeEvent crashed PySide 6.12
        # at interpreter exit in long test runs (likely the None refcount bug that ui/none_refs.py guards).
        self.before_close: list[Callable[[], object]] = []  # a locked session closes its hidden windows here
        self.after_close: list[Callable[[], object]] = []  # the window really closes: the session ends
        # Who reopens a kept draft of each kind ("patient": the registry); filled as areas are attached.
        self.draft_handlers: dict[str, Callable[[DraftSummary, Callable[[], DraftContent]], object]] = {}
        self._locked = False
        self._enabled_before_lock: dict[QAction, bool] = {}

        self.nav = QListWidget()
        self.nav.setAccessibleName("Areas")
        self.pages = QStackedWidget()
        self.loading = QLabel("Opening the clinic database…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setWordWrap(True)
        self.pages.addWidget(self.loading)
        self.nav.currentRowChanged.connect(lambda row: self.pages.setCurrentIndex(row + 1) if row >= 0 else None)
        self.nav.setFixedWidth(180)
        self.nav.setStyleSheet("QListWidget::item { padding: 6px 8px; }")
        self.workspace = QWidget()
        row = QHBoxLayout(self.workspace)
        row.setContentsMargins(6, 6, 6, 0)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        # The workspace, or a cover (lock screen, signed out) that replaces it entirely.
        self.screens = QStackedWidget()
        self.screens.addWidget(self.workspace)
        self.cover: QWidget | None = None
        self.setCentralWidget(self.screens)

        self.user_label = QLabel()
        self.user_label.setAccessibleName("Signed in")
        self.user_label.setStyleSheet("font-weight: bold; padding-right: 10px;")
        self.statusBar().addPermanentWidget(self.user_label)
        self.database_label = QLabel(database_label)
        self.database_label.setAccessibleName("Database in use")
        self.statusBar().addPermanentWidget(self.database_label)
        if is_demo:
            badge = QLabel(" DEMO CLINIC — invented patients ")
            badge.setStyleSheet("background: #6a1b9a; color: white; font-weight: bold;")
            self.statusBar().addPermanentWidget(badge)

        self.file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.file_menu.addAction(quit_action)
        self.session_menu = self.menuBar().addMenu("&Session")
        self.session_menu.menuAction().setVisible(False)  # shown once someone signs in
        self.area_menus: dict[str, QMenu] = {}
        self.help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About kapdesk", self)
        about.triggered.connect(self._about)
        self.help_menu.addAction(about)

        if not restore_geometry(self, settings, "main_window"):
            self.resize(1100, 700)

    # -- areas -------------------------------------------------------------------------------------

    def add_area(
        self,
        title: str,
        page: QWidget,
        actions: list[QAction | None],
        allowed: Callable[[Actor], bool] | None = None,
    ) -> None:
        """Show a working area: a navigation entry (Ctrl+1, Ctrl+2, …) and its menu of actions.

        `allowed` says who may see it; it is asked again at every sign-in. A page with `session_started(actor)`
        and `session_ended()` methods is told when a user's session begins and ends.
        """
        self.pages.addWidget(page)
        item = QListWidgetItem(title)
        self.nav.addItem(item)
        number = self.nav.count()
        goto = QAction(title, self, shortcut=QKeySequence(f"Ctrl+{number}"))
        goto.triggered.connect(lambda: self.show_area(title))
        self.addAction(goto)
        menu = QMenu(f"&{title}", self)
        self.menuBar().insertMenu(self.help_menu.menuAction(), menu)  # area menus sit before Help
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        self.area_menus[title] = menu
        self._areas[title] = _Area(title, page, menu, goto, allowed or (lambda _actor: True))
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def set_area_visible(self, title: str, visible: bool) -> None:
        """Show or hide an area's entry, page and menu (a user without the permission never sees it)."""
        area = self._areas[title]
        area.visible = visible
        self.nav.item(self._row_of(title)).setHidden(not visible)
        area.menu.menuAction().setVisible(visible and not self._locked)
        area.goto.setEnabled(visible and not self._locked)
        current = self.nav.currentRow()
        if current < 0 or self.nav.item(current).isHidden():
            first = next((r for r in range(self.nav.count()) if not self.nav.item(r).isHidden()), None)
            if first is None:
                self.nav.setCurrentRow(-1)
                self.pages.setCurrentWidget(self.loading)
                self.loading.setText(NO_AREAS_TEXT)
            else:
                self.nav.setCurrentRow(first)

    def show_area(self, title: str) -> None:
        area = self._areas.get(title)
        if area is not None and area.visible:
            self.nav.setCurrentRow(self._row_of(title))

    def _row_of(self, title: str) -> int:
        return next(r for r in range(self.nav.count()) if self.nav.item(r).text() == title)

    # -- sessions ----------------------------------------------------------------------------------

    def begin_session(self, actor: Actor) -> None:
        """Show what this user may use, and tell each area who is working now."""
        roles = ", ".join(sorted(role.label for role in actor.roles))
        self.user_label.setText(f"{actor.display_name} ({roles})" if roles else actor.display_name)
        self.user_label.setToolTip(f"Signed in as {actor.username}")
        self.session_menu.menuAction().setVisible(True)
        for area in self._areas.values():
            self.set_area_visible(area.title, area.allowed(actor))
        for area in self._areas.values():
            started = getattr(area.page, "session_started", None)
            if area.visible and started is not None:
                started(actor)
        self.show_cover(False)

    def end_session(self) -> None:
        """Forget the user: each area drops what it showed them, and nothing is offered until the next one."""
        for area in self._areas.values():
            ended = getattr(area.page, "session_ended", None)
            if ended is not None:
                ended()
            self.set_area_visible(area.title, False)
        self.user_label.setText("")

    def set_cover(self, cover: QWidget) -> None:
        self.cover = cover
        self.screens.addWidget(cover)

    def show_cover(self, shown: bool) -> None:
        if shown and self.cover is not None:
            self.screens.setCurrentWidget(self.cover)
        else:
            self.screens.setCurrentWidget(self.workspace)

    def set_locked(self, locked: bool) -> None:
        """Locked (or signed out): the area menus are gone and their shortcuts dead, since a hidden menu's
        shortcut still fires. The cover page is shown separately (see show_cover)."""
        if locked == self._locked:
            return
        self._locked = locked
        actions = [a for area in self._areas.values() for a in (area.goto, *area.menu.actions())]
        if locked:
            self._enabled_before_lock = {action: action.isEnabled() for action in actions}
            for action in actions:
                action.setEnabled(False)
        else:
            for action, enabled in self._enabled_before_lock.items():
                action.setEnabled(enabled)
            self._enabled_before_lock = {}
        for area in self._areas.values():
            area.menu.menuAction().setVisible(area.visible and not locked)

    @property
    def locked(self) -> bool:
        return self._locked

    # -- the rest ----------------------------------------------------------------------------------

    def show_failure(self, message: str) -> None:
        self.show_cover(False)
        self.pages.setCurrentWidget(self.loading)
        self.loading.setText(message)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About kapdesk",
            f"<b>kapdesk {__version__}</b><br>"
            "Practice management for ketamine-assisted psychotherapy clinics."
            f"<br><br>Database: {self.database_label.text()}",
        )

    def _other_windows(self) -> list[QWidget]:
        kinds = (Qt.WindowType.Window, Qt.WindowType.Dialog)
        return [
            w for w in QApplication.topLevelWidgets() if w is not self and w.isVisible() and (w.windowType() in kinds)
        ]

    def closeEvent(self, event: QCloseEvent) -> None:
        for hook in self.before_close:
            hook()
        # Charts are top-level windows of their own; quitting the main window ends the session with them.
        for other in self._other_windows():
            other.close()
        if self._other_windows():
            event.ignore()  # a form with unsaved edits asked, and the user chose to stay
            return
        save_geometry(self, self.settings, "main_window")
        self.settings.sync()
        for hook in self.after_close:
            hook()
        super().closeEvent(event)
