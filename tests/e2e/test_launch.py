"""Starting kapdesk the way `kapdesk` does: window first, database opened off the UI thread."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kapdesk.app import open_for_window
from kapdesk.paths import AppPaths, choose_database, describe_database
from kapdesk.services.demo import DEMO_PASSWORD
from kapdesk.ui.launch import LaunchPlan, run_gui
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.session.sign_in_dialog import SignInDialog


def plan_for(tmp_path: Path, demo: bool) -> LaunchPlan:
    paths = AppPaths.resolve(tmp_path)
    choice = choose_database(paths, None, demo)
    return LaunchPlan(paths.settings_file, describe_database(choice.url), demo, lambda: open_for_window(choice, paths))


def _main_window() -> MainWindow | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)


def _sign_in_dialog() -> SignInDialog | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, SignInDialog) and w.isVisible()), None)


def test_demo_launch_shows_the_window_then_signs_in_to_the_demo_clinic(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}

    def poll() -> None:
        window, dialog = _main_window(), _sign_in_dialog()
        if dialog is not None and "typed" not in seen:
            seen["window_first"] = window is not None
            seen["areas_before_sign_in"] = window.nav.count() if window else None
            seen["hint"] = dialog.hint.text() if dialog.hint.isVisible() else ""
            qtbot.keyClicks(dialog.username, "frontdesk")
            qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
            seen["typed"] = True
            qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        if window is not None and window.nav.count() and window.pages.currentWidget().isVisible():
            seen["rows"] = window.pages.widget(1).model.rowCount()  # type: ignore[attr-defined]
            seen["label"] = window.database_label.text()
            seen["user"] = window.user_label.text()
            window.close()
        else:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(0, poll)
    assert run_gui(plan_for(tmp_path, demo=True)) == 0
    assert seen["window_first"] and seen["areas_before_sign_in"] == 0  # nothing attached before someone signs in
    assert "frontdesk" in str(seen["hint"]) and DEMO_PASSWORD in str(seen["hint"])  # a newcomer can get in
    assert seen["rows"] == 50  # the first page of the 200-patient demo clinic
    assert seen["user"] == "Kiran Patel (Front desk)"
    assert str(tmp_path / "demo" / "kapdesk-demo.sqlite3") in str(seen["label"])


def test_cancelling_the_first_sign_in_quits(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}

    def poll() -> None:
        dialog = _sign_in_dialog()
        if dialog is None:
            QTimer.singleShot(50, poll)
            return
        seen["button"] = dialog.cancel_button.text()
        dialog.cancel_button.click()

    QTimer.singleShot(0, poll)
    assert run_gui(plan_for(tmp_path, demo=True)) == 0
    assert seen["button"] == "Quit"
    assert _main_window() is None  # the window closed with it


def test_a_damaged_database_is_explained_in_a_dialog_and_the_app_exits(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "kapdesk.sqlite3").write_bytes(b"not a database" * 100)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    assert run_gui(plan_for(tmp_path, demo=False)) == 1
    assert shown and shown[0][0] == "Can't open the clinic database"
    assert "damaged or is not a kapdesk database" in shown[0][1]
    assert "Restore the latest backup" in shown[0][1]
    window = _main_window()
    assert window is not None and "damaged" in window.loading.text()
    window.close()


def test_the_installed_command_shows_a_window(tmp_path: Path) -> None:
    """`python -m kapdesk` really starts Qt and shows the main window (startup probe)."""
    env = os.environ | {"KAPDESK_STARTUP_PROBE": "1", "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "kapdesk", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "kapdesk: window shown" in result.stdout
