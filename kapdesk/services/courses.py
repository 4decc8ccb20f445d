"""Treatment courses: create from a protocol template, plan and book every session, follow and close them."""

from __future__ import annotations

from kapdesk.services.work import Work


class CourseService:
    def __init__(self, work: Work) -> None:
        self._work = work
