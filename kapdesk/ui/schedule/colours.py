"""How an appointment looks: one calm colour per kind, and what its status does to it.

Fills are light so dark text stays readable on every kind (contrast well above 4.5:1); the kind's strong colour is
kept for the edge stripe. What no longer holds time (cancelled, no-show) is faded and hatched with its time struck
through, so a rebooked appointment beside it reads as the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QColor

from kapdesk.domain.appointments import AppointmentKind, Status

# kind -> (fill, accent): accent draws the stripe and the border
KIND_COLOURS: dict[AppointmentKind, tuple[str, str]] = {
    AppointmentKind.CONSULTATION: ("#dfeafb", "#3a6fb5"),
    AppointmentKind.PREPARATION: ("#d9f0ee", "#1f7a80"),
    AppointmentKind.DOSING: ("#e9e1f8", "#6846b0"),
    AppointmentKind.INTEGRATION: ("#fbebd3", "#b86e14"),
    AppointmentKind.FOLLOW_UP: ("#f8e0e8", "#a83f66"),
}
TEXT = QColor("#1d2330")
MUTED_TEXT = QColor("#5d6470")
WHITE = QColor("#ffffff")
GREY = QColor("#e4e5e8")

GRID_LINE = QColor("#d9dce1")
HALF_HOUR_LINE = QColor("#eef0f2")
CLOSED = QColor("#f1f2f4")
BACKGROUND = QColor("#ffffff")
HEADER_BACKGROUND = QColor("#f7f8fa")
HEADER_TEXT = QColor("#2b303b")
TODAY_BACKGROUND = QColor("#e3ecfd")
TODAY_TEXT = QColor("#1a4fb8")
FOCUS_LINE = QColor("#1a4fb8")
NOW_LINE = QColor("#d93025")
SELECTION = QColor("#1a4fb8")
ARRIVED = QColor("#2e8b3e")
WARNING = QColor("#d9480f")
GHOST_FILL = QColor(226, 236, 253, 220)  # nearly opaque: its new times must read over what is beneath
GHOST_EDGE = QColor("#1a4fb8")


@dataclass(frozen=True)
class BlockStyle:
    fill: QColor
    accent: QColor
    text: QColor
    hatched: bool  # cancelled and no-show: drawn over with diagonal lines
    struck: bool  # their time is struck through
    arrived: bool  # a check-in marker in the corner


def mix(colour: QColor, other: QColor, amount: float) -> QColor:
    """`amount` of the way from colour to other."""
    return QColor.fromRgbF(
        colour.redF() + (other.redF() - colour.redF()) * amount,
        colour.greenF() + (other.greenF() - colour.greenF()) * amount,
        colour.blueF() + (other.blueF() - colour.blueF()) * amount,
    )


@cache
def style_for(kind: AppointmentKind, status: Status) -> BlockStyle:
    fill, accent = (QColor(c) for c in KIND_COLOURS[kind])
    if status in (Status.CANCELLED, Status.NO_SHOW):
        return BlockStyle(mix(fill, WHITE, 0.6), mix(accent, WHITE, 0.45), MUTED_TEXT, True, True, False)
    if status is Status.COMPLETED:
        return BlockStyle(mix(fill, GREY, 0.6), mix(accent, GREY, 0.45), TEXT, False, False, False)
    return BlockStyle(fill, accent, TEXT, False, False, status is Status.ARRIVED)


def tail_colour(style: BlockStyle) -> QColor:
    """The room's turnover after a session: the kind's colour, much lighter."""
    return mix(style.fill, WHITE, 0.55)
