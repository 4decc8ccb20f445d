from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from kapdesk.services.clinic import Clinic
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.launch import attach_clinic
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.patients.registry import PatientRegistry


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
