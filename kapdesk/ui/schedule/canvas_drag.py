"""A drag in progress on the calendar: what it started on and where its ghost is now. Plain values, no Qt.

Times are followed in local minutes on the 5-minute grid (what the ghost shows); the request sent at the end is
turned into UTC instants on the day of the column it ends in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, auto
from zoneinfo import ZoneInfo

from kapdesk.domain.appointments import Status
from kapdesk.ui.schedule.layout import SNAP_MINUTES, Block, Grid, Rect, show_minutes, snap, to_utc

CLICK_MINUTES = 60  # a click on empty time asks for an hour
EDGE = 5.0  # pixels at the top and bottom of a block that resize instead of move
FIXED = frozenset({Status.CANCELLED, Status.COMPLETED, Status.NO_SHOW})  # what is over stays where it happened


class Mode(Enum):
    CREATE = auto()
    MOVE = auto()
    RESIZE_START = auto()
    RESIZE_END = auto()


def movable(block: Block) -> bool:
    return block.appointment.status not in FIXED


def mode_at(block: Block, y: float) -> Mode:
    """Resize near an edge, move elsewhere; a short block keeps its middle for moving."""
    edge = min(EDGE, block.h / 4)
    if y >= block.bottom - edge:
        return Mode.RESIZE_END
    if y < block.y + edge:
        return Mode.RESIZE_START
    return Mode.MOVE


@dataclass
class Drag:
    mode: Mode
    column: int
    press_minutes: float
    start: float  # the ghost's local minutes
    end: float
    block: Block | None = None  # None when creating
    started: bool = False  # the pointer has gone past the drag distance

    @classmethod
    def create(cls, grid: Grid, column: int, y: float) -> Drag:
        start = grid.snapped_minutes_at(y)
        end = min(start + CLICK_MINUTES, grid.last_minute)
        return cls(Mode.CREATE, column, grid.minutes_at(y), start, end)

    @classmethod
    def edit(cls, grid: Grid, block: Block, y: float) -> Drag:
        return cls(mode_at(block, y), block.column, grid.minutes_at(y), block.start, block.end, block)

    def follow(self, grid: Grid, x: float, y: float) -> None:
        """Put the ghost where the pointer says, snapped and kept within the hours shown."""
        minutes = grid.minutes_at(y)
        low, high = grid.first_minute, grid.last_minute
        if self.mode is Mode.CREATE:
            a, b = sorted((snap(self.press_minutes), snap(minutes)))
            a, b = max(a, low), min(b, high)
            self.start, self.end = (a, b) if b - a >= SNAP_MINUTES else (a, min(a + SNAP_MINUTES, high))
            return
        assert self.block is not None
        block = self.block
        if self.mode is Mode.MOVE:
            length = block.end - block.start
            start = snap(block.start + minutes - self.press_minutes)
            self.start = min(max(start, low), high - length)
            self.end = self.start + length
            column = grid.column_at(x)
            self.column = block.column if column is None else column
        elif self.mode is Mode.RESIZE_END:
            self.end = min(max(snap(minutes), block.start + SNAP_MINUTES), high)
        else:
            self.start = max(min(snap(minutes), block.end - SNAP_MINUTES), low)

    def ghost(self, grid: Grid) -> Rect:
        return grid.column_rect(self.column, self.start, self.end)

    def label(self) -> str:
        return f"{show_minutes(self.start)}–{show_minutes(self.end)}"

    def request(self, grid: Grid, zone: ZoneInfo) -> tuple[str, datetime, datetime] | None:
        """(column key, starts, ends) in UTC for the finished drag, or None when nothing would change."""
        column = grid.columns[self.column]
        if self.mode is Mode.CREATE:
            return column.key, to_utc(column.day, self.start, zone), to_utc(column.day, self.end, zone)
        assert self.block is not None
        appointment = self.block.appointment
        starts, ends = appointment.starts_at, appointment.ends_at
        if self.mode is Mode.MOVE:
            if self.start != self.block.start or self.column != self.block.column:
                starts = to_utc(column.day, self.start, zone)
                ends = starts + appointment.duration  # the duration is kept exactly, not re-read from the grid
        elif self.mode is Mode.RESIZE_END and self.end != self.block.end:
            ends = to_utc(column.day, self.end, zone)
        elif self.mode is Mode.RESIZE_START and self.start != self.block.start:
            starts = to_utc(column.day, self.start, zone)
        if (starts, ends) == (appointment.starts_at, appointment.ends_at) and self.column == self.block.column:
            return None
        return column.key, starts, ends
