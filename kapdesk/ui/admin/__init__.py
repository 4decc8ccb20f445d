"""The Admin area: audit trail, staff accounts, clinic profile and settings."""

from kapdesk.ui.admin.area import AdminArea, attach_admin, may_administer

__all__ = ["AdminArea", "attach_admin", "may_administer"]
