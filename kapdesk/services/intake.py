"""The intake record on the chart: diagnoses, medications, allergies, medical history, vitals."""

from __future__ import annotations

from kapdesk.services.work import Work


class IntakeService:
    def __init__(self, work: Work) -> None:
        self._work = work
