"""The Courses tab, the new-course dialog and the planner, driven through their widgets on a real clinic."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from kapdesk.domain.access import Actor
from kapdesk.domain.appointments import AppointmentKind, Status
from kapdesk.domain.courses import CourseStatus
from kapdesk.domain.screening import Result
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.clinical.course_planner import PlannerDialog
from kapdesk.ui.clinical.courses_panel import CoursesPanel, courses_tab
from kapdesk.ui.patients.chart import PatientChart
from tests.course_world import CourseWorld, course_world, new_course
from tests.helpers import PASSWORD
from tests.schedule_world import MONDAY, ZONE

ELIGIBLE, NOT_SCREENED, NOT_ELIGIBLE = 0, 1, 2


@pytest.fixture
def cw(sqlite_clinic: Clinic) -> CourseWorld:
    return course_world(sqlite_clinic, {ELIGIBLE: Result.ELIGIBLE, NOT_ELIGIBLE: Result.NOT_ELIGIBLE})


@pytest.fixture
def bus() -> ChangeBus:
    return ChangeBus()


@pytest.fixture
def open_panel(qtbot, sqlite_clinic: Clinic, bus: ChangeBus, settings: QSettings):  # type: ignore[no-untyped-def]
    """The tab for a patient, as whoever is signed in now, shown."""

    def make(patient_id: int) -> CoursesPanel:
        panel = CoursesPanel(sqlite_clinic, patient_id, sqlite_clinic.access.actor, bus, settings)
        qtbot.addWidget(panel)
        panel.resize(1100, 760)
        panel.show()
        qtbot.waitExposed(panel)
        return panel

    return make


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wall(instant: datetime) -> datetime:
    return instant.astimezone(ZONE)


def planner(panel: CoursesPanel) -> PlannerDialog:
    dialog = panel.plan_selected()
    assert dialog is not None
    return dialog


# -- creating -------------------------------------------------------------------------------------------


def test_a_course_is_created_by_filling_in_the_dialog(qtbot, sqlite_clinic, cw, open_panel) -> None:
    panel = open_panel(cw.patient(ELIGIBLE))
    assert panel.list.count() == 0 and panel.empty.isVisible()
    dialog = panel.new_course()
    click(qtbot, dialog.create_button)  # no protocol is picked for the clinician: it has to be chosen
    assert dialog.isVisible() and dialog.fields.slots["template"].has_error
    assert sqlite_clinic.courses.for_patient(cw.patient(ELIGIBLE)) == []
    template = cw.templates["im-kap"]
    dialog.template.setCurrentIndex(dialog.template.findData(template.id))
    assert (dialog.doses.minimum(), dialog.doses.maximum(), dialog.doses.value()) == (3, 6, 3)
    assert dialog.prescriber.currentData() == cw.prescriber  # the signed-in prescriber, offered first
    assert [dialog.therapist.itemData(i) for i in range(dialog.therapist.count())] == [cw.therapist]
    dialog.doses.setValue(4)
    qtbot.keyClicks(dialog.goals, "Sleep through the night")
    qtbot.keyClicks(dialog.intentions, "Curiosity")

    dialog.start_on.setDate(QDate(2026, 11, 20))  # yesterday: refused at the field, nothing saved
    click(qtbot, dialog.create_button)
    assert dialog.isVisible()
    assert dialog.fields.slots["start_on"].has_error
    assert "today or within the next year" in dialog.fields.slots["start_on"].error.text()
    assert sqlite_clinic.courses.for_patient(cw.patient(ELIGIBLE)) == []

    dialog.start_on.setDate(QDate(2026, 11, 23))
    click(qtbot, dialog.create_button)
    assert not dialog.isVisible()
    [view] = sqlite_clinic.courses.for_patient(cw.patient(ELIGIBLE))
    course = view.course
    assert (course.template_id, course.doses, course.start_on, course.status) == (
        template.id,
        4,
        MONDAY,
        CourseStatus.DRAFT,
    )
    assert (course.goals, course.intentions, course.therapist_id) == (
        "Sleep through the night",
        "Curiosity",
        cw.therapist,
    )
    assert panel.list.count() == 1
    assert panel.details.title.text() == "IM ketamine-assisted psychotherapy (v1)"
    assert panel.details.chip.text() == "Draft"
    assert panel.details.due.text() == "Plan the course: no session is booked yet."
    assert len(panel.details.timeline.tree.rows()) == 2 + 4 * 2  # two preparations, four doses with integrations
    assert panel.plan_button.isEnabled() and not panel.complete_button.isEnabled()


def test_without_a_screening_the_refusal_is_shown_on_top(qtbot, sqlite_clinic, cw, open_panel) -> None:
    panel = open_panel(cw.patient(NOT_SCREENED))
    dialog = panel.new_course()
    assert dialog.screening.isVisibleTo(dialog)  # said before anything is chosen
    assert dialog.screening.text().startswith("No screening")
    dialog.template.setCurrentIndex(dialog.template.findData(cw.templates["iv-induction"].id))
    click(qtbot, dialog.create_button)
    assert dialog.isVisible()
    assert dialog.screening.isVisibleTo(dialog)
    assert "A current signed screening is needed" in dialog.screening.text()
    assert not dialog.override_asked  # no override can stand in for a missing screening
    assert sqlite_clinic.courses.for_patient(cw.patient(NOT_SCREENED)) == []


def test_a_not_eligible_patient_needs_a_prescribers_override(qtbot, sqlite_clinic, cw, open_panel) -> None:
    sqlite_clinic.auth.sign_in("therapist", PASSWORD)
    panel = open_panel(cw.patient(NOT_ELIGIBLE))
    dialog = panel.new_course()
    dialog.template.setCurrentIndex(dialog.template.findData(cw.templates["iv-induction"].id))
    assert not dialog.override.isVisibleTo(dialog)
    click(qtbot, dialog.create_button)
    assert dialog.override_asked and dialog.override.isVisibleTo(dialog)
    assert not dialog.override.isEnabled()  # a therapist can't give one
    assert "a prescriber must record an override" in dialog.override_slot.error.text()
    assert sqlite_clinic.courses.for_patient(cw.patient(NOT_ELIGIBLE)) == []
    dialog.close()

    sqlite_clinic.auth.sign_in("prescriber", PASSWORD)
    panel = open_panel(cw.patient(NOT_ELIGIBLE))
    dialog = panel.new_course()
    dialog.template.setCurrentIndex(dialog.template.findData(cw.templates["iv-induction"].id))
    click(qtbot, dialog.create_button)
    assert dialog.override.isVisibleTo(dialog) and dialog.override.isEnabled()
    assert dialog.fields.slots["override"].has_error
    qtbot.keyClicks(dialog.override, "Psychosis history was a single drug-induced episode in 1998")
    click(qtbot, dialog.create_button)
    assert not dialog.isVisible()
    [view] = sqlite_clinic.courses.for_patient(cw.patient(NOT_ELIGIBLE))
    assert view.course.override_reason == "Psychosis history was a single drug-induced episode in 1998"
    assert panel.details.override.isVisibleTo(panel)
    assert "Prescriber" in panel.details.override.text() and "1998" in panel.details.override.text()


# -- planning and booking -------------------------------------------------------------------------------


def test_the_planner_proposes_every_session_without_problems(qtbot, sqlite_clinic, cw, open_panel) -> None:
    new_course(sqlite_clinic, cw)
    dialog = planner(open_panel(cw.patient(ELIGIBLE)))
    assert dialog.table.rowCount() == 13
    assert all(s.starts_at is not None and s.room_id is not None for s in dialog.sessions)
    assert [dialog.problem_text(s.key.label) for s in dialog.sessions] == [""] * 13
    assert dialog.summary.text() == "13 sessions over 3 weeks, first Mon Nov 23"
    first = dialog.time_editor("Preparation 1").dateTime()
    start = wall(dialog.sessions[0].starts_at)
    assert (first.date().toPython(), first.time().hour()) == (start.date(), start.hour)  # the clinic's wall clock


def test_moving_a_dose_later_takes_its_integration_along(qtbot, sqlite_clinic, cw, open_panel) -> None:
    new_course(sqlite_clinic, cw)
    dialog = planner(open_panel(cw.patient(ELIGIBLE)))
    dose = dialog.sessions[dialog.row_of("Dose 2")].starts_at
    after = dialog.sessions[dialog.row_of("Integration after dose 2")].starts_at
    others = {s.key: s.starts_at for s in dialog.sessions if "2" not in s.key.label}

    dialog.set_wall_time("Dose 2", wall(dose) + timedelta(hours=2))

    assert dialog.sessions[dialog.row_of("Dose 2")].starts_at == dose + timedelta(hours=2)
    assert dialog.sessions[dialog.row_of("Integration after dose 2")].starts_at == after + timedelta(hours=2)
    shown = dialog.time_editor("Integration after dose 2").dateTime()
    assert shown.time().hour() == wall(after + timedelta(hours=2)).hour
    assert {s.key: s.starts_at for s in dialog.sessions if "2" not in s.key.label} == others
    assert dialog.problem_text("Dose 2") == "" and dialog.problem_text("Integration after dose 2") == ""
    assert "integration after dose 2 went with it" in dialog.moved.text()


def test_a_dose_too_close_to_the_last_shows_the_problem_and_nothing_is_booked(
    qtbot, sqlite_clinic, cw, open_panel
) -> None:
    new_course(sqlite_clinic, cw)
    panel = open_panel(cw.patient(ELIGIBLE))
    dialog = planner(panel)
    dose1 = dialog.sessions[dialog.row_of("Dose 1")].starts_at
    dialog.set_wall_time("Dose 2", wall(dose1) + timedelta(hours=24))  # IV induction needs 36 h between doses
    assert "Only 24 h after dose 1" in dialog.problem_text("Dose 2")

    click(qtbot, dialog.book_button)
    assert dialog.isVisible()
    assert "Nothing was booked" in dialog.message.text()
    assert "Only 24 h after dose 1" in dialog.problem_text("Dose 2")
    assert sqlite_clinic.calendar.for_patient(cw.patient(ELIGIBLE)) == []
    assert sqlite_clinic.courses.for_patient(cw.patient(ELIGIBLE))[0].course.status is CourseStatus.DRAFT


def test_book_all_books_every_session_and_the_timeline_shows_them(qtbot, sqlite_clinic, cw, open_panel) -> None:
    new_course(sqlite_clinic, cw)
    panel = open_panel(cw.patient(ELIGIBLE))
    dialog = planner(panel)
    proposed = sorted(s.starts_at for s in dialog.sessions)
    click(qtbot, dialog.book_button)

    assert not dialog.isVisible()
    appointments = sqlite_clinic.calendar.for_patient(cw.patient(ELIGIBLE))
    assert sorted(a.starts_at for a in appointments) == proposed
    assert {a.status for a in appointments} == {Status.SCHEDULED}
    rows = panel.details.timeline.tree.rows()
    assert len(rows) == 13 and {state for _label, _when, state in rows} == {"Booked"}
    assert rows[0] == ("Preparation 1", "Mon Nov 23 08:00", "Booked")
    assert panel.details.due.text() == "Preparation 1 — Mon Nov 23 08:00"
    assert panel.details.chip.text() == "Active"
    assert not panel.plan_button.isEnabled()  # nothing left to book


def test_a_cancelled_appointment_elsewhere_shows_as_planned_again(qtbot, sqlite_clinic, cw, open_panel, bus) -> None:
    view = new_course(sqlite_clinic, cw)
    plan = sqlite_clinic.courses.propose(view.course.id)
    sqlite_clinic.courses.book_plan(view.course.id, view.course.version, plan.sessions)
    panel = open_panel(cw.patient(ELIGIBLE))
    dose = min(
        (a for a in sqlite_clinic.calendar.for_patient(cw.patient(ELIGIBLE)) if a.kind is AppointmentKind.DOSING),
        key=lambda a: a.starts_at,
    )
    assert not panel.plan_button.isEnabled()

    bus.publish(sqlite_clinic.booking.cancel(dose.id, dose.version, "Patient unwell").changes)

    assert ("Dose 1", "cancelled (was Tue Nov 24 08:00)", "Planned") in panel.details.timeline.tree.rows()
    assert panel.plan_button.isEnabled()


# -- closing --------------------------------------------------------------------------------------------


def test_discontinuing_asks_a_reason_and_cancels_what_is_booked_ahead(qtbot, sqlite_clinic, cw, open_panel) -> None:
    view = new_course(sqlite_clinic, cw)
    plan = sqlite_clinic.courses.propose(view.course.id)
    sqlite_clinic.courses.book_plan(view.course.id, view.course.version, plan.sessions)
    panel = open_panel(cw.patient(ELIGIBLE))
    dialog = panel.discontinue_selected()
    assert "The 13 booked sessions still to come will be cancelled" in dialog.consequence.text()

    click(qtbot, dialog.ok_button)  # no reason
    assert dialog.isVisible() and dialog.reason_slot.has_error
    assert {a.status for a in sqlite_clinic.calendar.for_patient(cw.patient(ELIGIBLE))} == {Status.SCHEDULED}

    qtbot.keyClicks(dialog.reason, "Moved out of state")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    appointments = sqlite_clinic.calendar.for_patient(cw.patient(ELIGIBLE))
    assert len(appointments) == 13 and {a.status for a in appointments} == {Status.CANCELLED}
    assert panel.details.chip.text() == "Discontinued"
    assert "Discontinued: Moved out of state" in panel.details.facts.text()
    assert {state for _l, _w, state in panel.details.timeline.tree.rows()} == {"Planned"}
    assert not (panel.plan_button.isEnabled() or panel.discontinue_button.isEnabled())


def test_completing_an_active_course(qtbot, sqlite_clinic, cw, open_panel, monkeypatch) -> None:
    view = new_course(sqlite_clinic, cw)
    plan = sqlite_clinic.courses.propose(view.course.id)
    sqlite_clinic.courses.book_plan(view.course.id, view.course.version, plan.sessions)
    panel = open_panel(cw.patient(ELIGIBLE))
    asked: list[str] = []

    def answer(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert panel.complete_selected()
    assert "Not marked done: preparation 1" in asked[0]
    assert sqlite_clinic.courses.get(view.course.id).course.status is CourseStatus.COMPLETED
    assert panel.details.chip.text() == "Completed"


# -- goals, and who sees the tab ------------------------------------------------------------------------


def test_goals_are_saved_and_typed_text_survives_a_reload(qtbot, sqlite_clinic, cw, open_panel) -> None:
    view = new_course(sqlite_clinic, cw)
    panel = open_panel(cw.patient(ELIGIBLE))
    assert not panel.details.save_button.isEnabled()
    qtbot.keyClicks(panel.details.goals, "Fewer panic attacks")
    panel.reload()  # e.g. someone booked an appointment: the typed text stays
    assert panel.details.goals.toPlainText() == "Fewer panic attacks"
    click(qtbot, panel.details.save_button)
    assert sqlite_clinic.courses.get(view.course.id).course.goals == "Fewer panic attacks"
    assert not panel.details.save_button.isEnabled()

    other = sqlite_clinic.courses.get(view.course.id).course
    sqlite_clinic.courses.update(other.id, other.version, "Changed on another PC", "")
    qtbot.keyClicks(panel.details.goals, " and sleep")
    click(qtbot, panel.details.save_button)
    assert "another computer" in panel.details.message.text()
    assert sqlite_clinic.courses.get(view.course.id).course.goals == "Changed on another PC"
    assert panel.details.goals.toPlainText() == "Fewer panic attacks and sleep"


def test_only_clinical_staff_get_the_tab(sqlite_clinic, bus, settings) -> None:
    tab = courses_tab(sqlite_clinic, bus, settings)
    person = Actor(1, "someone", "Someone", frozenset(), "pc")
    assert tab.title == "&Courses"
    assert tab.allowed(Actor(1, "t", "T", frozenset({Role.THERAPIST}), "pc"))
    assert not tab.allowed(Actor(1, "f", "F", frozenset({Role.FRONT_DESK}), "pc"))
    assert not tab.allowed(person)


def test_closing_the_chart_with_unsaved_goals_asks_first(qtbot, sqlite_clinic, cw, bus, settings, monkeypatch) -> None:
    view = new_course(sqlite_clinic, cw)
    actor = sqlite_clinic.access.actor
    chart = PatientChart(
        sqlite_clinic.patients, bus, settings, cw.patient(ELIGIBLE), None, actor=actor,
        tabs=[courses_tab(sqlite_clinic, bus, settings)],
    )  # fmt: skip
    qtbot.addWidget(chart)
    chart.show()
    panel = chart.extra_tabs["Courses"]
    chart.tabs.setCurrentWidget(panel)
    qtbot.keyClicks(panel.details.goals, "Walk every morning")
    asked: list[str] = []
    reply = QMessageBox.StandardButton.Cancel

    def answer(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return reply

    monkeypatch.setattr(QMessageBox, "question", answer)
    chart.close()
    assert chart.isVisible() and asked == [f"Goals or intentions typed for {view.course.label}: not saved."]
    reply = QMessageBox.StandardButton.Discard
    chart.close()
    assert not chart.isVisible()
    assert sqlite_clinic.courses.get(view.course.id).course.goals == ""


def test_a_chart_closed_for_the_next_user_does_not_ask(qtbot, sqlite_clinic, cw, bus, settings, monkeypatch) -> None:
    new_course(sqlite_clinic, cw)
    chart = PatientChart(
        sqlite_clinic.patients, bus, settings, cw.patient(ELIGIBLE), None, actor=sqlite_clinic.access.actor,
        tabs=[courses_tab(sqlite_clinic, bus, settings)],
    )  # fmt: skip
    qtbot.addWidget(chart)
    chart.show()
    chart.tabs.setCurrentWidget(panel := chart.extra_tabs["Courses"])
    qtbot.keyClicks(panel.details.goals, "Walk every morning")
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: pytest.fail("a session change must not ask"))
    chart.close_without_asking()
    assert not chart.isVisible()
