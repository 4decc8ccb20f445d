from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from kapdesk.services.clinic import Clinic
from kapdesk.ui import launch
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.launch import attach_clinic
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.patients.editor import PatientEditor
from kapdesk.ui.patients.registry import PatientRegistry
from kapdesk.ui.session.controller import SessionController


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "config" / "kapdesk.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings: QSettings, sqlite_clinic: Clinic) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    main = MainWindow(settings, sqlite_clinic.description)
    qtbot.addWidget(main)
    attach_clinic(main, sqlite_clinic, ChangeBus(main))
    main.begin_session(sqlite_clinic.access.actor)  # the admin the fixture signed in
    main.show()
    qtbot.waitExposed(main)
    yield main
    for chart in list(registry_of(main).charts.values()):
        chart.close()


def registry_of(window: MainWindow) -> PatientRegistry:
    page = window.pages.widget(1)
    assert isinstance(page, PatientRegistry)
    return page


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def start_session(qtbot, settings: QSettings, clock: FakeClock) -> Iterator[Callable[[Clinic], SessionController]]:  # type: ignore[no-untyped-def]
    """The launch flow on a given clinic: a shown window, then set-up or the sign-in dialog (left open)."""
    started: list[SessionController] = []

    def start(clinic: Clinic) -> SessionController:
        main = MainWindow(settings, clinic.description)  # not qtbot.addWidget: it would close the window
        main.show()  # before this fixture could close the forms quietly

        qtbot.waitExposed(main)
        # The idle check runs when a test calls it, never on its own during a test.
        controller = launch.start_session(main, clinic, clock=clock, check_interval_ms=3_600_000)
        started.append(controller)
        return controller

    yield start
    for controller in started:
        close_quietly(controller.window)
        controller.window.deleteLater()


@pytest.fixture
def session(start_session: Callable[[Clinic], SessionController], sqlite_clinic: Clinic) -> SessionController:
    """The set-up test clinic, its sign-in dialog showing (the fixture's admin is replaced by whoever signs in)."""
    return start_session(sqlite_clinic)


def close_quietly(window: MainWindow) -> None:
    """Forms first, without their 'discard changes?' question, which would wait forever in a test."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, PatientEditor):
            widget.close_without_asking()
    window.close()
