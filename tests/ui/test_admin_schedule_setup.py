"""Schedule set-up as the clinic admin does it: rooms, appointment types, clinic hours and closed days,
clinicians' hours and time off. Real widgets on a real temporary database; only message boxes are answered."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate, QSettings, Qt, QTime
from PySide6.QtWidgets import QMessageBox

from kapdesk.domain.changes import Changes
from kapdesk.domain.rooms import RoomKind
from kapdesk.domain.staff import Role
from kapdesk.domain.wall_clock import day_start, duration_words, to_local, to_utc, zone_words
from kapdesk.services.clinic import Clinic
from kapdesk.ui.admin import AdminArea, attach_admin
from kapdesk.ui.admin.schedule_setup import ScheduleSetupPage
from kapdesk.ui.admin.schedule_setup.appointment_types import TypeDialog
from kapdesk.ui.admin.schedule_setup.rooms import RoomDialog
from kapdesk.ui.admin.schedule_setup.week_hours import WeekHoursEditor
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.main_window import MainWindow
from tests.helpers import PROFILE, add_user, sign_in_as

ZONE = ZoneInfo(PROFILE.time_zone)  # America/Los_Angeles
NEXT_YEAR = datetime.now(UTC).year + 1
Yes, Cancel, Discard = (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Cancel,
                        QMessageBox.StandardButton.Discard)  # fmt: skip


@pytest.fixture
def published() -> list[Changes]:
    return []


@pytest.fixture
def page(qtbot, settings: QSettings, sqlite_clinic: Clinic, published: list[Changes]) -> ScheduleSetupPage:  # type: ignore[no-untyped-def]
    add_user(sqlite_clinic, "pdoc", Role.PRESCRIBER)
    add_user(sqlite_clinic, "jlee", Role.THERAPIST)
    sqlite_clinic.schedule_setup.add_room("Dosing room 1", RoomKind.DOSING)
    window = MainWindow(settings, sqlite_clinic.description)
    qtbot.addWidget(window)
    bus = ChangeBus(window)
    bus.changed.connect(published.append)
    area = attach_admin(window, sqlite_clinic, bus)
    window.show()
    qtbot.waitExposed(window)
    area.setCurrentWidget(area.schedule_setup)
    return area.schedule_setup


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox.StandardButton]:
    """Answers for the questions the page asks, in order (Yes when none is left); warnings fail the test."""
    answers: list[QMessageBox.StandardButton] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: answers.pop(0) if answers else Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *rest: pytest.fail(f"{title}: {text}"))
    return answers


def cells(model, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(row, column).data() for column in range(model.columnCount())]


def set_day(editor: WeekHoursEditor, weekday: int, hours: tuple[time, time] | None) -> None:
    row = editor.day(weekday)
    row.open.setChecked(hours is not None)
    if hours is not None:
        row.opens.setTime(QTime(hours[0].hour, hours[0].minute))
        row.closes.setTime(QTime(hours[1].hour, hours[1].minute))


def pick_clinician(page: ScheduleSetupPage, clinic: Clinic, username: str) -> None:
    section = page.clinicians
    page.setCurrentWidget(section)
    section.clinician.setCurrentIndex(section.clinician.findData(clinician_id(clinic, username)))


def clinician_id(clinic: Clinic, username: str) -> int:
    return next(c.id for c in clinic.schedule_setup.resources().clinicians if c.username == username)


# -- rooms ---------------------------------------------------------------------------------------------


def open_add_room(qtbot, page: ScheduleSetupPage) -> RoomDialog:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.rooms.add_button, Qt.MouseButton.LeftButton)
    dialog = page.rooms.dialog
    assert isinstance(dialog, RoomDialog) and dialog.isVisible()
    return dialog


def test_an_added_room_is_listed_selected_and_saved(  # type: ignore[no-untyped-def]
    qtbot, page: ScheduleSetupPage, sqlite_clinic: Clinic, published: list[Changes]
) -> None:
    dialog = open_add_room(qtbot, page)
    qtbot.keyClicks(dialog.name, "Therapy room A")
    dialog.kind.setCurrentIndex(dialog.kind.findData(RoomKind.THERAPY))
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    assert not dialog.isVisible()
    saved = next(r for r in sqlite_clinic.schedule_setup.resources().rooms if r.name == "Therapy room A")
    assert (saved.kind, saved.active) == (RoomKind.THERAPY, True)
    assert page.rooms.selected() == saved
    assert cells(page.rooms.model, page.rooms.model.row_of(saved.id)) == ["Therapy room A", "Therapy", "In service"]  # type: ignore[arg-type]
    assert published == [Changes(schedule_setup=True)]
    assert page.rooms.status.text() == "2 in service"


def test_a_duplicate_room_name_is_explained_under_the_name_and_saves_nothing(  # type: ignore[no-untyped-def]
    qtbot, page: ScheduleSetupPage, sqlite_clinic: Clinic, published: list[Changes]
) -> None:
    dialog = open_add_room(qtbot, page)
    qtbot.keyClicks(dialog.name, "Dosing room 1")
    dialog.save()

    assert dialog.isVisible()
    name = dialog.slots["name"]
    assert name.has_error and name.error.isVisible()
    assert name.error.text() == "There is already a room with that name."
    assert [r.name for r in sqlite_clinic.schedule_setup.resources().rooms] == ["Dosing room 1"]
    assert published == []

    dialog.name.clear()
    dialog.save()
    assert name.error.text() == "Give the room a name."


def test_retiring_asks_then_shows_the_room_retired_and_it_can_come_back(  # type: ignore[no-untyped-def]
    page: ScheduleSetupPage, sqlite_clinic: Clinic, questions: list[QMessageBox.StandardButton]
) -> None:
    rooms = page.rooms
    room = rooms.selected()
    assert room is not None and room.name == "Dosing room 1"
    assert rooms.toggle_button.text() == "&Retire…"

    questions.append(Cancel)
    rooms.toggle_button.click()
    assert sqlite_clinic.schedule_setup.resources().rooms[0].active  # Cancel changes nothing

    rooms.toggle_button.click()  # answered Yes
    assert not sqlite_clinic.schedule_setup.resources().rooms[0].active
    assert cells(rooms.model, 0) == ["Dosing room 1", "Dosing", "Retired"]
    assert rooms.toggle_button.text() == "&Bring back"
    assert rooms.status.text() == "0 in service, 1 retired"

    rooms.toggle_button.click()  # bringing back asks nothing
    assert sqlite_clinic.schedule_setup.resources().rooms[0].active
    assert cells(rooms.model, 0)[2] == "In service"


def test_renaming_a_room_and_changing_its_kind(qtbot, page: ScheduleSetupPage, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    dialog = page.rooms.edit_selected()
    assert isinstance(dialog, RoomDialog)
    dialog.name.setText("Quiet room")
    dialog.kind.setCurrentIndex(dialog.kind.findData(RoomKind.CONSULT))
    dialog.save()
    [room] = sqlite_clinic.schedule_setup.resources().rooms
    assert (room.name, room.kind, room.active) == ("Quiet room", RoomKind.CONSULT, True)
    assert cells(page.rooms.model, 0) == ["Quiet room", "Consult", "In service"]


# -- appointment types -----------------------------------------------------------------------------------


def edit_type(page: ScheduleSetupPage, name: str) -> TypeDialog:
    page.setCurrentWidget(page.types)
    row = next(r for r in range(page.types.model.rowCount()) if page.types.model.type_at(r).name == name)
    page.types.table.selectRow(row)
    dialog = page.types.edit_selected()
    assert isinstance(dialog, TypeDialog) and dialog.isVisible()
    return dialog


def test_a_types_new_duration_is_what_the_calendar_reads(page: ScheduleSetupPage, sqlite_clinic: Clinic) -> None:
    dialog = edit_type(page, "IV ketamine infusion")
    assert dialog.holds.text() == "Holds the room 2 h 15 min (2 h + 15 min turnover)."
    dialog.duration.setValue(150)
    assert dialog.holds.text() == "Holds the room 2 h 45 min (2 h 30 min + 15 min turnover)."
    dialog.save()

    assert not dialog.isVisible()
    saved = next(t for t in sqlite_clinic.schedule_setup.resources().types if t.code == "dose-iv")
    assert (saved.duration_minutes, saved.turnover_minutes, saved.active) == (150, 15, True)
    row = page.types.model.row_of(saved.id)
    assert cells(page.types.model, row) == [  # type: ignore[arg-type]
        "IV ketamine infusion", "Dosing", "IV infusion", "150", "15", "Dosing", "Yes",
    ]  # fmt: skip
    assert page.types.selected() == saved


def test_a_duration_past_the_limit_is_explained_and_saves_nothing(  # type: ignore[no-untyped-def]
    qtbot, page: ScheduleSetupPage, sqlite_clinic: Clinic
) -> None:
    dialog = edit_type(page, "Follow-up")
    dialog.duration.setFocus()
    dialog.duration.selectAll()
    qtbot.keyClicks(dialog.duration, "800")
    assert dialog.duration.value() == 800  # typed as typed, not clipped to "80"
    dialog.save()
    assert dialog.isVisible()
    assert dialog.slots["duration"].error.text() == "A duration is 5 minutes to 12 hours."
    assert (
        next(t for t in sqlite_clinic.schedule_setup.resources().types if t.code == "follow-up").duration_minutes == 30
    )


def test_a_type_can_stop_being_offered_and_change_room_kind(page: ScheduleSetupPage, sqlite_clinic: Clinic) -> None:
    dialog = edit_type(page, "Follow-up")
    dialog.offered.setChecked(False)
    dialog.room_kind.setCurrentIndex(dialog.room_kind.findData(RoomKind.THERAPY))
    dialog.save()
    saved = next(t for t in sqlite_clinic.schedule_setup.resources().types if t.code == "follow-up")
    assert (saved.active, saved.room_kind) == (False, "therapy")
    assert cells(page.types.model, page.types.model.row_of(saved.id))[-2:] == ["Therapy", "No"]  # type: ignore[arg-type]


# -- clinic hours and closed days ------------------------------------------------------------------------


def test_opening_on_saturday_morning_then_closing_it_again(  # type: ignore[no-untyped-def]
    page: ScheduleSetupPage, sqlite_clinic: Clinic, published: list[Changes]
) -> None:
    section = page.clinic_hours
    page.setCurrentWidget(section)
    assert "America/Los Angeles (PST, UTC−8 now)" in section.zone.text()
    set_day(section.hours, 5, (time(9), time(13)))
    assert section.bar.status.text() == "Not saved yet."
    section.bar.save_button.click()

    assert section.bar.status.text() == "Saved."
    clinic = sqlite_clinic.schedule_setup.availability().clinic.days
    assert clinic[5] == (time(9), time(13))
    assert clinic[0] == (time(8), time(18)) and 6 not in clinic
    assert published == [Changes(schedule_setup=True)]

    set_day(section.hours, 5, None)
    section.save()
    assert 5 not in sqlite_clinic.schedule_setup.availability().clinic.days
    assert not section.hours.day(5).opens.isEnabled()


def test_closing_before_opening_is_shown_at_that_day_and_saves_nothing(  # type: ignore[no-untyped-def]
    page: ScheduleSetupPage, sqlite_clinic: Clinic, published: list[Changes]
) -> None:
    section = page.clinic_hours
    page.setCurrentWidget(section)
    set_day(section.hours, 5, (time(9), time(13)))  # a good change waits with the bad one
    set_day(section.hours, 1, (time(14), time(9)))
    section.save()

    tuesday = section.hours.day(1)
    assert tuesday.has_error and tuesday.error.isVisible()
    assert tuesday.error.text() == "On Tuesday the end must be after the start."
    assert not any(section.hours.day(d).has_error for d in (0, 2, 3, 4, 5, 6))
    assert section.bar.status.text() == "Not saved — please check the highlighted days."
    assert sqlite_clinic.schedule_setup.availability().clinic.days == {d: (time(8), time(18)) for d in range(5)}
    assert published == []

    set_day(section.hours, 1, (time(9), time(14)))
    section.save()
    assert not tuesday.has_error
    assert sqlite_clinic.schedule_setup.availability().clinic.days[1] == (time(9), time(14))


def test_ctrl_s_saves_the_hours_being_typed(qtbot, page: ScheduleSetupPage, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    section = page.clinic_hours
    page.setCurrentWidget(section)
    page.window().activateWindow()
    monday = section.hours.day(0).closes
    monday.setFocus()
    qtbot.waitUntil(monday.hasFocus)
    monday.setTime(QTime(17, 0))
    qtbot.keyClick(monday, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert sqlite_clinic.schedule_setup.availability().clinic.days[0] == (time(8), time(17))


def test_unsaved_hours_survive_a_change_saved_elsewhere_on_the_page(page: ScheduleSetupPage) -> None:
    set_day(page.clinic_hours.hours, 6, (time(10), time(12)))
    page.setCurrentWidget(page.rooms)
    dialog = page.rooms.add()
    dialog.name.setText("Room 2")
    dialog.save()  # refreshes every tab

    assert page.clinic_hours.is_edited()
    assert page.clinic_hours.hours.hours()[6] == (time(10), time(12))


def test_a_closed_day_is_added_with_its_reason_and_reopened(  # type: ignore[no-untyped-def]
    qtbot, page: ScheduleSetupPage, sqlite_clinic: Clinic
) -> None:
    panel = page.clinic_hours.closed_days
    page.setCurrentWidget(page.clinic_hours)
    day = date(NEXT_YEAR, 7, 3)
    panel.day.setDate(QDate(day.year, day.month, day.day))
    qtbot.keyClicks(panel.reason, "Independence Day (observed)")
    qtbot.keyClick(panel.reason, Qt.Key.Key_Return)

    assert sqlite_clinic.schedule_setup.availability().closed_days == {day: "Independence Day (observed)"}
    assert cells(panel.model, 0) == [f"{day:%a} 07/03/{NEXT_YEAR}", "Independence Day (observed)"]
    assert panel.reason.text() == ""

    panel.table.selectRow(0)
    panel.reopen_button.click()
    assert sqlite_clinic.schedule_setup.availability().closed_days == {}
    assert panel.model.rowCount() == 0


def test_a_day_already_past_is_not_closed(page: ScheduleSetupPage, sqlite_clinic: Clinic) -> None:
    panel = page.clinic_hours.closed_days
    page.setCurrentWidget(page.clinic_hours)
    panel.day.setDate(panel.day.date().addDays(-1))
    panel.close_day()
    assert panel.slots["day"].error.text() == "That day has already passed; choose today or a later day."
    assert sqlite_clinic.schedule_setup.availability().closed_days == {}


# -- clinicians' hours and time off ----------------------------------------------------------------------


def test_a_clinician_gets_hours_of_their_own_and_back_to_the_clinics(  # type: ignore[no-untyped-def]
    page: ScheduleSetupPage, sqlite_clinic: Clinic
) -> None:
    section = page.clinicians
    pick_clinician(page, sqlite_clinic, "pdoc")
    assert section.follows_clinic.isChecked() and not section.hours.isEnabled()
    assert section.hours.hours() == {d: (time(8), time(18)) for d in range(5)}  # the clinic's, for reference

    section.own_hours.setChecked(True)
    for weekday in (1, 3):
        set_day(section.hours, weekday, None)
    set_day(section.hours, 4, (time(8), time(12, 30)))
    section.bar.save_button.click()

    pdoc = clinician_id(sqlite_clinic, "pdoc")
    working = sqlite_clinic.schedule_setup.availability().working
    assert working[pdoc].days == {0: (time(8), time(18)), 2: (time(8), time(18)), 4: (time(8), time(12, 30))}
    assert section.bar.status.text() == "Saved."
    assert section.own_hours.isChecked() and not section.is_edited()

    section.follows_clinic.setChecked(True)
    section.save()
    assert pdoc not in sqlite_clinic.schedule_setup.availability().working


def test_switching_clinician_with_unsaved_hours_asks_first(  # type: ignore[no-untyped-def]
    page: ScheduleSetupPage, sqlite_clinic: Clinic, questions: list[QMessageBox.StandardButton]
) -> None:
    section = page.clinicians
    pick_clinician(page, sqlite_clinic, "pdoc")
    section.own_hours.setChecked(True)
    set_day(section.hours, 0, (time(7), time(15)))

    questions.append(Cancel)
    pick_clinician(page, sqlite_clinic, "jlee")
    assert section.clinician.currentText() == "Pdoc"  # still on Pdoc, the edit kept
    assert section.hours.hours()[0] == (time(7), time(15))

    questions.append(Discard)
    pick_clinician(page, sqlite_clinic, "jlee")
    assert section.clinician.currentText() == "Jlee"
    assert section.follows_clinic.isChecked()
    assert sqlite_clinic.schedule_setup.availability().working == {}


def test_time_off_is_added_in_clinic_time_and_withdrawn(  # type: ignore[no-untyped-def]
    qtbot, page: ScheduleSetupPage, sqlite_clinic: Clinic, questions: list[QMessageBox.StandardButton]
) -> None:
    section = page.clinicians
    pick_clinician(page, sqlite_clinic, "jlee")
    panel = section.time_off
    panel.starts.set_wall_clock(datetime(NEXT_YEAR, 3, 15, 9, 0))  # after the spring change: UTC−7
    panel.ends.set_wall_clock(datetime(NEXT_YEAR, 3, 15, 12, 30))
    qtbot.keyClicks(panel.reason, "Dentist")
    panel.add_button.click()

    [off] = sqlite_clinic.schedule_setup.availability().time_off
    assert off.user_id == clinician_id(sqlite_clinic, "jlee")
    assert (off.starts_at, off.ends_at) == (
        datetime(NEXT_YEAR, 3, 15, 16, 0, tzinfo=UTC),
        datetime(NEXT_YEAR, 3, 15, 19, 30, tzinfo=UTC),
    )
    assert off.reason == "Dentist"
    day = f"{date(NEXT_YEAR, 3, 15):%a} 03/15/{NEXT_YEAR}"
    assert cells(panel.model, 0) == [f"{day} 09:00", f"{day} 12:30", "Dentist"]
    assert panel.title() == "Time off for Jlee"

    pick_clinician(page, sqlite_clinic, "pdoc")
    assert panel.model.rowCount() == 0  # only the picked clinician's time off

    pick_clinician(page, sqlite_clinic, "jlee")
    panel.table.selectRow(0)
    panel.withdraw_button.click()  # answered Yes
    assert sqlite_clinic.schedule_setup.availability().time_off == ()
    assert panel.model.rowCount() == 0


def test_whole_days_and_back_keeps_the_times_typed(page: ScheduleSetupPage, sqlite_clinic: Clinic) -> None:
    panel = page.clinicians.time_off
    pick_clinician(page, sqlite_clinic, "jlee")
    panel.starts.set_wall_clock(datetime(NEXT_YEAR, 6, 1, 9, 15))
    panel.whole_days.setChecked(True)
    assert panel.starts.text() == f"06/01/{NEXT_YEAR}"
    panel.whole_days.setChecked(False)
    assert panel.starts.wall_clock() == datetime(NEXT_YEAR, 6, 1, 9, 15)


def test_a_time_the_clocks_skip_is_refused_under_the_field(page: ScheduleSetupPage, sqlite_clinic: Clinic) -> None:
    panel = page.clinicians.time_off
    pick_clinician(page, sqlite_clinic, "jlee")
    spring = second_sunday_of_march(NEXT_YEAR)
    panel.starts.set_wall_clock(datetime.combine(spring, time(2, 30)))
    panel.ends.set_wall_clock(datetime.combine(spring, time(5)))
    panel.add()
    assert panel.slots["start"].error.text().startswith("The clocks go forward then")
    assert not panel.slots["end"].has_error
    assert sqlite_clinic.schedule_setup.availability().time_off == ()


def test_an_end_before_the_start_is_refused_under_the_end(page: ScheduleSetupPage, sqlite_clinic: Clinic) -> None:
    panel = page.clinicians.time_off
    pick_clinician(page, sqlite_clinic, "jlee")
    panel.starts.set_wall_clock(datetime(NEXT_YEAR, 5, 3, 13))
    panel.ends.set_wall_clock(datetime(NEXT_YEAR, 5, 3, 9))
    panel.add()
    assert panel.slots["end"].error.text() == "The end is before the start."
    assert sqlite_clinic.schedule_setup.availability().time_off == ()


def test_whole_days_off_run_from_the_first_mornings_midnight_to_the_last_nights(  # type: ignore[no-untyped-def]
    page: ScheduleSetupPage, sqlite_clinic: Clinic
) -> None:
    panel = page.clinicians.time_off
    pick_clinician(page, sqlite_clinic, "jlee")
    panel.whole_days.setChecked(True)
    panel.starts.set_wall_clock(datetime(NEXT_YEAR, 12, 1))
    panel.ends.set_wall_clock(datetime(NEXT_YEAR, 12, 3))
    panel.add()
    [off] = sqlite_clinic.schedule_setup.availability().time_off
    assert (off.starts_at, off.ends_at) == (
        datetime(NEXT_YEAR, 12, 1, 8, tzinfo=UTC),
        datetime(NEXT_YEAR, 12, 4, 8, tzinfo=UTC),
    )
    assert cells(panel.model, 0)[1].endswith(f"12/03/{NEXT_YEAR} (whole day)")


# -- who sees it -----------------------------------------------------------------------------------------


def test_front_desk_never_sees_schedule_set_up(window: MainWindow, sqlite_clinic: Clinic) -> None:
    area = window.findChild(AdminArea)
    assert area is not None
    admin_entry = window.nav.findItems("Admin", Qt.MatchFlag.MatchExactly)[0]
    assert not admin_entry.isHidden() and area.isTabVisible(area.indexOf(area.schedule_setup))

    window.end_session()
    sign_in_as(sqlite_clinic, "desk", Role.FRONT_DESK)
    window.begin_session(sqlite_clinic.access.actor)
    assert admin_entry.isHidden()
    window.show_area("Admin")
    assert not area.schedule_setup.isVisible()


# -- the local time helper -------------------------------------------------------------------------------


def second_sunday_of_march(year: int) -> date:
    first = date(year, 3, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7)


def test_wall_clock_times_convert_both_ways_across_the_clock_changes() -> None:
    spring = second_sunday_of_march(2027)  # March 14: 02:00 becomes 03:00
    assert to_utc(datetime.combine(spring, time(1, 59)), ZONE) == datetime(2027, 3, 14, 9, 59, tzinfo=UTC)
    assert to_utc(datetime.combine(spring, time(2, 30)), ZONE) is None
    assert to_utc(datetime.combine(spring, time(3)), ZONE) == datetime(2027, 3, 14, 10, tzinfo=UTC)
    # November 7: 01:00–02:00 happens twice; the first is meant, and it comes back as the same wall clock.
    first = to_utc(datetime(2027, 11, 7, 1, 30), ZONE)
    assert first == datetime(2027, 11, 7, 8, 30, tzinfo=UTC)
    assert to_local(first, ZONE) == datetime(2027, 11, 7, 1, 30)
    assert to_local(datetime(2027, 11, 7, 9, 30, tzinfo=UTC), ZONE) == datetime(2027, 11, 7, 1, 30)


def test_a_day_starts_at_its_first_real_instant() -> None:
    assert day_start(date(2027, 3, 14), ZONE) == datetime(2027, 3, 14, 8, tzinfo=UTC)
    # Chile moves its clocks at midnight: on September 6, 2026 the day begins at 01:00 (UTC−3).
    assert day_start(date(2026, 9, 6), ZoneInfo("America/Santiago")) == datetime(2026, 9, 6, 4, tzinfo=UTC)


def test_zone_and_duration_words() -> None:
    assert zone_words("America/Los_Angeles", datetime(2027, 7, 1, tzinfo=UTC)) == "America/Los Angeles (PDT, UTC−7 now)"
    assert zone_words("Asia/Kolkata", datetime(2027, 7, 1, tzinfo=UTC)) == "Asia/Kolkata (IST, UTC+5:30 now)"
    assert zone_words("UTC", datetime(2027, 7, 1, tzinfo=UTC)) == "UTC"
    assert [duration_words(m) for m in (45, 120, 135)] == ["45 min", "2 h", "2 h 15 min"]
