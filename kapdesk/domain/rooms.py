"""Rooms and what each can be booked for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kapdesk.domain.errors import FieldError


class RoomKind(StrEnum):
    DOSING = "dosing"
    THERAPY = "therapy"
    CONSULT = "consult"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class RoomInfo:
    id: int
    name: str
    kind: RoomKind
    active: bool  # a retired room keeps its past bookings but takes no new ones
    version: int = 1


def check_room_name(name: str) -> list[FieldError]:
    name = name.strip()
    if not name:
        return [FieldError("name", "Give the room a name.")]
    if len(name) > 60:
        return [FieldError("name", "Keep the room's name under 60 characters.")]
    return []
