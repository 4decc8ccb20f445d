"""First run: the clinic's details and its first admin, typed into the real set-up dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kapdesk.services.clinic import Clinic
from kapdesk.ui.session.controller import SessionController
from kapdesk.ui.session.setup_dialog import SetupDialog
from kapdesk.ui.session.time_zone import local_time_zone
from tests.ui.session_steps import registry

GOOD_PASSWORD = "juniper river lantern"


@pytest.fixture
def first_run(
    start_session: Callable[[Clinic], SessionController], new_sqlite_clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> SessionController:
    monkeypatch.setenv("TZ", "America/Denver")  # this computer's zone, offered as the default
    return start_session(new_sqlite_clinic)


def setup_dialog(session: SessionController) -> SetupDialog:
    dialog = session.dialog
    assert isinstance(dialog, SetupDialog) and dialog.isVisible()
    return dialog


def fill(qtbot, dialog: SetupDialog, password: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(dialog.name, "Juniper KAP")
    dialog.address.setPlainText("1 Main St\nSuite 2\nBoise, ID 83702")
    qtbot.keyClicks(dialog.phone, "208-555-0100")
    qtbot.keyClicks(dialog.username, "Dana")
    qtbot.keyClicks(dialog.full_name, "Dana Whitfield")
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClicks(dialog.confirm, password)


def test_first_run_sets_up_the_clinic_and_signs_its_admin_in(
    qtbot, first_run: SessionController, new_sqlite_clinic: Clinic
) -> None:  # type: ignore[no-untyped-def]
    dialog = setup_dialog(first_run)
    assert dialog.time_zone.currentText() == "America/Denver"
    assert first_run.window.nav.count() == 0  # no area before anyone is signed in
    fill(qtbot, dialog, GOOD_PASSWORD)
    qtbot.mouseClick(dialog.set_up_button, Qt.MouseButton.LeftButton)

    clinic = new_sqlite_clinic
    assert not dialog.isVisible()
    assert not clinic.admin.needs_setup()
    profile = clinic.admin.profile()
    assert profile is not None
    assert (profile.name, profile.address, profile.phone, profile.time_zone) == (
        "Juniper KAP",
        "1 Main St\nSuite 2\nBoise, ID 83702",
        "+12085550100",
        "America/Denver",
    )
    assert clinic.access.actor.username == "dana"  # signed in, as typed but lower-cased
    assert first_run.window.user_label.text() == "Dana Whitfield (Admin)"
    qtbot.waitUntil(lambda: registry(first_run).table.isVisible())


def test_a_short_password_is_explained_under_it_and_nothing_typed_is_lost(
    qtbot, first_run: SessionController, new_sqlite_clinic: Clinic
) -> None:  # type: ignore[no-untyped-def]
    dialog = setup_dialog(first_run)
    fill(qtbot, dialog, "short")
    qtbot.mouseClick(dialog.set_up_button, Qt.MouseButton.LeftButton)

    slot = dialog.admin_form.slots["password"]
    assert dialog.isVisible()
    assert slot.has_error and not slot.error.isHidden()
    assert slot.error.text().startswith("Use at least 12 characters (this has 5).")
    assert dialog.focusWidget() is dialog.password
    assert [name for name, s in {**dialog.clinic_form.slots, **dialog.admin_form.slots}.items() if s.has_error] == [
        "password"
    ]
    assert (dialog.name.text(), dialog.phone.text(), dialog.username.text(), dialog.full_name.text()) == (
        "Juniper KAP",
        "208-555-0100",
        "Dana",
        "Dana Whitfield",
    )
    assert dialog.address.toPlainText() == "1 Main St\nSuite 2\nBoise, ID 83702"
    assert new_sqlite_clinic.admin.needs_setup()  # nothing was set up

    dialog.password.setText(GOOD_PASSWORD)
    dialog.confirm.setText(GOOD_PASSWORD)
    qtbot.mouseClick(dialog.set_up_button, Qt.MouseButton.LeftButton)
    assert not new_sqlite_clinic.admin.needs_setup()
    assert first_run.actor is not None and first_run.actor.username == "dana"


def test_every_problem_shows_at_once_on_its_own_field(
    qtbot, first_run: SessionController, new_sqlite_clinic: Clinic
) -> None:  # type: ignore[no-untyped-def]
    dialog = setup_dialog(first_run)
    fill(qtbot, dialog, GOOD_PASSWORD)
    dialog.confirm.setText("juniper river lanterns")
    dialog.time_zone.setEditText("Mars/Olympus_Mons")
    dialog.name.clear()
    qtbot.mouseClick(dialog.set_up_button, Qt.MouseButton.LeftButton)

    bad = {name for name, s in {**dialog.clinic_form.slots, **dialog.admin_form.slots}.items() if s.has_error}
    assert bad == {"name", "time_zone", "confirm"}
    assert dialog.clinic_form.slots["time_zone"].error.text() == (
        "Time zone must be a time zone such as America/Chicago."
    )
    assert dialog.admin_form.slots["confirm"].error.text() == "Confirm password does not match the password."
    assert dialog.focusWidget() is dialog.name  # the first bad field, top to bottom
    assert new_sqlite_clinic.admin.needs_setup()


def test_the_time_zone_list_finds_a_city_by_part_of_its_name(first_run: SessionController) -> None:
    completer = setup_dialog(first_run).time_zone.completer()
    completer.setCompletionPrefix("chicago")
    assert completer.currentCompletion() == "America/Chicago"


def test_quitting_set_up_closes_kapdesk_and_sets_up_nothing(
    qtbot, first_run: SessionController, new_sqlite_clinic: Clinic
) -> None:  # type: ignore[no-untyped-def]
    dialog = setup_dialog(first_run)
    qtbot.keyClicks(dialog.name, "Juniper KAP")
    dialog.reject()
    assert not first_run.window.isVisible()
    assert new_sqlite_clinic.admin.needs_setup()


def test_the_machines_zone_comes_from_tz_or_the_localtime_link(tmp_path: Path) -> None:
    known = {"America/Denver", "Europe/Paris"}
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Europe/Paris")
    assert local_time_zone(known, environ={"TZ": ":America/Denver"}, localtime=link) == "America/Denver"
    assert local_time_zone(known, environ={}, localtime=link) == "Europe/Paris"
    assert local_time_zone(known, environ={"TZ": "EST5EDT"}, localtime=tmp_path / "absent") == ""
