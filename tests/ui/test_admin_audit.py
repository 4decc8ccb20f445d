"""The audit trail screen as a clinic admin uses it: filter, sort, page, export, verify. Real widgets, real SQLite."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, QSettings, Qt, QThreadPool
from PySide6.QtWidgets import QFileDialog, QHeaderView

from kapdesk.db.base import utcnow
from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.ui.admin import AdminArea, attach_admin
from kapdesk.ui.admin import audit_screen as audit_screen_module
from kapdesk.ui.admin.audit_model import COLUMNS
from kapdesk.ui.admin.audit_screen import AuditTrailScreen
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.main_window import MainWindow
from tests.helpers import ADMIN, add_user, sign_in_as

USER, ACTION, PATIENT = (
    next(i for i, (_, key) in enumerate(COLUMNS) if key == k) for k in ("user", "action", "patient")
)
NUMBER = 0
TIME = 1


@contextmanager
def clock_at(clinic: Clinic, when: datetime) -> Iterator[None]:
    """Record events as if at `when`. The services share one unit of work whose clock is injected when the
    clinic is opened (Work(clock=...)); this sets that same clock, it does not replace any service."""
    work = clinic.patients._work  # the Work every service of this clinic shares
    work.clock = lambda: when
    try:
        yield
    finally:
        work.clock = utcnow


@pytest.fixture
def trail(sqlite_clinic: Clinic) -> Clinic:
    """Two patients registered by the admin on Jan 15; a therapist opens one late on Jan 16 (clinic time,
    Los Angeles), which is already Jan 17 in UTC. Set-up and everything after happen now, years later."""
    with clock_at(sqlite_clinic, datetime(2024, 1, 15, 17, 0, tzinfo=UTC)):
        first = sqlite_clinic.patients.create(
            PatientDraft(first_name="Ana", last_name="Ortiz", date_of_birth=date(1980, 1, 1))
        ).value
        sqlite_clinic.patients.create(PatientDraft(first_name="Ben", last_name="Cole", date_of_birth=date(1975, 5, 5)))
        sign_in_as(sqlite_clinic, "jlee", Role.THERAPIST)
    with clock_at(sqlite_clinic, datetime(2024, 1, 17, 7, 30, tzinfo=UTC)):  # 11:30 pm on Jan 16 in Portland
        sqlite_clinic.patients.get(first.id)
    sign_in_as(sqlite_clinic, ADMIN)
    return sqlite_clinic


@pytest.fixture
def area(qtbot, settings: QSettings, trail: Clinic) -> AdminArea:  # type: ignore[no-untyped-def]
    window = MainWindow(settings, trail.description)
    qtbot.addWidget(window)
    admin = attach_admin(window, trail, ChangeBus(window))
    window.show()
    qtbot.waitExposed(window)
    assert admin.currentWidget() is admin.audit
    return admin


@pytest.fixture
def screen(area: AdminArea) -> AuditTrailScreen:
    return area.audit


def shown(screen: AuditTrailScreen, *columns: int) -> list[tuple[str, ...]]:
    model = screen.model
    return [tuple(model.index(r, c).data() for c in columns) for r in range(model.rowCount())]


def column(screen: AuditTrailScreen, index: int) -> list[str]:
    return screen.model.column_values(index)


def click_header(qtbot, screen: AuditTrailScreen, section: int) -> None:  # type: ignore[no-untyped-def]
    header: QHeaderView = screen.table.horizontalHeader()
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def choose(combo, text: str) -> None:  # type: ignore[no-untyped-def]
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(index)


def audit_views(database: Path) -> int:
    with sqlite3.connect(database) as raw:
        return raw.execute("SELECT count(*) FROM audit_events WHERE action = 'view' AND category = 'audit'").fetchone()[
            0
        ]


def test_opening_lists_newest_events_first_with_times_in_the_clinic_zone(screen: AuditTrailScreen) -> None:
    numbers = [int(n) for n in column(screen, NUMBER)]
    assert numbers == sorted(numbers, reverse=True)
    assert numbers[-1] == 1
    assert "times in America/Los_Angeles" in screen.status.text()
    therapist_view = next(row for row in shown(screen, USER, ACTION, TIME) if row[:2] == ("jlee", "View"))
    assert therapist_view[2] == "01/16/2024 23:30:00"  # stored as 07:30 UTC on Jan 17


def test_filter_by_user_shows_only_that_users_events(qtbot, screen: AuditTrailScreen) -> None:  # type: ignore[no-untyped-def]
    choose(screen.filters.user, "jlee (Jlee)")
    qtbot.mouseClick(screen.filters.apply_button, Qt.MouseButton.LeftButton)
    assert shown(screen, USER, ACTION, PATIENT) == [("jlee", "View", "KD-000001"), ("jlee", "Sign in", "")]
    assert screen.status.text().startswith("2 of 2 events")


def test_filter_by_action_and_by_patient(qtbot, screen: AuditTrailScreen) -> None:  # type: ignore[no-untyped-def]
    choose(screen.filters.action, "Create")
    screen.filters.apply_button.click()
    assert shown(screen, USER, ACTION, PATIENT) == [("admin", "Create", "KD-000002"), ("admin", "Create", "KD-000001")]

    choose(screen.filters.action, "Any action")
    qtbot.keyClicks(screen.filters.patient, "KD-000001")
    qtbot.keyClick(screen.filters.patient, Qt.Key.Key_Return)
    assert shown(screen, USER, ACTION, PATIENT) == [("jlee", "View", "KD-000001"), ("admin", "Create", "KD-000001")]

    screen.filters.reset_button.click()
    assert screen.filters.patient.text() == ""
    assert screen.model.rowCount() > 4


def test_date_range_uses_the_clinics_calendar_days(screen: AuditTrailScreen) -> None:
    filters = screen.filters
    filters.use_start.setChecked(True)
    filters.use_end.setChecked(True)
    filters.start.setDate(QDate(2024, 1, 16))
    filters.end.setDate(QDate(2024, 1, 16))
    filters.apply_button.click()
    # 07:30 UTC on Jan 17 is Jan 16 at the clinic; counting UTC days would miss it.
    assert shown(screen, USER, ACTION, TIME) == [("jlee", "View", "01/16/2024 23:30:00")]

    filters.start.setDate(QDate(2024, 1, 15))
    filters.end.setDate(QDate(2024, 1, 15))
    filters.apply_button.click()
    assert shown(screen, USER, ACTION) == [("jlee", "Sign in"), ("admin", "User add"), ("admin", "Create"),
                                           ("admin", "Create")]  # fmt: skip

    filters.use_end.setChecked(False)  # from Jan 16 on, open-ended: the view, then everything done today
    filters.start.setDate(QDate(2024, 1, 16))
    filters.apply_button.click()
    assert ("jlee", "View") in shown(screen, USER, ACTION)
    assert ("admin", "Create") not in shown(screen, USER, ACTION)


def test_a_bad_filter_is_explained_under_its_field_and_keeps_the_list(screen: AuditTrailScreen) -> None:
    before = column(screen, NUMBER)
    screen.filters.patient.setText("smith")
    screen.filters.use_start.setChecked(True)
    screen.filters.use_end.setChecked(True)
    screen.filters.start.setDate(QDate(2024, 1, 16))
    screen.filters.end.setDate(QDate(2024, 1, 1))
    screen.filters.apply_button.click()
    patient, end = screen.filters.slots["patient"], screen.filters.slots["end"]
    assert patient.has_error and "chart number such as KD-000123" in patient.error.text()
    assert end.has_error and end.error.text() == "End date is before the start date."
    assert not screen.filters.slots["user"].has_error
    assert column(screen, NUMBER) == before

    screen.filters.patient.setText("KD-000002")
    screen.filters.start.setDate(QDate(2024, 1, 15))
    screen.filters.end.setDate(QDate(2024, 1, 15))
    screen.filters.apply_button.click()
    assert not patient.has_error and not end.has_error
    assert shown(screen, ACTION, PATIENT) == [("Create", "KD-000002")]


def test_typing_in_the_filters_queries_nothing_until_apply(qtbot, screen: AuditTrailScreen, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    database = tmp_path / "kapdesk.sqlite3"
    listed = audit_views(database)
    qtbot.keyClicks(screen.filters.patient, "KD-00000")
    choose(screen.filters.action, "View")
    screen.filters.use_start.setChecked(True)
    assert audit_views(database) == listed
    screen.filters.apply_button.click()
    assert audit_views(database) == listed + 1


def test_clicking_any_header_sorts_the_whole_trail_on_the_server(
    qtbot, screen: AuditTrailScreen, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(audit_screen_module, "PAGE_SIZE", 3)
    screen.apply_filters()
    assert len(column(screen, NUMBER)) == 3

    click_header(qtbot, screen, USER)
    assert column(screen, USER) == ["admin", "admin", "admin"]
    click_header(qtbot, screen, USER)
    # "setup" wrote only event 1: sorting the loaded page of newest events could never bring it to the top.
    assert column(screen, USER)[0] == "setup"
    assert column(screen, USER)[1:] == ["jlee", "jlee"]

    click_header(qtbot, screen, NUMBER)  # the first click on No. or Time shows the newest first
    newest = [int(n) for n in column(screen, NUMBER)]
    assert newest == sorted(newest, reverse=True) and newest[0] > 10
    click_header(qtbot, screen, NUMBER)
    assert [int(n) for n in column(screen, NUMBER)] == [1, 2, 3]
    click_header(qtbot, screen, PATIENT)
    click_header(qtbot, screen, PATIENT)
    assert column(screen, PATIENT) == ["KD-000002", "KD-000001", "KD-000001"]


def test_load_more_pages_through_without_repeats(qtbot, screen: AuditTrailScreen, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(audit_screen_module, "PAGE_SIZE", 4)
    screen.apply_filters()
    first = [int(n) for n in column(screen, NUMBER)]
    total = int(screen.status.text().split(" of ")[1].split()[0])
    assert screen.status.text().startswith(f"4 of {total} events")
    pages = 1
    while screen.load_more_button.isEnabled():
        qtbot.mouseClick(screen.load_more_button, Qt.MouseButton.LeftButton)
        pages += 1
        assert pages < 20, "Load more never ran out"
    numbers = [int(n) for n in column(screen, NUMBER)]
    # Every listing is itself audited, so newer events push later pages down a row; rows already shown are
    # not listed twice, and nothing that was there when the list was opened is skipped.
    assert numbers == sorted(set(numbers), reverse=True)
    assert numbers[:4] == first
    assert set(range(1, first[0] + 1)) <= set(numbers)
    assert screen.status.text().startswith(f"{len(numbers)} of ")


def test_export_writes_every_event_matching_the_applied_filter(
    qtbot, screen: AuditTrailScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "exports" / "jlee-trail"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), "CSV files (*.csv)"))
    choose(screen.filters.user, "jlee (Jlee)")
    screen.filters.apply_button.click()
    shown_numbers = sorted(int(n) for n in column(screen, NUMBER))
    choose(screen.filters.user, "Anyone")  # typed but not applied: the export follows what is on screen

    screen.export_button.click()
    assert not screen.export_button.isEnabled()  # running off the UI thread
    qtbot.waitUntil(lambda: screen.export_button.isEnabled(), timeout=10_000)
    assert screen.message.text() == f"Exported 2 events to {target.with_suffix('.csv')}"
    with target.with_suffix(".csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["sequence"]) for r in rows] == shown_numbers
    assert {r["user"] for r in rows} == {"jlee"}
    assert [r["action"] for r in rows] == ["sign_in", "view"]


def test_export_cancelled_writes_nothing(screen: AuditTrailScreen, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: ("", ""))
    screen.export_button.click()
    assert screen.export_task is None
    assert not list(tmp_path.rglob("*.csv"))


def test_verify_shows_intact_then_names_the_altered_event(qtbot, screen: AuditTrailScreen, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.verify_button.isEnabled(), timeout=10_000)
    assert screen.verify_result.isVisible()
    assert screen.verify_result.text().startswith("✔ Audit chain intact")
    assert "#1b5e20" in screen.verify_result.styleSheet()

    # Someone with the database file edits an event behind kapdesk's back.
    with sqlite3.connect(tmp_path / "kapdesk.sqlite3") as raw:
        raw.execute("DROP TRIGGER audit_events_no_update")
        raw.execute("UPDATE audit_events SET summary = 'nothing to see' WHERE id = 4")
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.verify_button.isEnabled(), timeout=10_000)
    text = screen.verify_result.text()
    assert text.startswith("✘ Audit chain BROKEN at event 4:")
    assert "Event 4 does not match its seal" in text
    assert "3 events before it verified" in text
    assert "#b71c1c" in screen.verify_result.styleSheet()


def test_signing_out_drops_the_trail_and_the_next_admin_reads_it_afresh(  # type: ignore[no-untyped-def]
    qtbot, area: AdminArea, trail: Clinic
) -> None:
    screen = area.audit
    assert screen.model.rowCount() > 0
    screen.verify()  # still running when the admin walks away
    trail.auth.sign_out()
    area.session_ended()
    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(50)  # let a late result arrive, if it were going to be shown
    assert screen.model.rowCount() == 0
    assert not screen.verify_result.isVisible()  # the previous admin's result is not shown to the next user
    assert screen.filters.user.count() == 1
    assert screen.status.text() == ""

    add_user(trail, "bob", Role.ADMIN)
    sign_in_as(trail, "bob")
    area.session_started(trail.access.actor)
    assert column(screen, USER)[0] == "bob"  # read again at once: this tab is in view
    assert "bob (Bob)" in [screen.filters.user.itemText(i) for i in range(screen.filters.user.count())]
