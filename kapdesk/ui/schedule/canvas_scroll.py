"""The canvas inside a QScrollArea: its header and hour gutter stay at the visible edges, and keys scroll it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QScrollArea, QWidget

from kapdesk.ui.schedule.layout import Grid, Rect


def sticky_origin(widget: QWidget) -> QPoint:
    """Where the header and gutter are drawn: the visible top-left (0, 0 when nothing scrolls)."""
    visible = widget.visibleRegion().boundingRect()
    return QPoint(max(visible.left(), 0), max(visible.top(), 0)) if not visible.isEmpty() else QPoint()


def sticky_strips(widget: QWidget, grid: Grid, pos: QPoint) -> list[QRect]:
    """The header row and gutter column as drawn when the widget sits at `pos` in its viewport."""
    left, top = max(-pos.x(), 0), max(-pos.y(), 0)
    return [QRect(0, top, widget.width(), int(grid.top) + 1), QRect(left, 0, int(grid.left) + 1, widget.height())]


def scroll_area_of(widget: QWidget) -> QScrollArea | None:
    viewport = widget.parentWidget()
    area = viewport.parentWidget() if viewport is not None else None
    return area if isinstance(area, QScrollArea) else None


def scroll_into_view(widget: QWidget, grid: Grid, rect: Rect) -> None:
    area = scroll_area_of(widget)
    if area is not None:
        x, y, w, h = rect
        # The margins keep the block clear of the sticky header and gutter.
        area.ensureVisible(int(x + w / 2), int(y + h / 2), int(w / 2 + grid.left), int(h / 2 + grid.top))


def scroll_to_top(widget: QWidget, grid: Grid, y: float) -> None:
    """Bring y to just under the sticky header, a little of what comes before still in view."""
    area = scroll_area_of(widget)
    if area is not None:
        area.verticalScrollBar().setValue(int(y - grid.top - grid.hour_height / 4))
