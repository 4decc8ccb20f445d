"""Who is acting: the signed-in staff member at a workstation, or an admin's command line."""

from __future__ import annotations

from dataclasses import dataclass

from kapdesk.domain.permissions import Permission, allows
from kapdesk.domain.staff import Role


@dataclass(frozen=True)
class Actor:
    user_id: int | None  # None for the command line and for set-up, which act before any account exists
    username: str
    full_name: str
    roles: frozenset[Role]
    workstation: str

    def may(self, permission: Permission) -> bool:
        return allows(self.roles, permission)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


def command_line_actor(os_user: str, workstation: str) -> Actor:
    """Someone at the command line holds the database and its key, which is an admin's power already."""
    return Actor(None, f"cli:{os_user}", "Command line", frozenset({Role.ADMIN}), workstation)
