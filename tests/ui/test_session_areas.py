"""What each person sees: areas by role, their name in the status bar, and the Session menu."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.ui.main_window import NO_AREAS_TEXT, MainWindow
from kapdesk.ui.session.controller import SessionController
from tests.helpers import ADMIN, add_user
from tests.ui.session_steps import registry, sign_in


def shown_areas(window: MainWindow) -> list[str]:
    return [window.nav.item(r).text() for r in range(window.nav.count()) if not window.nav.item(r).isHidden()]


def shown_menus(window: MainWindow) -> list[str]:
    return [a.text() for a in window.menuBar().actions() if a.isVisible()]


def test_front_desk_never_sees_the_admin_area_and_each_sign_in_decides_again(  # type: ignore[no-untyped-def]
    qtbot, session: SessionController, sqlite_clinic: Clinic
) -> None:
    add_user(sqlite_clinic, "kim", Role.FRONT_DESK)
    window = session.window
    sign_in(qtbot, session, ADMIN)
    assert shown_areas(window) == ["Patients", "Schedule", "Admin"]
    window.show_area("Admin")
    assert window.pages.currentIndex() == 3  # the admin leaves the Admin area open

    session.switch_action.trigger()
    sign_in(qtbot, session, "kim")
    assert shown_areas(window) == ["Patients", "Schedule"]
    assert shown_menus(window) == ["&File", "&Session", "&Patients", "&Schedule", "&Help"]
    assert window.pages.currentIndex() == 1  # off the admin page the previous user left open
    admin_goto = next(a for a in window.actions() if a.text() == "Admin")
    assert not admin_goto.isEnabled()  # Ctrl+2 leads nowhere
    window.show_area("Admin")
    assert window.pages.currentIndex() == 1
    assert window.user_label.text() == "Kim (Front desk)"

    session.switch_action.trigger()
    sign_in(qtbot, session, ADMIN)
    assert shown_areas(window) == ["Patients", "Schedule", "Admin"] and admin_goto.isEnabled()
    assert window.user_label.text() == "Ada Admin (Admin)"


def test_an_account_with_no_area_is_told_so(qtbot, session: SessionController) -> None:  # type: ignore[no-untyped-def]
    sign_in(qtbot, session, ADMIN)
    window = session.window
    for area in ("Patients", "Schedule", "Admin"):
        window.set_area_visible(area, False)
    assert window.pages.currentWidget() is window.loading and window.loading.text() == NO_AREAS_TEXT
    assert shown_menus(window) == ["&File", "&Session", "&Help"]


def test_the_session_menu_offers_lock_switch_password_and_sign_out(qtbot, session: SessionController) -> None:  # type: ignore[no-untyped-def]
    window = session.window
    assert not window.session_menu.menuAction().isVisible()  # nobody to lock yet
    sign_in(qtbot, session, ADMIN)
    actions = [a for a in window.session_menu.actions() if not a.isSeparator()]
    assert [a.text() for a in actions] == ["&Lock now", "S&witch user…", "&Change password…", "Sign &out"]
    assert session.lock_action.shortcut() == QKeySequence("Ctrl+L")
    assert all(a.isEnabled() for a in actions)
    session.lock_action.trigger()
    assert session.locked and not any(a.isEnabled() for a in actions)


def test_the_chart_has_a_notes_tab_only_for_clinical_staff(
    qtbot, session: SessionController, sqlite_clinic: Clinic
) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from kapdesk.domain.patients import PatientDraft

    patient = sqlite_clinic.patients.create(
        PatientDraft(first_name="Nola", last_name="Tabb", date_of_birth=date(1980, 2, 2))
    ).value
    add_user(sqlite_clinic, "kim", Role.FRONT_DESK)
    add_user(sqlite_clinic, "theo", Role.THERAPIST)
    sign_in(qtbot, session, "theo")
    chart = registry(session).open_chart(patient.id)
    tabs = [chart.tabs.tabText(i) for i in range(chart.tabs.count())]
    assert tabs[:3] == ["Overview", "&Notes", "&Appointments"] and chart.notes is not None
    assert {"&Intake", "&Screening", "&Courses"} <= set(tabs)  # the clinical record

    session.switch_action.trigger()
    sign_in(qtbot, session, "kim")
    chart = registry(session).open_chart(patient.id)
    tabs = [chart.tabs.tabText(i) for i in range(chart.tabs.count())]
    assert (
        tabs == ["Overview", "&Appointments", "D&ocuments"] and chart.notes is None
    )  # the schedule, never clinical notes
