"""What a service call changed, so each view can decide whether to refresh."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    patients: frozenset[int] = frozenset()

    def __or__(self, other: Changes) -> Changes:
        return Changes(patients=self.patients | other.patients)

    def __bool__(self) -> bool:
        return bool(self.patients)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T
    changes: Changes
