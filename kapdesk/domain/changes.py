"""What a service call changed, so each view can decide whether to refresh."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    patients: frozenset[int] = frozenset()
    appointments: frozenset[int] = frozenset()
    schedule_setup: bool = False  # rooms, hours, types or time off changed
    clinical: frozenset[int] = frozenset()  # patients whose intake, screenings or courses changed
    protocols: bool = False  # protocol templates changed
    documents: frozenset[int] = frozenset()  # patients whose consent forms or handouts changed
    document_templates: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            patients=self.patients | other.patients,
            appointments=self.appointments | other.appointments,
            schedule_setup=self.schedule_setup or other.schedule_setup,
            clinical=self.clinical | other.clinical,
            protocols=self.protocols or other.protocols,
            documents=self.documents | other.documents,
            document_templates=self.document_templates or other.document_templates,
        )

    def __bool__(self) -> bool:
        return bool(
            self.patients
            or self.appointments
            or self.schedule_setup
            or self.clinical
            or self.protocols
            or self.documents
            or self.document_templates
        )


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T
    changes: Changes
