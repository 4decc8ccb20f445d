"""The main window: areas on the left, the chosen area on the right, the database in the status bar.

The window appears before the database is open (opening imports SQLAlchemy and may migrate); areas are
attached once the clinic is ready.
"""

from __future__ import annotations

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


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings, database_label: str, is_demo: bool = False) -> None:
        super().__init__()
        self.settings = settings
        self.setWindowTitle("kapdesk — demo clinic" if is_demo else "kapdesk")

        self.nav = QListWidget()
        self.nav.setAccessibleName("Areas")
        self.pages = QStackedWidget()
        self.loading = QLabel("Opening the clinic database…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.loading)
        self.nav.currentRowChanged.connect(lambda row: self.pages.setCurrentIndex(row + 1) if row >= 0 else None)
        self.nav.setFixedWidth(180)
        self.nav.setStyleSheet("QListWidget::item { padding: 6px 8px; }")
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 0)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(central)

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
        self.area_menus: dict[str, QMenu] = {}
        self.help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About kapdesk", self)
        about.triggered.connect(self._about)
        self.help_menu.addAction(about)

        if not restore_geometry(self, settings, "main_window"):
            self.resize(1100, 700)

    def add_area(self, title: str, page: QWidget, actions: list[QAction | None]) -> None:
        """Show a working area: a navigation entry (Ctrl+1, Ctrl+2, …) and its menu of actions."""
        self.pages.addWidget(page)
        item = QListWidgetItem(title)
        self.nav.addItem(item)
        number = self.nav.count()
        goto = QAction(title, self, shortcut=QKeySequence(f"Ctrl+{number}"))
        goto.triggered.connect(lambda: self.nav.setCurrentRow(number - 1))
        self.addAction(goto)
        menu = QMenu(f"&{title}", self)
        self.menuBar().insertMenu(self.help_menu.menuAction(), menu)  # area menus sit before Help
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        self.area_menus[title] = menu
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def show_area(self, title: str) -> None:
        for row in range(self.nav.count()):
            if self.nav.item(row).text() == title:
                self.nav.setCurrentRow(row)

    def show_failure(self, message: str) -> None:
        self.loading.setText(message)
        self.loading.setWordWrap(True)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About kapdesk",
            f"<b>kapdesk {__version__}</b><br>"
            "Practice management for ketamine-assisted psychotherapy clinics."
            f"<br><br>Database: {self.database_label.text()}",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        save_geometry(self, self.settings, "main_window")
        self.settings.sync()
        # Charts are top-level windows of their own; quitting the main window ends the session with them.
        for other in QApplication.topLevelWidgets():
            if other is not self and other.isVisible() and other.isWindow():
                other.close()
        super().closeEvent(event)
