"""Painting the calendar's parts. Each helper draws only what falls inside the rectangle being repainted, so a
drag frame that repaints two ghost-sized strips touches a handful of blocks, not the whole week."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from kapdesk.domain.appointments import Appointment
from kapdesk.ui.schedule import colours
from kapdesk.ui.schedule.colours import BlockStyle, style_for
from kapdesk.ui.schedule.layout import Block, Grid, Placement, show_minutes

PAD = 5.0  # text inset from the block's stripe and top
STRIPE = 3.0
MIN_TEXT_WIDTH = 26.0  # narrower lanes show colour only; the tooltip has the words
BADGE = 11.0


@dataclass(frozen=True)
class Fonts:
    text: QFont
    bold: QFont
    struck: QFont

    @classmethod
    def from_font(cls, base: QFont) -> Fonts:
        text = QFont(base)
        text.setPointSizeF(max(base.pointSizeF() * 0.9, 7.0))
        bold = QFont(text)
        bold.setBold(True)
        struck = QFont(text)
        struck.setStrikeOut(True)
        return cls(text, bold, struck)

    @property
    def line(self) -> float:
        return QFontMetricsF(self.bold).height()


def columns_in(grid: Grid, rect: QRect) -> range:
    first = grid.column_at(max(rect.left(), grid.left)) or 0
    last = grid.column_at(min(rect.right(), grid.width - 1))
    return range(first, len(grid.columns) if last is None else last + 1)


def paint_background(p: QPainter, rect: QRect, grid: Grid, closed: Sequence[Sequence[tuple[float, float]]]) -> None:
    p.fillRect(rect, colours.BACKGROUND)
    for index in columns_in(grid, rect):
        for start, end in closed[index]:
            x, y, w, h = grid.column_rect(index, start, end)
            p.fillRect(QRectF(x, y, w, h), colours.CLOSED)


def paint_lines(p: QPainter, rect: QRect, grid: Grid) -> None:
    left, right = max(rect.left(), grid.left), min(rect.right() + 1, grid.width)
    for minute in range(grid.first_minute, grid.last_minute + 1, 30):
        y = round(grid.y_of(minute))
        if rect.top() - 1 <= y <= rect.bottom() + 1:
            p.setPen(colours.GRID_LINE if minute % 60 == 0 else colours.HALF_HOUR_LINE)
            p.drawLine(QPointF(left, y + 0.5), QPointF(right, y + 0.5))
    p.setPen(colours.GRID_LINE)
    for index in columns_in(grid, rect):
        x = round(grid.column_x(index + 1)) - 0.5
        p.drawLine(QPointF(x, max(rect.top(), grid.top)), QPointF(x, rect.bottom() + 1))


def paint_blocks(
    p: QPainter,
    rect: QRect,
    placement: Placement,
    fonts: Fonts,
    flags: dict[int, str],
    selected: int | None,
    moving: int | None,
) -> None:
    """The blocks reaching into rect; the one being dragged faded, the selected one outlined on top."""
    outlined: list[Block] = []
    for index in columns_in(placement.grid, rect):
        room_column = placement.grid.columns[index].room_id is not None
        for block in placement.within(index, rect.top(), rect.bottom() + 1):
            appointment = block.appointment
            style = style_for(appointment.kind, appointment.status)
            p.setOpacity(0.4 if appointment.id == moving else 1.0)
            if block.tail:
                paint_tail(p, block, style, fonts)
            paint_block(p, block, style, fonts, block_lines(appointment, room_column), appointment.id in flags)
            if appointment.id == selected:
                outlined.append(block)
    p.setOpacity(1.0)
    for block in outlined:
        paint_selection(p, block)


def block_lines(appointment: Appointment, room_column: bool) -> tuple[str, str, str]:
    """What a block says under its times: who, what, and where (the clinicians when the column is a room)."""
    where = ", ".join(appointment.clinician_names) if room_column else appointment.room_name
    return appointment.patient_name, appointment.type_name, where


def tooltip_text(appointment: Appointment, zone: ZoneInfo, flag: str | None) -> str:
    starts, ends = appointment.starts_at.astimezone(zone), appointment.ends_at.astimezone(zone)
    lines = [
        f"{starts:%a %b} {starts.day}, {starts:%H:%M}–{ends:%H:%M}  ·  {appointment.status.label}",
        f"{appointment.patient_name} ({appointment.chart_number})",
        f"{appointment.type_name} · {appointment.room_name}",
        ", ".join(appointment.clinician_names),
    ]
    return "\n".join(([f"⚠ {flag}"] if flag else []) + lines)


def paint_block(
    p: QPainter, block: Block, style: BlockStyle, fonts: Fonts, lines: Sequence[str], flagged: bool
) -> None:
    """The kind's fill and stripe, the status's hatching, then the times and as many of `lines` as fit."""
    body = QRectF(block.x + 1, block.y + 1, block.w - 2, block.h - 1)
    p.fillRect(body, style.fill)
    if style.hatched:
        p.fillRect(body, QBrush(_alpha(style.accent, 90), Qt.BrushStyle.BDiagPattern))
    p.fillRect(QRectF(body.x(), body.y(), STRIPE, body.height()), style.accent)
    p.setPen(QPen(colours.mix(style.accent, style.fill, 0.55), 1))
    p.drawRect(body.adjusted(0.5, 0.5, -0.5, -0.5))
    markers = _paint_markers(p, body, style, flagged)
    if body.width() < MIN_TEXT_WIDTH:
        return
    p.save()
    p.setClipRect(body.adjusted(STRIPE, 0, 0, 0), Qt.ClipOperation.IntersectClip)
    p.setPen(style.text)
    left = body.x() + STRIPE + PAD
    right = body.right() - PAD
    line = fonts.line
    bold = QFontMetricsF(fonts.bold)
    time_font = fonts.struck if style.struck else fonts.text
    times = f"{show_minutes(block.start)}–{show_minutes(block.end)}"
    if QFontMetricsF(time_font).horizontalAdvance(times) > right - left - markers:
        times = show_minutes(block.start)  # a narrow lane: the start alone beats an elided range
    p.setFont(time_font)
    if body.height() < 2 * line + 2:  # one line, centred when the block is shorter than the text
        baseline = body.y() + max((body.height() + bold.ascent() - bold.descent()) / 2, 1 + bold.ascent() - 2)
        start = show_minutes(block.start)
        p.drawText(QPointF(left, baseline), start)
        left += QFontMetricsF(time_font).horizontalAdvance(start) + 4
        p.setFont(fonts.bold)
        p.drawText(QPointF(left, baseline), _elide(fonts.bold, lines[0], right - left - markers))
        p.restore()
        return
    baseline = body.y() + 1 + bold.ascent()
    p.drawText(QPointF(left, baseline), _elide(time_font, times, right - left - markers))
    for n, text in enumerate(lines):
        baseline += line
        if baseline + bold.descent() > body.bottom() + 1:  # only whole lines: half a word reads as another word
            break
        font = fonts.bold if n == 0 else fonts.text
        p.setFont(font)
        p.drawText(QPointF(left, baseline), _elide(font, text, right - left))
    p.restore()


def _elide(font: QFont, text: str, width: float) -> str:
    return QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, max(width, 0.0))


def _paint_markers(p: QPainter, body: QRectF, style: BlockStyle, flagged: bool) -> float:
    """A warning triangle and a check-in dot in the top-right corner; returns the width they take."""
    right = body.right() - 3
    top = body.y() + 3
    if body.height() < BADGE + 4 or body.width() < MIN_TEXT_WIDTH:
        return 0.0
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if flagged:
        corners = [QPointF(right - BADGE / 2, top), QPointF(right, top + BADGE), QPointF(right - BADGE, top + BADGE)]
        triangle = QPolygonF(corners)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colours.WARNING)
        p.drawPolygon(triangle)
        p.setPen(QPen(colours.WHITE, 1.4))
        p.drawLine(QPointF(right - BADGE / 2, top + 3.5), QPointF(right - BADGE / 2, top + BADGE - 3.5))
        p.drawPoint(QPointF(right - BADGE / 2, top + BADGE - 1.8))
        right -= BADGE + 3
    if style.arrived:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colours.ARRIVED)
        p.drawEllipse(QRectF(right - BADGE, top, BADGE, BADGE))
        p.setPen(QPen(colours.WHITE, 1.5))
        cx, cy = right - BADGE / 2, top + BADGE / 2
        p.drawPolyline(QPolygonF([QPointF(cx - 2.8, cy), QPointF(cx - 0.8, cy + 2.2), QPointF(cx + 2.8, cy - 2.2)]))
        right -= BADGE + 3
    p.restore()
    return body.right() - 3 - right


def paint_tail(p: QPainter, block: Block, style: BlockStyle, fonts: Fonts) -> None:
    """The room's turnover after a session: lighter, hatched, labelled when there is room."""
    tail = QRectF(block.x + 1, block.bottom, block.w - 2, block.tail)
    p.fillRect(tail, colours.tail_colour(style))
    p.fillRect(tail, QBrush(_alpha(style.accent, 70), Qt.BrushStyle.BDiagPattern))
    p.fillRect(QRectF(tail.x(), tail.y(), STRIPE, tail.height()), _alpha(style.accent, 110))
    if tail.height() >= fonts.line and tail.width() >= MIN_TEXT_WIDTH:
        p.setFont(fonts.text)
        p.setPen(colours.MUTED_TEXT)
        metrics = QFontMetricsF(fonts.text)
        text = metrics.elidedText("Room turnover", Qt.TextElideMode.ElideRight, tail.width() - STRIPE - 2 * PAD)
        p.drawText(QPointF(tail.x() + STRIPE + PAD, tail.y() + metrics.ascent() + 1), text)


def paint_selection(p: QPainter, block: Block) -> None:
    p.setPen(QPen(colours.SELECTION, 2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(QRectF(block.x + 1, block.y + 1, block.w - 2, block.h - 1).adjusted(1, 1, -1, -1))


def paint_ghost(p: QPainter, rect: QRectF, label: str, fonts: Fonts) -> None:
    p.fillRect(rect, colours.GHOST_FILL)
    p.setPen(QPen(colours.GHOST_EDGE, 1.5))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect.adjusted(1, 1, -1, -1))
    p.setFont(fonts.bold)
    p.setPen(colours.GHOST_EDGE)
    p.drawText(QPointF(rect.x() + STRIPE + PAD, rect.y() + QFontMetricsF(fonts.bold).ascent() + 2), label)


def paint_now(p: QPainter, grid: Grid, columns: Sequence[int], minute: float) -> None:
    y = grid.y_of(minute)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(colours.NOW_LINE, 2))
    for index in columns:
        x = grid.column_x(index)
        p.drawLine(QPointF(x, y), QPointF(x + grid.column_width, y))
        p.setBrush(colours.NOW_LINE)
        p.drawEllipse(QPointF(x + 1, y), 3.5, 3.5)
    p.restore()


def paint_gutter(p: QPainter, grid: Grid, left: float, fonts: Fonts, clip: QRect) -> None:
    """The hour labels, kept at the visible left edge while the columns scroll sideways."""
    p.fillRect(QRectF(left, clip.top(), grid.left, clip.height()), colours.HEADER_BACKGROUND)
    p.setPen(colours.GRID_LINE)
    p.drawLine(QPointF(left + grid.left - 0.5, clip.top()), QPointF(left + grid.left - 0.5, clip.bottom() + 1))
    p.setFont(fonts.text)
    p.setPen(colours.MUTED_TEXT)
    ascent = QFontMetricsF(fonts.text).ascent()
    for hour in range(grid.first_hour, grid.last_hour):
        y = grid.y_of(hour * 60)
        # Each label sits just under its line, so the first one is not hidden by the header.
        box = QRectF(left, y + 2, grid.left - 8, ascent + 2)
        p.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, show_minutes(hour * 60))


def paint_header(
    p: QPainter, grid: Grid, top: float, left: float, fonts: Fonts, today: Sequence[int], focus: int | None
) -> None:
    """Column titles kept at the visible top while the hours scroll; today's title is highlighted."""
    p.fillRect(QRectF(0, top, grid.width, grid.top), colours.HEADER_BACKGROUND)
    for index, column in enumerate(grid.columns):
        box = QRectF(grid.column_x(index), top, grid.column_width, grid.top)
        is_today = index in today
        if is_today:
            p.fillRect(box.adjusted(0, 0, -1, 0), colours.TODAY_BACKGROUND)
        p.setFont(fonts.bold if is_today else fonts.text)
        p.setPen(colours.TODAY_TEXT if is_today else colours.HEADER_TEXT)
        text = QFontMetricsF(p.font()).elidedText(column.title, Qt.TextElideMode.ElideRight, box.width() - 8)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        p.setPen(colours.GRID_LINE)
        p.drawLine(QPointF(box.right() - 0.5, top), QPointF(box.right() - 0.5, top + grid.top))
        if index == focus:
            p.fillRect(QRectF(box.x(), top + grid.top - 3, box.width() - 1, 3), colours.FOCUS_LINE)
    p.setPen(colours.GRID_LINE)
    p.drawLine(QPointF(0, top + grid.top - 0.5), QPointF(grid.width, top + grid.top - 0.5))
    p.fillRect(QRectF(left, top, grid.left, grid.top), colours.HEADER_BACKGROUND)


def _alpha(colour: QColor, alpha: int) -> QColor:
    faded = QColor(colour)
    faded.setAlpha(alpha)
    return faded
