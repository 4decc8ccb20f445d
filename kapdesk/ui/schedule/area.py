"""The Schedule area as the main window shows it: the calendar screen and its menu."""

from __future__ import annotations

from kapdesk.domain.permissions import Permission
from kapdesk.services.clinic import Clinic
from kapdesk.services.schedule_feed import ScheduleFeed
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.schedule.screen import ScheduleScreen
from kapdesk.ui.schedule.watcher import ScheduleWatcher

TITLE = "Schedule"


def attach_schedule(window: MainWindow, clinic: Clinic, bus: ChangeBus) -> ScheduleScreen:
    screen = ScheduleScreen(clinic, bus, window.settings)
    window.add_area(
        TITLE,
        screen,
        [
            screen.new_action,
            screen.today_action,
            None,
            screen.call_list_action,
            screen.preparation_action,
            screen.export_action,
        ],
        allowed=lambda actor: actor.may(Permission.VIEW_SCHEDULE),
    )
    screen.new_action.triggered.connect(lambda: window.show_area(TITLE))
    window.draft_handlers["appointment"] = screen.resume_draft
    # Server mode: another PC's booking reloads this calendar (an empty set after a reconnect means "reload").
    watcher = ScheduleWatcher(ScheduleFeed(clinic.database), parent=window)
    watcher.changed.connect(screen.refresh_from_elsewhere)
    watcher.start()
    return screen
