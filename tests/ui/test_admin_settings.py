"""The clinic's profile and settings: limits explained where they are typed, nothing half-saved."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.settings import AUTO_LOCK_MINUTES, SIGN_IN_FREE_ATTEMPTS
from kapdesk.services.clinic import Clinic
from kapdesk.ui.admin import AdminArea, attach_admin
from kapdesk.ui.admin.audit_model import COLUMNS
from kapdesk.ui.admin.clinic_screen import ClinicScreen
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.main_window import MainWindow
from tests.helpers import PROFILE

AUTO_LOCK = AUTO_LOCK_MINUTES.key


@pytest.fixture
def area(qtbot, settings: QSettings, sqlite_clinic: Clinic) -> AdminArea:  # type: ignore[no-untyped-def]
    window = MainWindow(settings, sqlite_clinic.description)
    qtbot.addWidget(window)
    admin = attach_admin(window, sqlite_clinic, ChangeBus(window))
    window.show()
    qtbot.waitExposed(window)
    admin.setCurrentWidget(admin.clinic_screen)
    return admin


@pytest.fixture
def screen(area: AdminArea) -> ClinicScreen:
    return area.clinic_screen


def type_over(qtbot, screen: ClinicScreen, key: str, text: str) -> None:  # type: ignore[no-untyped-def]
    spin = screen.spins[key]
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def test_shows_the_saved_profile_and_settings_with_their_limits(screen: ClinicScreen) -> None:
    assert screen.name.text() == PROFILE.name
    assert screen.address.toPlainText() == PROFILE.address
    assert screen.phone.text() == "(503) 555-0100"
    assert screen.time_zone.currentText() == PROFILE.time_zone
    assert screen.spins[AUTO_LOCK].value() == AUTO_LOCK_MINUTES.default
    assert screen.spins[SIGN_IN_FREE_ATTEMPTS.key].value() == SIGN_IN_FREE_ATTEMPTS.default
    row = screen.slots[AUTO_LOCK].editor
    assert "idle minutes (1–30, default 10)" in [label.text() for label in row.findChildren(QLabel)]


def test_auto_lock_beyond_its_limit_is_refused_with_the_limit_then_20_is_saved(  # type: ignore[no-untyped-def]
    qtbot, screen: ClinicScreen, sqlite_clinic: Clinic
) -> None:
    type_over(qtbot, screen, AUTO_LOCK, "31")
    assert screen.spins[AUTO_LOCK].cleanText() == "31"  # typed as typed, not silently clipped to "3"
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    slot = screen.slots[AUTO_LOCK]
    assert slot.has_error and slot.error.isVisible()
    assert slot.error.text() == "Lock the screen after must be between 1 and 30 idle minutes."
    assert screen.status.text() == "Not saved — please check the highlighted fields."
    assert sqlite_clinic.admin.settings()[AUTO_LOCK_MINUTES] == 10

    type_over(qtbot, screen, AUTO_LOCK, "20")
    screen.save_button.click()
    assert not slot.has_error and not slot.error.isVisible()
    assert screen.status.text() == "Saved."
    assert sqlite_clinic.admin.settings()[AUTO_LOCK_MINUTES] == 20
    assert sqlite_clinic.admin.settings()[SIGN_IN_FREE_ATTEMPTS] == SIGN_IN_FREE_ATTEMPTS.default


def test_the_arrows_stop_at_the_limits(screen: ClinicScreen) -> None:
    spin = screen.spins[AUTO_LOCK]
    spin.setValue(29)
    spin.stepBy(5)
    assert spin.value() == 30
    spin.stepBy(-100)
    assert spin.value() == 1


def test_a_bad_profile_field_saves_nothing_at_all(qtbot, screen: ClinicScreen, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    screen.phone.setText("12")
    screen.name.clear()
    type_over(qtbot, screen, AUTO_LOCK, "15")
    screen.save()
    assert screen.slots["phone"].error.text().startswith("Phone isn't a valid phone number")
    assert screen.slots["name"].error.text() == "Clinic name is required."
    assert not screen.slots[AUTO_LOCK].has_error
    # The valid setting waits with the rest: a refusal never leaves half the form saved.
    assert sqlite_clinic.admin.settings()[AUTO_LOCK_MINUTES] == 10
    assert sqlite_clinic.admin.profile() == ClinicProfile(
        PROFILE.name, PROFILE.address, "+15035550100", PROFILE.time_zone
    )

    screen.phone.setText("503-555-0199")
    screen.name.setText("Cedar Clinic")
    screen.save()
    assert screen.status.text() == "Saved."
    assert sqlite_clinic.admin.profile() == ClinicProfile(
        "Cedar Clinic", PROFILE.address, "+15035550199", PROFILE.time_zone
    )
    assert sqlite_clinic.admin.settings()[AUTO_LOCK_MINUTES] == 15


def test_saving_without_changes_writes_nothing(screen: ClinicScreen, sqlite_clinic: Clinic) -> None:
    before = sqlite_clinic.audit.verify().events
    screen.save()
    assert screen.status.text() == "Nothing has changed."
    assert sqlite_clinic.audit.verify().events == before


def test_a_new_time_zone_is_the_one_the_audit_trail_shows_times_in(  # type: ignore[no-untyped-def]
    area: AdminArea, screen: ClinicScreen, sqlite_clinic: Clinic
) -> None:
    screen.time_zone.setCurrentText("America/New_York")
    screen.save()
    assert sqlite_clinic.admin.profile().time_zone == "America/New_York"  # type: ignore[union-attr]

    area.setCurrentWidget(area.audit)
    area.audit.apply_filters()
    assert "times in America/New_York" in area.audit.status.text()
    time_column = next(i for i, (_, key) in enumerate(COLUMNS) if key == "time")
    first = area.audit.model.event_at(0)
    expected = first.occurred_at.astimezone(ZoneInfo("America/New_York")).strftime("%m/%d/%Y %H:%M:%S")
    assert area.audit.model.index(0, time_column).data() == expected


def test_an_unknown_time_zone_is_explained(screen: ClinicScreen, sqlite_clinic: Clinic) -> None:
    screen.time_zone.setCurrentText("Mars/Olympus_Mons")
    screen.save()
    assert screen.slots["time_zone"].error.text() == "Time zone must be a time zone such as America/Chicago."
    assert sqlite_clinic.admin.profile().time_zone == PROFILE.time_zone  # type: ignore[union-attr]
