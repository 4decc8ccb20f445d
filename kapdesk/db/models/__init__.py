"""Every model module, imported so Base.metadata is complete for migrations and tests."""

from kapdesk.db.models.patient import Patient
from kapdesk.db.models.room import Room
from kapdesk.db.models.staff import User, UserRole

__all__ = ["Patient", "Room", "User", "UserRole"]
