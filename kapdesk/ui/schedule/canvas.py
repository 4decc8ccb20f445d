"""The day and week calendar: one widget that paints every column, block and ghost itself.

It knows nothing of services. The screen gives it columns, appointments and warnings, and listens for requests
(create, move, open, navigate); the answer comes back as a new set of appointments. Painting and hit testing go
through per-column sorted blocks (layout.Placement), and a drag repaints only the strips its ghost left and entered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QMoveEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from kapdesk.domain.appointments import Appointment
from kapdesk.ui.none_refs import keep_none_alive
from kapdesk.ui.schedule import canvas_paint as paint
from kapdesk.ui.schedule import canvas_scroll as scroll
from kapdesk.ui.schedule import navigation
from kapdesk.ui.schedule.canvas_drag import Drag, Mode, mode_at, movable
from kapdesk.ui.schedule.layout import (
    HOUR_HEIGHT,
    MIN_COLUMN_WIDTH,
    Block,
    Column,
    Grid,
    Placement,
    Rect,
    Span,
    closed_minutes,
    local_minutes,
)

NOW_TICK_MS = 60_000


def _rect(r: Rect, margin: int = 2) -> QRect:
    x, y, w, h = r
    return QRectF(x, y, w, h).toAlignedRect().adjusted(-margin, -margin, margin, margin)


class CalendarCanvas(QWidget):
    create_requested = Signal(str, object, object)  # column key, starts_at (UTC), ends_at (UTC)
    move_requested = Signal(int, str, object, object)  # appointment id, column key, starts_at, ends_at (UTC)
    open_requested = Signal(int)
    navigate = Signal(int)  # -1 earlier, +1 later (a day or a week: the screen knows which)
    today_requested = Signal()
    selection_changed = Signal(object)  # appointment id or None

    def __init__(
        self,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        hour_height: float = HOUR_HEIGHT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        keep_none_alive()  # a paint makes thousands of Qt calls; see none_refs
        self._now = now
        self._hour_height = hour_height
        self._zone = ZoneInfo("UTC")
        self._grid = Grid((), 8, 18, hour_height=hour_height)
        self._open_spans: dict[str, list[Span]] = {}
        self._closed: list[list[tuple[float, float]]] = []
        self._appointments: list[Appointment] = []
        self._placement = Placement(self._grid, (), self._zone)
        self._flags: dict[int, str] = {}
        self._selected: int | None = None
        self._focus_column: int | None = None
        self._focus_y: float | None = None  # the time the keyboard was last at, for steps through empty columns
        self._drag: Drag | None = None
        # The column the last drag of an appointment began in: with several clinicians it is shown in each of
        # their columns, and a drag to another clinician's column hands over the one it was dragged from.
        self.drag_from: str | None = None
        self._press = QPoint()
        self._fonts = paint.Fonts.from_font(self.font())
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)  # the resize cursor over edges
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # every pixel is painted; skip the erase
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Calendar")
        self._ticker = QTimer(self, interval=NOW_TICK_MS, timeout=self.update)  # moves the current-time line

    # -- what the screen sets ----------------------------------------------------------------------------

    def set_view(
        self,
        columns: list[Column],
        first_hour: int,
        last_hour: int,
        zone: ZoneInfo,
        open_spans: dict[str, list[tuple[datetime, datetime]]],
        appointments: list[Appointment] | None = None,
    ) -> None:
        """Columns left to right, the local hours shown, and when each column is open (keyed by column key; a
        column without an entry is drawn all open, one with an empty list all closed). Passing the view's
        `appointments` too lays them out once, not the old ones on the new columns first."""
        self._cancel_drag()
        if appointments is not None:
            self._appointments = list(appointments)
        self._zone = zone
        self._open_spans = dict(open_spans)
        self._grid = Grid(tuple(columns), first_hour, last_hour, hour_height=self._hour_height)
        self._grid = self._fitted_grid()
        self._focus_column = self._focus_y = None
        self.setMinimumSize(self.sizeHint())
        self.updateGeometry()
        self._relayout()

    def set_appointments(self, appointments: list[Appointment]) -> None:
        """New data, often a refresh because another computer booked: a drag in progress carries on."""
        self._appointments = list(appointments)
        self._relayout()
        drag = self._drag
        if drag is not None and drag.block is not None:
            block = self._placement.block(drag.block.appointment.id, drag.block.column)
            if block is not None and movable(block):
                drag.block = block
            else:
                self._cancel_drag()

    def set_flags(self, flags: dict[int, str]) -> None:
        """Warnings by appointment id (a missing escort, a screening gap); a badge shows, the tooltip says why."""
        self._flags = dict(flags)
        self.update()

    def select(self, appointment_id: int | None) -> None:
        """Select an appointment shown on the calendar (anything else selects nothing) and scroll to it."""
        self._set_selected(appointment_id)
        if self._selected is not None:
            block = self._blocks_of(self._selected)[0]
            self._set_focus_column(block.column)
            scroll.scroll_into_view(self, self._grid, block.rect)

    def _set_selected(self, appointment_id: int | None) -> None:
        if appointment_id is not None and appointment_id not in self._placement.by_id:
            appointment_id = None
        if appointment_id == self._selected:
            return
        for block in self._blocks_of(self._selected) + self._blocks_of(appointment_id):
            self.update(_rect(block.rect))
        self._selected = appointment_id
        self.selection_changed.emit(appointment_id)

    @property
    def selected_id(self) -> int | None:
        return self._selected

    @property
    def grid(self) -> Grid:
        return self._grid

    @property
    def placement(self) -> Placement:
        return self._placement

    def sizeHint(self) -> QSize:
        return QSize(int(self._grid.left + MIN_COLUMN_WIDTH * max(len(self._grid.columns), 1)), int(self._grid.height))

    def tooltip_for(self, appointment_id: int) -> str:
        appointment = self._placement.by_id[appointment_id][0].appointment
        return paint.tooltip_text(appointment, self._zone, self._flags.get(appointment_id))

    # -- layout ------------------------------------------------------------------------------------------

    def _fitted_grid(self) -> Grid:
        """Columns share the width they are given, never narrower than a readable minimum."""
        grid = self._grid
        width = max(MIN_COLUMN_WIDTH, (self.width() - grid.left) / max(len(grid.columns), 1))
        return Grid(grid.columns, grid.first_hour, grid.last_hour, width, self._hour_height)

    def _relayout(self) -> None:
        grid = self._grid
        self._placement = Placement(grid, self._appointments, self._zone)
        self._closed = [
            closed_minutes(grid, column, self._open_spans[column.key], self._zone)
            if column.key in self._open_spans
            else []
            for column in grid.columns
        ]
        if self._selected is not None and self._selected not in self._placement.by_id:
            self._selected = None
            self.selection_changed.emit(None)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        fitted = self._fitted_grid()
        if fitted != self._grid:
            self._cancel_drag()
            self._grid = fitted
            self._relayout()
        super().resizeEvent(event)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._ticker.start()
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._ticker.stop()
        super().hideEvent(event)

    def moveEvent(self, event: QMoveEvent) -> None:
        """Scrolling moves the widget under its viewport; the sticky header and gutter must follow."""
        for pos in (event.oldPos(), event.pos()):
            for strip in scroll.sticky_strips(self, self._grid, pos):
                self.update(strip)
        super().moveEvent(event)

    # -- painting ----------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        grid, drag, region = self._grid, self._drag, event.region()
        moving = drag.block.appointment.id if drag and drag.started and drag.block else None
        p = QPainter(self)
        for rect in region:  # a drag frame's two ghost strips are painted apart, not as one box across the week
            p.setClipRect(rect)
            paint.paint_background(p, rect, grid, self._closed)
            paint.paint_lines(p, rect, grid)
            paint.paint_blocks(p, rect, self._placement, self._fonts, self._flags, self._selected, moving)
            if drag is not None and drag.started:
                paint.paint_ghost(p, QRectF(*drag.ghost(grid)), drag.label(), self._fonts)
        p.setClipRegion(region)
        today, minute = self._today()
        if minute is not None:
            paint.paint_now(p, grid, today, minute)
        origin = scroll.sticky_origin(self)
        paint.paint_gutter(p, grid, origin.x(), self._fonts, region.boundingRect())
        focus = self._focus_column if self.hasFocus() else None
        paint.paint_header(p, grid, origin.y(), origin.x(), self._fonts, today, focus)
        p.end()

    def _today(self) -> tuple[list[int], float | None]:
        now = self._now()
        today = now.astimezone(self._zone).date()
        columns = [i for i, column in enumerate(self._grid.columns) if column.day == today]
        minute = local_minutes(now, today, self._zone)
        shown = columns and self._grid.first_minute <= minute <= self._grid.last_minute
        return columns, minute if shown else None

    # -- mouse -------------------------------------------------------------------------------------------

    def _in_body(self, pos: QPoint) -> bool:
        """Not under the sticky header or hour gutter, and not below the last hour."""
        origin = scroll.sticky_origin(self)
        beyond = pos.y() < origin.y() + self._grid.top or pos.x() < origin.x() + self._grid.left
        return not beyond and pos.y() < self._grid.height

    def _block_at(self, pos: QPoint) -> Block | None:
        return self._placement.at(pos.x(), pos.y()) if self._in_body(pos) else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        pos = event.position().toPoint()
        block = self._block_at(pos)
        self._drag = None
        if block is not None:
            self.drag_from = self._grid.columns[block.column].key
            self._set_selected(block.appointment.id)
            self._set_focus_column(block.column)
            self._drag = Drag.edit(self._grid, block, pos.y()) if movable(block) else None
        elif self._in_body(pos) and (column := self._grid.column_at(pos.x())) is not None:
            self._set_selected(None)
            self._set_focus_column(column)
            self._drag = Drag.create(self._grid, column, pos.y())
        self._press = pos

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        drag = self._drag
        if drag is None:
            self._hover(pos)
            return
        if not drag.started:
            if (pos - self._press).manhattanLength() < QApplication.startDragDistance():
                return
            drag.started = True
            if drag.block is not None:  # the original fades while its ghost moves
                for block in self._blocks_of(drag.block.appointment.id):
                    self.update(_rect(block.extent))
        before = _rect(drag.ghost(self._grid))
        drag.follow(self._grid, pos.x(), pos.y())
        after = _rect(drag.ghost(self._grid))
        if before != after:
            self.update(before)
            self.update(after)

    def _hover(self, pos: QPoint) -> None:
        block = self._block_at(pos)
        shape = Qt.CursorShape.ArrowCursor
        if block is not None and movable(block):
            mode = mode_at(block, pos.y())
            shape = Qt.CursorShape.SizeVerCursor if mode is not Mode.MOVE else Qt.CursorShape.OpenHandCursor
        if self.cursor().shape() != shape:
            self.setCursor(shape)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is None or event.button() != Qt.MouseButton.LeftButton:
            return
        self._repaint_drag(drag)
        if drag.block is not None and not drag.started:
            return  # a click on a block only selects it
        request = drag.request(self._grid, self._zone)
        if request is None:
            return
        column_key, starts_at, ends_at = request
        if drag.block is None:
            self.create_requested.emit(column_key, starts_at, ends_at)
        else:
            self.move_requested.emit(drag.block.appointment.id, column_key, starts_at, ends_at)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        block = self._block_at(event.position().toPoint())
        if block is not None and event.button() == Qt.MouseButton.LeftButton:
            self.open_requested.emit(block.appointment.id)
        # The first click already selected or asked to create; the second does nothing more.

    def _repaint_drag(self, drag: Drag) -> None:
        if drag.started:
            self.update(_rect(drag.ghost(self._grid)))
            if drag.block is not None:
                for block in self._blocks_of(drag.block.appointment.id):
                    self.update(_rect(block.extent))

    def _cancel_drag(self) -> None:
        if self._drag is not None:
            self._repaint_drag(self._drag)
            self._drag = None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            block = self._block_at(event.pos())
            if block is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_for(block.appointment.id), self, _rect(block.rect))
            return True
        return super().event(event)

    # -- keyboard ----------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape and self._drag is not None:
            self._cancel_drag()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._selected is not None:
                self.open_requested.emit(self._selected)
        elif key == Qt.Key.Key_T and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.today_requested.emit()  # plain T only: Ctrl+T and the like belong to the window
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.navigate.emit(-1 if key == Qt.Key.Key_PageUp else 1)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._step_in_column(-1 if key == Qt.Key.Key_Up else 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._step_across(-1 if key == Qt.Key.Key_Left else 1)
        elif key == Qt.Key.Key_Home:
            scroll.scroll_to_top(self, self._grid, navigation.start_y(self._placement, self._closed))
        else:
            super().keyPressEvent(event)

    def _current(self) -> Block | None:
        return self._placement.block(self._selected, self._focus_column) if self._selected is not None else None

    def _step_in_column(self, delta: int) -> None:
        target = navigation.step_in_column(self._placement, self._current(), self._focus_column or 0, delta)
        if target is not None:
            self._select_block(target)

    def _step_across(self, delta: int) -> None:
        # From nothing selected: the time last selected, else the top of what is in view.
        y = self._focus_y if self._focus_y is not None else scroll.sticky_origin(self).y() + self._grid.top
        step = navigation.step_across(self._placement, self._current(), self._focus_column, delta, y)
        if step is None:
            return
        column, target = step
        if target is not None:
            self._select_block(target)
        else:  # an empty column takes the focus, so the next step goes on from it
            self.select(None)
            self._set_focus_column(column)

    def _select_block(self, block: Block) -> None:
        self.select(block.appointment.id)
        self._set_focus_column(block.column)
        self._focus_y = block.y

    def _set_focus_column(self, column: int | None) -> None:
        if column != self._focus_column:
            self._focus_column = column
            self.update(self._header_strip())

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update(self._header_strip())  # the focus column's underline shows only with focus
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update(self._header_strip())
        super().focusOutEvent(event)

    def _header_strip(self) -> QRect:
        return QRect(0, scroll.sticky_origin(self).y(), self.width(), int(self._grid.top) + 1)

    # -- helpers -----------------------------------------------------------------------------------------

    def _blocks_of(self, appointment_id: int | None) -> list[Block]:
        return self._placement.by_id.get(appointment_id, []) if appointment_id is not None else []
