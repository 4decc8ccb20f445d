"""Where the keyboard goes on the calendar: plain decisions over placed blocks, no Qt."""

from __future__ import annotations

from collections.abc import Sequence

from kapdesk.ui.schedule.layout import Block, Grid, Placement


def step_in_column(placement: Placement, current: Block | None, column: int, delta: int) -> Block | None:
    """Up/Down: the previous or next appointment by time; from nothing, the first (Down) or last (Up)."""
    if current is not None:
        return placement.step(current, delta)
    blocks = placement.columns[column] if 0 <= column < len(placement.columns) else []
    if not blocks:
        return None
    return blocks[0] if delta > 0 else blocks[-1]


def step_across(
    placement: Placement, current: Block | None, column: int | None, delta: int, y: float
) -> tuple[int, Block | None] | None:
    """Left/Right: the adjacent column and its appointment nearest in time to the current one (or to y when
    nothing is selected); None at the edge. An empty column is still returned, so focus can pass through it."""
    target = 0 if column is None else column + delta
    if not 0 <= target < len(placement.columns):
        return None
    return target, placement.nearest(target, current.y if current is not None else y)


def opening_minute(grid: Grid, closed: Sequence[tuple[float, float]]) -> float:
    """The first shown minute of a column not covered by its closed spans (the last minute if closed all day)."""
    minute = float(grid.first_minute)
    for start, end in closed:
        if start <= minute:
            minute = max(minute, end)
    return minute


def start_y(placement: Placement, closed: Sequence[Sequence[tuple[float, float]]]) -> float:
    """Home: the first appointment or the first open hour of any column, whichever is earlier."""
    grid = placement.grid
    openings = [m for m in (opening_minute(grid, c) for c in closed) if m < grid.last_minute]
    candidates = [y for y in (placement.first_top(), grid.y_of(min(openings)) if openings else None) if y is not None]
    return min(candidates, default=grid.top)
