"""Rooms and what each can be booked for."""

from __future__ import annotations

from enum import StrEnum


class RoomKind(StrEnum):
    DOSING = "dosing"
    THERAPY = "therapy"
    CONSULT = "consult"
