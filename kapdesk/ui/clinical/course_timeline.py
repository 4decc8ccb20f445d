"""A course's sessions over time: a strip to take in at a glance, and a list by phase to read and tab through.
Each session's state has its own colour (planned grey, booked blue, done green, missed red) and is also named in
words, so colour is never the only cue."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHeaderView, QToolTip, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from kapdesk.domain.appointments import AppointmentKind, Status
from kapdesk.domain.courses import CourseSession, SessionState

# (background, text) per state
STATE_COLOURS = {
    SessionState.PLANNED: ("#eceff1", "#455a64"),
    SessionState.BOOKED: ("#d6e6fb", "#1b4f8e"),
    SessionState.DONE: ("#dcf1dd", "#1b5e20"),
    SessionState.MISSED: ("#fbdcd9", "#8e1b1b"),
}
_SHORT = {AppointmentKind.PREPARATION: "P", AppointmentKind.DOSING: "D", AppointmentKind.INTEGRATION: "I"}


def show_when(instant: datetime | None, zone: ZoneInfo) -> str:
    """'Wed Nov 25 09:00' in the clinic's zone."""
    if instant is None:
        return "not booked"
    local = instant.astimezone(zone)
    return f"{local:%a %b} {local.day} {local:%H:%M}"


def session_when(session: CourseSession, zone: ZoneInfo) -> str:
    """When it is booked; for a session whose appointment was cancelled, when it would have been."""
    if session.starts_at is None:
        return "not booked"
    if session.status is Status.CANCELLED:
        return f"cancelled (was {show_when(session.starts_at, zone)})"
    return show_when(session.starts_at, zone)


def session_words(session: CourseSession, zone: ZoneInfo) -> str:
    return f"{session.key.label} — {session_when(session, zone)} · {session.state.label}"


def _phases(sessions: tuple[CourseSession, ...]) -> list[tuple[str, list[CourseSession]]]:
    return [(name, list(group)) for name, group in groupby(sessions, key=lambda s: s.phase)]


class TimelineStrip(QWidget):
    """Every session in course order as a box (doses tall, the others short), phases side by side."""

    BOX, GAP, PHASE_GAP, LABEL = 30, 3, 16, 18

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self._zone = zone
        self._sessions: tuple[CourseSession, ...] = ()
        self._boxes: list[tuple[QRectF, CourseSession]] = []
        self.setMinimumHeight(self.LABEL + self.BOX + 6)
        self.setAccessibleName("Course timeline")

    def set_sessions(self, sessions: tuple[CourseSession, ...]) -> None:
        self._sessions = sessions
        counts = {state: sum(1 for s in sessions if s.state is state) for state in SessionState}
        self.setAccessibleDescription(", ".join(f"{n} {state.value}" for state, n in counts.items() if n))
        self.update()

    def sizeHint(self) -> QSize:
        phases = len(_phases(self._sessions))
        width = len(self._sessions) * (self.BOX + self.GAP) + phases * self.PHASE_GAP
        return QSize(max(width, 200), self.LABEL + self.BOX + 6)

    def _box_width(self) -> float:
        phases = len(_phases(self._sessions))
        room = self.width() - phases * self.PHASE_GAP
        return max(6.0, min(float(self.BOX), room / max(len(self._sessions), 1) - self.GAP))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width, x = self._box_width(), 0.0
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.8, 6))
        self._boxes = []
        painter.setFont(small)
        for name, sessions in _phases(self._sessions):
            span = len(sessions) * (width + self.GAP) - self.GAP
            room = max(span, min(painter.fontMetrics().horizontalAdvance(name) + 4, 120))
            painter.setPen(QColor("#37474f"))
            label = painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, int(room))
            painter.drawText(QRectF(x, 0, room, self.LABEL), Qt.AlignmentFlag.AlignLeft, label)
            for session in sessions:
                tall = session.key.kind is AppointmentKind.DOSING
                top = self.LABEL + (0 if tall else self.BOX * 0.3)
                box = QRectF(x, top, width, self.BOX * (1 if tall else 0.7))
                back, text = STATE_COLOURS[session.state]
                painter.setBrush(QBrush(QColor(back)))
                painter.setPen(QPen(QColor(text), 1))
                painter.drawRoundedRect(box, 3, 3)
                if width >= 22:
                    short = f"{_SHORT[session.key.kind]}{session.key.number}"
                    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, short)
                self._boxes.append((box, session))
                x += width + self.GAP
            x += room - span + self.PHASE_GAP - self.GAP
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            pos = event.position() if hasattr(event, "position") else event.pos()  # type: ignore[attr-defined]
            hit = next((s for box, s in self._boxes if box.contains(pos)), None)
            if hit is not None:
                QToolTip.showText(event.globalPos(), session_words(hit, self._zone), self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class SessionTree(QTreeWidget):
    """Phases as groups, each session a row: what it is, when, and its state."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self._zone = zone
        self.setColumnCount(3)
        self.setHeaderLabels(["Session", "When", "State"])
        self.setAccessibleName("Course sessions")
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)

    def set_sessions(self, sessions: tuple[CourseSession, ...]) -> None:
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for name, group in _phases(sessions):
            counts = {state: sum(1 for s in group if s.state is state) for state in SessionState}
            parent = QTreeWidgetItem(
                [name, _span(group, self._zone), " · ".join(f"{n} {st.value}" for st, n in counts.items() if n)]
            )
            parent.setFont(0, bold)
            parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.addTopLevelItem(parent)
            for session in group:
                item = QTreeWidgetItem([session.key.label, session_when(session, self._zone), session.state.label])
                back, text = STATE_COLOURS[session.state]
                item.setBackground(2, QBrush(QColor(back)))
                item.setForeground(2, QBrush(QColor(text)))
                item.setData(0, Qt.ItemDataRole.UserRole, session.id)
                parent.addChild(item)
        self.expandAll()

    def rows(self) -> list[tuple[str, str, str]]:
        """Every session row as shown (label, when, state), in order."""
        found = []
        for index in range(self.topLevelItemCount()):
            parent = self.topLevelItem(index)
            for child in range(parent.childCount()):
                item = parent.child(child)
                found.append((item.text(0), item.text(1), item.text(2)))
        return found


def _span(sessions: list[CourseSession], zone: ZoneInfo) -> str:
    times = [s.starts_at for s in sessions if s.starts_at is not None and s.status is not Status.CANCELLED]
    if not times:
        return ""
    first, last = min(times).astimezone(zone), max(times).astimezone(zone)
    if first.date() == last.date():
        return f"{first:%a %b} {first.day}"
    return f"{first:%b} {first.day} – {last:%b} {last.day}"


class CourseTimeline(QWidget):
    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.strip = TimelineStrip(zone)
        self.tree = SessionTree(zone)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.strip)
        layout.addWidget(self.tree, 1)

    def set_sessions(self, sessions: tuple[CourseSession, ...]) -> None:
        self.strip.set_sessions(sessions)
        self.tree.set_sessions(sessions)
