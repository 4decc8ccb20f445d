"""Eligibility screenings: record, revise until signed, sign (prescribers), and where a patient stands."""

from __future__ import annotations

from kapdesk.services.work import Work


class ScreeningService:
    def __init__(self, work: Work) -> None:
        self._work = work
