"""The Schedule area driven like the front desk would: drag to book, drag to move, open to cancel, keys to navigate.

A real temporary database behind real widgets; the only things answered for the user are modal dialogs' loops.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QMessageBox

from kapdesk.domain.appointments import Status
from kapdesk.domain.changes import Changes
from kapdesk.services.clinic import Clinic
from kapdesk.services.schedule_feed import ScheduleFeed
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.schedule import screen as screen_module
from kapdesk.ui.schedule.agenda_model import APPOINTMENT_ROLE
from kapdesk.ui.schedule.booking_dialog import BookingDialog
from kapdesk.ui.schedule.screen import ScheduleScreen
from kapdesk.ui.schedule.watcher import ScheduleWatcher
from tests.helpers import ADMIN, PASSWORD, open_test_clinic
from tests.schedule_world import MONDAY, ZONE, World, build_world, draft, local

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def world(sqlite_clinic: Clinic) -> World:
    return build_world(sqlite_clinic)


@pytest.fixture
def screen(qtbot, sqlite_clinic: Clinic, world: World, tmp_path: Path) -> Iterator[ScheduleScreen]:  # type: ignore[no-untyped-def]
    page = ScheduleScreen(sqlite_clinic, ChangeBus(), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    page.resize(1000, 800)
    page.show()
    qtbot.waitExposed(page)
    page.session_started(sqlite_clinic.access.actor)
    page.show_day(MONDAY)
    yield page


def at(page: ScheduleScreen, key: str, hour: int, minute: int = 0) -> QPoint:
    """Where a local time sits in a column, as the canvas lays it out."""
    grid = page.canvas.grid
    index = next(i for i, c in enumerate(grid.columns) if c.key == key)
    return QPoint(int(grid.column_x(index) + 30), int(grid.y_of(hour * 60 + minute)))


def drag(qtbot, page: ScheduleScreen, start: QPoint, end: QPoint) -> None:  # type: ignore[no-untyped-def]
    canvas = page.canvas
    page.scroll.ensureVisible(start.x(), start.y())
    qtbot.mousePress(canvas, LEFT, pos=start)
    qtbot.mouseMove(canvas, QPoint(start.x(), (start.y() + end.y()) // 2))
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, LEFT, pos=end)


def answer_dialog(monkeypatch, fill) -> list[BookingDialog]:  # type: ignore[no-untyped-def]
    """When the booking dialog opens, do what the user would in it (`fill`), instead of waiting on its loop."""
    opened: list[BookingDialog] = []

    def run(dialog: BookingDialog) -> int:
        opened.append(dialog)
        dialog.show()
        try:
            fill(dialog)
        finally:
            dialog.done(0)  # as the dialog's loop would end: no window outlives the test
        return 0

    monkeypatch.setattr(screen_module.BookingDialog, "exec", run)
    return opened


def test_dragging_over_free_time_books_it_for_that_clinician(qtbot, screen, world, sqlite_clinic, monkeypatch) -> None:
    def fill(dialog: BookingDialog) -> None:
        index = dialog.fields.type.findData(world.types["prep"])
        dialog.fields.type.setCurrentIndex(index)
        dialog.fields.patient.set_patient(world.patients[0], "Lovelace, Ada")
        dialog.save()

    opened = answer_dialog(monkeypatch, fill)
    key = f"c{world.clinicians['therapist']}"
    drag(qtbot, screen, at(screen, key, 10), at(screen, key, 11))
    assert len(opened) == 1
    booked = sqlite_clinic.calendar.for_patient(world.patients[0])
    assert [(a.starts_at, a.ends_at, a.clinician_ids) for a in booked] == [
        (local(MONDAY, 10), local(MONDAY, 11), (world.clinicians["therapist"],))
    ]
    assert list(screen.canvas.placement.by_id) == [booked[0].id]  # the calendar shows it at once


def test_dragging_an_appointment_moves_it_and_a_clash_leaves_it_where_it_was(
    qtbot, screen, world, sqlite_clinic, monkeypatch
) -> None:
    first = sqlite_clinic.booking.book(draft(world, local(MONDAY, 9))).value[0]
    sqlite_clinic.booking.book(draft(world, local(MONDAY, 14), room="dose2", patient=1))
    screen.reload()
    key = f"c{world.clinicians['prescriber']}"
    drag(qtbot, screen, at(screen, key, 9, 30), at(screen, key, 11, 30))  # 09:00 → 11:00
    moved = sqlite_clinic.calendar.get(first.id)[0]
    assert (moved.starts_at, moved.ends_at) == (local(MONDAY, 11), local(MONDAY, 13))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    drag(qtbot, screen, at(screen, key, 11, 30), at(screen, key, 13, 30))  # onto the prescriber's 14:00
    assert warnings and "Prescriber is booked 14:00–16:00" in warnings[0] and "Nothing was changed" in warnings[0]
    still = sqlite_clinic.calendar.get(first.id)[0]
    assert still.starts_at == local(MONDAY, 11)
    block = screen.canvas.placement.by_id[first.id][0]
    assert block.y == pytest.approx(screen.canvas.grid.y_of(11 * 60))  # shown back where it is


def test_dragging_to_another_clinicians_column_hands_the_appointment_over(qtbot, screen, world, sqlite_clinic) -> None:
    booked = sqlite_clinic.booking.book(draft(world, local(MONDAY, 9))).value[0]
    screen.reload()
    source, target = f"c{world.clinicians['prescriber']}", f"c{world.clinicians['nurse']}"
    drag(qtbot, screen, at(screen, source, 9, 30), at(screen, target, 9, 30))
    assert sqlite_clinic.calendar.get(booked.id)[0].clinician_ids == (world.clinicians["nurse"],)


def test_a_shared_appointment_hands_over_only_the_clinician_it_was_dragged_from(
    qtbot, screen, world, sqlite_clinic
) -> None:  # type: ignore[no-untyped-def]
    booked = sqlite_clinic.booking.book(draft(world, local(MONDAY, 9), clinicians=("prescriber", "nurse"))).value[0]
    screen.reload()
    source, target = f"c{world.clinicians['prescriber']}", f"c{world.clinicians['therapist']}"
    drag(qtbot, screen, at(screen, source, 9, 30), at(screen, target, 9, 30))  # the Nurse's column is further left
    after = sqlite_clinic.calendar.get(booked.id)[0]
    assert set(after.clinician_ids) == {world.clinicians["nurse"], world.clinicians["therapist"]}


def test_opening_an_appointment_and_cancelling_it_frees_the_time(
    qtbot, screen, world, sqlite_clinic, monkeypatch
) -> None:
    booked = sqlite_clinic.booking.book(draft(world, local(MONDAY, 9), patient=1)).value[0]
    screen.reload()
    monkeypatch.setattr(QInputDialog, "getText", lambda *_args, **_kw: ("patient unwell", True))
    opened = answer_dialog(monkeypatch, lambda dialog: dialog.cancel_appointment())
    qtbot.mouseDClick(screen.canvas, LEFT, pos=at(screen, f"c{world.clinicians['prescriber']}", 9, 30))
    assert opened and opened[0].appointment is not None and opened[0].appointment.id == booked.id
    (readiness,) = [label for label in opened[0].findChildren(QLabel) if label.accessibleName() == "Readiness"]
    assert "✘ lacks named escort" in readiness.text() and "No integration appointment" in readiness.text()
    cancelled = sqlite_clinic.calendar.get(booked.id)[0]
    assert cancelled.status is Status.CANCELLED and cancelled.cancel_reason == "patient unwell"
    assert not screen.canvas.placement.by_id[booked.id][0].appointment.holds_time
    sqlite_clinic.booking.book(draft(world, local(MONDAY, 9), patient=2))  # the time is free again


def test_the_dialog_offers_free_slots_and_taking_one_books_it(qtbot, screen, world, sqlite_clinic, monkeypatch) -> None:
    sqlite_clinic.booking.book(draft(world, local(MONDAY, 9)))

    def fill(dialog: BookingDialog) -> None:
        dialog.fields.patient.set_patient(world.patients[1], "Wójcik")
        dialog.fields.set_clinicians([world.clinicians["prescriber"]])
        dialog.save()  # refused: the prescriber is busy
        assert "Prescriber is booked 09:00–11:00" in dialog.problem.text()
        buttons = [dialog.slot_buttons.itemAt(i).widget() for i in range(dialog.slot_buttons.count())]
        assert buttons and "Take Mon 11/23 at 11:00" in buttons[0].text()
        buttons[0].click()
        dialog.save()

    answer_dialog(monkeypatch, fill)
    screen.book(local(MONDAY, 10), local(MONDAY, 12), room_id=world.rooms["dose2"])
    booked = sqlite_clinic.calendar.for_patient(world.patients[1])
    assert [a.starts_at for a in booked] == [local(MONDAY, 11)]


def test_outside_hours_asks_for_a_reason_in_the_dialog(qtbot, screen, world, sqlite_clinic, monkeypatch) -> None:
    def fill(dialog: BookingDialog) -> None:
        dialog.fields.patient.set_patient(world.patients[0], "Lovelace")
        dialog.save()
        assert "outside clinic hours" in dialog.problem.text() and dialog.reason.isVisible()
        assert sqlite_clinic.calendar.for_patient(world.patients[0]) == []
        dialog.reason.setText("early start before work")
        dialog.save()

    answer_dialog(monkeypatch, fill)
    screen.book(local(MONDAY, 6), clinician_id=world.clinicians["prescriber"], room_id=world.rooms["dose1"])
    booked = sqlite_clinic.calendar.for_patient(world.patients[0])
    assert [a.override_reason for a in booked] == ["early start before work"]


def test_an_end_before_the_start_is_shown_at_the_time_field(qtbot, screen, world, sqlite_clinic, monkeypatch) -> None:
    def fill(dialog: BookingDialog) -> None:
        dialog.fields.patient.set_patient(world.patients[0], "Lovelace")
        dialog.fields.end.setTime(dialog.fields.start.time().addSecs(-3600))
        dialog.save()
        assert dialog.slots["start"].has_error and "before the start" in dialog.slots["start"].error.text()

    answer_dialog(monkeypatch, fill)
    screen.book(local(MONDAY, 10), clinician_id=world.clinicians["prescriber"], room_id=world.rooms["dose1"])
    assert sqlite_clinic.calendar.for_patient(world.patients[0]) == []


def test_keys_move_through_days_and_back_to_today(qtbot, screen) -> None:
    screen.canvas.setFocus()
    qtbot.keyClick(screen.canvas, Qt.Key.Key_PageDown)
    assert screen.state.day == MONDAY + timedelta(days=1)
    qtbot.keyClick(screen.canvas, Qt.Key.Key_PageUp)
    qtbot.keyClick(screen.canvas, Qt.Key.Key_PageUp)
    assert screen.state.day == MONDAY - timedelta(days=1)
    qtbot.keyClick(screen.canvas, Qt.Key.Key_T)
    assert screen.state.day == screen._clinic.calendar.now().astimezone(ZONE).date()


def test_the_week_view_shows_one_clinicians_seven_days(qtbot, screen, world, sqlite_clinic) -> None:
    sqlite_clinic.booking.book(draft(world, local(MONDAY + timedelta(days=2), 9), clinicians=("nurse",)))
    screen.mode.setCurrentIndex(screen.mode.findData("week"))
    screen.focus.setCurrentIndex(screen.focus.findData(world.clinicians["nurse"]))
    columns = screen.canvas.grid.columns
    assert [c.day for c in columns] == [MONDAY + timedelta(days=n) for n in range(7)]
    assert {c.clinician_id for c in columns} == {world.clinicians["nurse"]}
    (block,) = [b for blocks in screen.canvas.placement.by_id.values() for b in blocks]
    assert columns[block.column].day == MONDAY + timedelta(days=2)


def test_the_chart_lists_the_patients_appointments(qtbot, window, world, sqlite_clinic) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.conftest import registry_of

    sqlite_clinic.booking.book(draft(world, local(MONDAY, 9), patient=1))
    sqlite_clinic.booking.book(draft(world, local(MONDAY + timedelta(days=7), 9), patient=1))
    chart = registry_of(window).open_chart(world.patients[1])
    tab = next(chart.tabs.widget(i) for i in range(chart.tabs.count()) if chart.tabs.tabText(i) == "&Appointments")
    chart.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() == 2
    assert tab.model.index(0, 0).data(APPOINTMENT_ROLE).starts_at == local(MONDAY, 9)
    sqlite_clinic.booking.book(draft(world, local(MONDAY + timedelta(days=14), 9), patient=1))
    window.findChild(ChangeBus).publish(Changes(appointments=frozenset({1})))
    assert tab.model.rowCount() == 3
    chart.close()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_booking_on_another_pc_appears_on_the_open_calendar(qtbot, clinic, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world = build_world(clinic)
    other = open_test_clinic(db_url, tmp_path, workstation="pc-b")  # same audit key file
    try:
        other.auth.sign_in(ADMIN, PASSWORD)
        page = ScheduleScreen(clinic, ChangeBus(), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(page)
        page.show()
        page.session_started(clinic.access.actor)
        page.show_day(MONDAY)
        watcher = ScheduleWatcher(ScheduleFeed(clinic.database), parent=page)
        watcher.changed.connect(page.refresh_from_elsewhere)
        with qtbot.waitSignal(watcher.changed, timeout=5000):
            watcher.start()  # listening: its first word is "reload everything"
        booked = other.booking.book(draft(world, local(MONDAY, 9))).value[0]
        qtbot.waitUntil(lambda: booked.id in page.canvas.placement.by_id, timeout=2000)
        watcher.stop()
    finally:
        other.close()


def test_closing_the_dialog_with_unsaved_changes_asks_first(qtbot, screen, world, sqlite_clinic, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    booked = sqlite_clinic.booking.book(draft(world, local(MONDAY, 9))).value[0]
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.StandardButton.Cancel
    )

    def fill(dialog: BookingDialog) -> None:
        dialog.reject()  # nothing typed: closes without asking
        assert not asked and not dialog.isVisible()
        dialog.show()
        dialog.fields.notes.setPlainText("bring the consent form")
        dialog.reject()  # typed: asks, and Cancel keeps the dialog and the text
        assert asked and "aren't saved" in asked[0] and dialog.isVisible()
        assert dialog.fields.notes.toPlainText() == "bring the consent form"

    answer_dialog(monkeypatch, fill)
    screen.open(booked.id)
