"""What a dosing appointment still lacks before the patient may be dosed (CLINICAL.md, the pre-dose checklist).

Each requirement is checked by a provider the services register (the clinical record and documents add theirs
as they arrive). A requirement kapdesk doesn't track yet says so rather than pretending to be met.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Need(StrEnum):
    SCREENING = "screening"
    CONSENT = "consent"
    PREPARATION = "preparation"
    ESCORT = "escort"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Need.SCREENING: "current eligibility screening",
    Need.CONSENT: "signed consent for the route",
    Need.PREPARATION: "completed preparation session",
    Need.ESCORT: "named escort with a phone number",
}


class State(StrEnum):
    MET = "met"
    MISSING = "missing"


@dataclass(frozen=True)
class Requirement:
    need: Need
    state: State
    detail: str = ""
    enforced: bool = False  # if missing, check-in is refused rather than warned about


@dataclass(frozen=True)
class Readiness:
    requirements: tuple[Requirement, ...]

    @property
    def lacking(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.state is not State.MET)

    @property
    def blocking(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.state is State.MISSING and r.enforced)

    def summary(self) -> str:
        return "; ".join(describe(r) for r in self.lacking)


def describe(requirement: Requirement) -> str:
    need = requirement.need.label
    match requirement.state:
        case State.MET:
            text = f"has {need}"
        case State.MISSING:
            text = f"lacks {need}"
    return f"{text} ({requirement.detail})" if requirement.detail else text


def ready(requirements: Sequence[Requirement]) -> Readiness:
    order = list(Need)
    return Readiness(tuple(sorted(requirements, key=lambda r: order.index(r.need))))
