"""Where each appointment sits on the calendar: plain geometry over floats, no Qt, so it is tested on its own.

A y position is a local wall-clock time on the column's day, not an offset from midnight: an appointment at 09:00
in the clinic's zone sits on the 09:00 line on every day, including the days a DST change adds or drops an hour
(clinics are closed at 02:00, where the hour repeats or is skipped).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kapdesk.domain.appointments import Appointment

SNAP_MINUTES = 5
GUTTER = 56.0  # the hour labels on the left
HEADER = 30.0  # the column titles on top
HOUR_HEIGHT = 48.0
MIN_COLUMN_WIDTH = 120.0
FREE_MARGIN = 10.0  # a strip on the right of each column stays empty, so a busy column can still be booked by drag
MIN_BLOCK_HEIGHT = 6.0  # a five-minute booking must still be something to click
DAY_MINUTES = 24 * 60

Rect = tuple[float, float, float, float]  # x, y, width, height
Span = tuple[datetime, datetime]  # UTC


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    day: date
    clinician_id: int | None
    room_id: int | None

    def shows(self, appointment: Appointment) -> bool:
        """Whether the appointment belongs here by clinician and room (its day is checked by placement)."""
        if self.clinician_id is not None and self.clinician_id not in appointment.clinician_ids:
            return False
        return self.room_id is None or appointment.room_id == self.room_id


@dataclass(frozen=True)
class Grid:
    """Columns side by side right of the hour gutter; local minutes top to bottom below the header."""

    columns: tuple[Column, ...]
    first_hour: int
    last_hour: int
    column_width: float = MIN_COLUMN_WIDTH
    hour_height: float = HOUR_HEIGHT
    left: float = GUTTER
    top: float = HEADER

    @property
    def first_minute(self) -> int:
        return self.first_hour * 60

    @property
    def last_minute(self) -> int:
        return self.last_hour * 60

    @property
    def width(self) -> float:
        return self.left + self.column_width * len(self.columns)

    @property
    def height(self) -> float:
        return self.top + self.hour_height * (self.last_hour - self.first_hour)

    def column_x(self, index: int) -> float:
        return self.left + index * self.column_width

    def column_at(self, x: float) -> int | None:
        if x < self.left:
            return None
        index = int((x - self.left) // self.column_width)
        return index if index < len(self.columns) else None

    def y_of(self, minutes: float) -> float:
        return self.top + (minutes - self.first_minute) * self.hour_height / 60

    def minutes_at(self, y: float) -> float:
        return self.first_minute + (y - self.top) * 60 / self.hour_height

    def snapped_minutes_at(self, y: float) -> int:
        """The time under y on the 5-minute grid, kept within the hours shown."""
        return min(max(snap(self.minutes_at(y)), self.first_minute), self.last_minute)

    def column_rect(self, index: int, start: float, end: float) -> Rect:
        top = self.y_of(start)
        return self.column_x(index), top, self.column_width, self.y_of(end) - top


def snap(minutes: float, step: int = SNAP_MINUTES) -> int:
    return round(minutes / step) * step


def local_minutes(instant: datetime, day: date, zone: ZoneInfo) -> float:
    """Wall-clock minutes from the local midnight starting `day` (negative before it, over 1440 after it)."""
    local_day, minute = _wall_clock(instant, zone)
    return (local_day - day).days * DAY_MINUTES + minute


def _wall_clock(instant: datetime, zone: ZoneInfo) -> tuple[date, float]:
    local = instant.astimezone(zone)
    return local.date(), local.hour * 60 + local.minute + local.second / 60


def to_utc(day: date, minutes: float, zone: ZoneInfo) -> datetime:
    """The instant the clinic's clocks show `minutes` past midnight on `day`."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minutes)
    return wall.replace(tzinfo=zone).astimezone(UTC)


def show_minutes(minutes: float) -> str:
    whole = round(minutes) % DAY_MINUTES
    return f"{whole // 60:02d}:{whole % 60:02d}"


@dataclass(frozen=True)
class Block:
    """One appointment's rectangle in one column. start/end are its local minutes on the column's day, unclipped."""

    appointment: Appointment
    column: int
    x: float
    y: float
    w: float
    h: float
    start: float
    end: float
    tail: float  # height of the room's turnover drawn under the body; 0 outside room columns

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def rect(self) -> Rect:
        return self.x, self.y, self.w, self.h

    @property
    def extent(self) -> Rect:
        """Body and tail: what must be repainted when the block changes."""
        return self.x, self.y, self.w, self.h + self.tail

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x < self.x + self.w and self.y <= y < self.bottom


@dataclass(frozen=True)
class _Entry:
    appointment: Appointment
    start: float
    end: float
    busy_until: float  # the end, or the room's free time in room columns: lanes keep tails from overlapping


class Placement:
    """Every block of a grid, per column sorted by top, so painting and hit testing bisect instead of scanning."""

    def __init__(self, grid: Grid, appointments: Iterable[Appointment], zone: ZoneInfo) -> None:
        self.grid = grid
        entries: list[list[_Entry]] = [[] for _ in grid.columns]
        by_day: dict[date, list[int]] = {}  # only the columns of the days an appointment touches are looked at
        for index, column in enumerate(grid.columns):
            by_day.setdefault(column.day, []).append(index)
        one_day = timedelta(days=1)
        for appointment in appointments:
            # One conversion per instant; each column's day is then a whole number of days away.
            start_day, start_minute = _wall_clock(appointment.starts_at, zone)
            end_day, end_minute = _wall_clock(appointment.ends_at, zone)
            free_day, free_minute = _wall_clock(appointment.room_free_at, zone)
            touched = [start_day + one_day * n for n in range((max(end_day, free_day) - start_day).days + 1)]
            for index in (i for day in touched for i in by_day.get(day, ())):
                column = grid.columns[index]
                start = (start_day - column.day).days * DAY_MINUTES + start_minute
                end = (end_day - column.day).days * DAY_MINUTES + end_minute
                if end <= grid.first_minute or start >= grid.last_minute or not column.shows(appointment):
                    continue
                busy_until = end
                if column.room_id is not None and appointment.holds_time:
                    busy_until = max(end, (free_day - column.day).days * DAY_MINUTES + free_minute)
                entries[index].append(_Entry(appointment, start, end, busy_until))
        self.columns = [self._lanes(index, column_entries) for index, column_entries in enumerate(entries)]
        self._tops = [[block.y for block in blocks] for blocks in self.columns]
        # The tallest block bounds how far above a y a block covering it can start.
        self._tallest = [max((b.h + b.tail for b in blocks), default=0.0) for blocks in self.columns]
        self.by_id: dict[int, list[Block]] = {}
        for blocks in self.columns:
            for block in blocks:
                self.by_id.setdefault(block.appointment.id, []).append(block)

    def _lanes(self, index: int, entries: list[_Entry]) -> list[Block]:
        """Overlapping appointments share the column side by side; each run of overlaps is split evenly."""
        entries.sort(key=lambda e: (e.start, -e.end, e.appointment.id))
        blocks: list[Block] = []
        cluster: list[tuple[_Entry, int]] = []
        lane_ends: list[float] = []
        for entry in entries:
            if cluster and entry.start >= max(lane_ends):
                blocks += self._cluster_blocks(index, cluster, len(lane_ends))
                cluster, lane_ends = [], []
            lane = next((n for n, end in enumerate(lane_ends) if end <= entry.start), len(lane_ends))
            if lane == len(lane_ends):
                lane_ends.append(entry.busy_until)
            else:
                lane_ends[lane] = entry.busy_until
            cluster.append((entry, lane))
        blocks += self._cluster_blocks(index, cluster, len(lane_ends))
        blocks.sort(key=lambda b: (b.y, b.x))
        return blocks

    def _cluster_blocks(self, index: int, cluster: list[tuple[_Entry, int]], lanes: int) -> list[Block]:
        grid = self.grid
        lane_width = (grid.column_width - FREE_MARGIN) / max(lanes, 1)
        low, high = grid.first_minute, grid.last_minute
        blocks = []
        for entry, lane in cluster:
            top = grid.y_of(max(entry.start, low))
            height = max(grid.y_of(min(entry.end, high)) - top, MIN_BLOCK_HEIGHT)
            tail = 0.0
            if entry.busy_until > entry.end:
                tail = max(grid.y_of(min(entry.busy_until, high)) - top - height, 0.0)
            x = grid.column_x(index) + lane * lane_width
            blocks.append(Block(entry.appointment, index, x, top, lane_width, height, entry.start, entry.end, tail))
        return blocks

    def within(self, index: int, y0: float, y1: float) -> list[Block]:
        """The blocks of a column whose body or tail reaches into [y0, y1)."""
        tops = self._tops[index]
        first = bisect_left(tops, y0 - self._tallest[index])
        last = bisect_left(tops, y1)
        return [b for b in self.columns[index][first:last] if b.y + b.h + b.tail > y0]

    def at(self, x: float, y: float) -> Block | None:
        index = self.grid.column_at(x)
        if index is None:
            return None
        tops = self._tops[index]
        # The latest-starting block under the point wins: it is the one drawn on top.
        for block in reversed(self.columns[index][bisect_left(tops, y - self._tallest[index]) : bisect_right(tops, y)]):
            if block.contains(x, y):
                return block
        return None

    def block(self, appointment_id: int, index: int | None = None) -> Block | None:
        blocks = self.by_id.get(appointment_id, [])
        return next((b for b in blocks if index is None or b.column == index), None)

    def step(self, block: Block, delta: int) -> Block | None:
        """The previous (-1) or next (+1) block in the same column by time."""
        blocks = self.columns[block.column]
        position = blocks.index(block) + delta
        return blocks[position] if 0 <= position < len(blocks) else None

    def nearest(self, index: int, y: float) -> Block | None:
        """The block of a column starting closest to y (ties go to the earlier one)."""
        return min(self.columns[index], key=lambda b: (abs(b.y - y), b.y), default=None)

    def first_top(self) -> float | None:
        return min((blocks[0].y for blocks in self.columns if blocks), default=None)


def closed_minutes(grid: Grid, column: Column, open_spans: Sequence[Span], zone: ZoneInfo) -> list[tuple[float, float]]:
    """The shown local minutes of a column's day that fall outside its open spans."""
    gaps: list[tuple[float, float]] = []
    cursor = float(grid.first_minute)
    spans = sorted((local_minutes(a, column.day, zone), local_minutes(b, column.day, zone)) for a, b in open_spans)
    for start, end in spans:
        if start > cursor:
            gaps.append((cursor, min(start, grid.last_minute)))
        cursor = max(cursor, end)
    if cursor < grid.last_minute:
        gaps.append((cursor, grid.last_minute))
    return [(a, b) for a, b in gaps if b > a]
