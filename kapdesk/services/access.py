"""Who is signed in at this workstation right now. One per running window or command."""

from __future__ import annotations

import socket

from kapdesk.domain.access import Actor
from kapdesk.domain.errors import NotSignedIn


class Access:
    def __init__(self, workstation: str | None = None) -> None:
        self.workstation = (workstation or socket.gethostname() or "unknown")[:120]
        self._actor: Actor | None = None
        self.locked = False

    @property
    def actor(self) -> Actor:
        """The signed-in, unlocked user; services call this before doing anything for them."""
        if self._actor is None or self.locked:
            raise NotSignedIn()
        return self._actor

    @property
    def current(self) -> Actor | None:
        """Whoever holds the session, locked or not."""
        return self._actor

    def become(self, actor: Actor) -> None:
        self._actor = actor
        self.locked = False

    def clear(self) -> None:
        self._actor = None
        self.locked = False
