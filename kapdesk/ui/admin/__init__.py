"""The Admin area: audit trail, staff accounts, clinic profile and settings."""

from kapdesk.ui.admin.area import AdminArea, attach_admin

__all__ = ["AdminArea", "attach_admin"]
