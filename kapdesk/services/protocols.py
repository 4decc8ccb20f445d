"""Protocol templates: list, read, and save edits as new versions (admins)."""

from __future__ import annotations

from kapdesk.services.work import Work


class ProtocolService:
    def __init__(self, work: Work) -> None:
        self._work = work
