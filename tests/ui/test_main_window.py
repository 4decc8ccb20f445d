"""The main window as a receptionist meets it."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSettings, Qt

from kapdesk.services.clinic import Clinic
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.patients.editor import PatientEditor
from tests.ui.conftest import registry_of


def test_status_bar_names_the_database_in_use(window: MainWindow, sqlite_clinic: Clinic) -> None:
    assert window.database_label.text() == sqlite_clinic.description
    assert window.database_label.text().startswith("SQLite: ")
    assert window.database_label.text().endswith("kapdesk.sqlite3")


def test_only_working_areas_are_listed_and_each_has_real_actions(window: MainWindow) -> None:
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == ["Patients", "Schedule", "Admin"]
    menus = [a.text() for a in window.menuBar().actions() if a.isVisible()]
    assert menus == ["&File", "&Session", "&Patients", "&Schedule", "&Admin", "&Help"]
    for area in ("Patients", "Schedule"):
        for action in window.area_menus[area].actions():
            assert action.isSeparator() or action.receivers("2triggered()") > 0 or action.isCheckable()


def test_ctrl_f_focuses_patient_search_from_anywhere(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    registry = registry_of(window)
    registry.search.setText("old text")
    registry.table.setFocus()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(registry.search.hasFocus)
    assert registry.search.selectedText() == "old text"  # ready to type over


def test_ctrl_n_opens_a_new_patient_form(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = registry_of(window).editor
    assert isinstance(editor, PatientEditor)
    qtbot.waitUntil(editor.isVisible)
    assert editor.windowTitle() == "New patient"
    editor.done(0)


def test_window_geometry_is_remembered(qtbot, settings: QSettings, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(settings, sqlite_clinic.description)
    qtbot.addWidget(first)
    first.setGeometry(QRect(40, 50, 720, 520))  # within the 800x600 offscreen screen
    first.show()
    qtbot.waitExposed(first)
    first.close()

    reopened = QSettings(settings.fileName(), QSettings.Format.IniFormat)  # as a new run would read it
    second = MainWindow(reopened, sqlite_clinic.description)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (720, 520)
    assert (second.geometry().x(), second.geometry().y()) == (first.geometry().x(), first.geometry().y())


def test_demo_windows_say_so(qtbot, settings: QSettings) -> None:  # type: ignore[no-untyped-def]
    demo = MainWindow(settings, "SQLite: /tmp/demo.sqlite3", is_demo=True)
    qtbot.addWidget(demo)
    assert "demo" in demo.windowTitle()
    assert any("DEMO CLINIC" in w.text() for w in demo.statusBar().findChildren(type(demo.database_label)))
