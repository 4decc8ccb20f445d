"""Rooms and what each can be booked for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RoomKind(StrEnum):
    DOSING = "dosing"
    THERAPY = "therapy"
    CONSULT = "consult"


@dataclass(frozen=True)
class Room:
    id: int
    name: str
    kind: RoomKind
    active: bool
