"""The Admin area's schedule set-up page: rooms, appointment types, clinic hours, clinicians' hours."""

from kapdesk.ui.admin.schedule_setup.page import ScheduleSetupPage

__all__ = ["ScheduleSetupPage"]
