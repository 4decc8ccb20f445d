"""A box to sign in with the mouse, a pen or a finger: smooth strokes, a Clear button, and the drawing handed over as
a small PNG (black ink on white, cropped to the strokes) for the signed consent's PDF.

A pen's tablet events that the widget leaves unaccepted arrive again as mouse events, so handling the mouse covers
pens and touch screens too."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

INK = QColor("#111111")
INK_WIDTH = 2.6  # screen pixels; the PNG is drawn at EXPORT_SCALE times this
EXPORT_SCALE = 2.0  # the PNG has twice the screen's pixels: crisp at a printed signature's size
EXPORT_MARGIN = 10.0  # screen pixels of white around the strokes
EXPORT_MAX = QSize(1200, 400)  # a signature, not a poster: larger drawings are scaled down to fit
MIN_WIDTH = 40.0  # screen pixels the strokes must span: a dot or a tick is not a signature
GUIDE = QColor("#9aa5b1")


def stroke_path(points: list[QPointF]) -> QPainterPath:
    """A smooth line through the sampled points: quadratic curves between the midpoints, each sample a control
    point, so the corners a mouse's sampling makes are rounded off."""
    path = QPainterPath(points[0])
    if len(points) == 1:
        path.lineTo(points[0] + QPointF(0.1, 0.1))  # a dot: a round cap makes it visible
        return path
    for previous, current in pairwise(points[1:]):
        path.quadTo(previous, (previous + current) / 2)
    path.lineTo(points[-1])
    return path


class InkArea(QWidget):
    """The surface drawn on. Strokes are kept as the points sampled, in widget coordinates."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strokes: list[list[QPointF]] = []
        self._drawing = False
        self.setMinimumSize(360, 130)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAccessibleName("Signature pad")
        self.setAccessibleDescription("Sign with the mouse, a pen or a finger. Clear starts again.")

    def sizeHint(self) -> QSize:
        return QSize(480, 160)

    def baseline_y(self) -> float:
        return self.height() * 0.72

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._drawing = True
        self.strokes.append([event.position()])
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._drawing:
            return
        stroke = self.strokes[-1]
        point = event.position()
        if (point - stroke[-1]).manhattanLength() >= 1.0:  # drop samples that add nothing but weight
            stroke.append(point)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._drawing or event.button() != Qt.MouseButton.LeftButton:
            return
        self._drawing = False
        if (event.position() - self.strokes[-1][-1]).manhattanLength() >= 1.0:
            self.strokes[-1].append(event.position())
        self.update()
        self.changed.emit()

    def clear(self) -> None:
        self.strokes.clear()
        self._drawing = False
        self.update()
        self.changed.emit()

    def paths(self) -> list[QPainterPath]:
        return [stroke_path(points) for points in self.strokes if points]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        painter.setPen(QPen(GUIDE, 1.0))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        y = self.baseline_y()
        painter.drawLine(QPointF(24, y), QPointF(self.width() - 24, y))
        painter.drawText(QRectF(8, y - 22, 16, 20), Qt.AlignmentFlag.AlignCenter, "×")
        if not self.strokes:
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * 1.2)
            painter.setFont(font)
            painter.drawText(QRectF(0, y + 4, self.width(), self.height() - y - 4), Qt.AlignmentFlag.AlignHCenter
                             | Qt.AlignmentFlag.AlignTop, "Sign here")  # fmt: skip
        painter.setPen(_ink_pen(INK_WIDTH))
        for path in self.paths():
            painter.drawPath(path)
        painter.end()


class SignaturePad(QWidget):
    """The ink area with its Clear button. `changed` fires when a stroke ends and when the pad is cleared."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ink = InkArea()
        self.ink.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # drawing needs a pointer; Tab goes to Clear
        self.ink.changed.connect(self.changed)
        self.clear_button = QPushButton("C&lear signature")
        self.clear_button.setAccessibleName("Clear the signature")
        self.clear_button.clicked.connect(self.clear)
        self.hint = QLabel("Sign above the line with the mouse or a pen.")
        self.hint.setStyleSheet("color: #555555;")
        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.ink, 1)
        layout.addLayout(row)
        self.setFocusProxy(self.clear_button)

    def is_empty(self) -> bool:
        return not self.ink.strokes

    def too_small(self) -> bool:
        """Something is drawn, but narrower than any signature (a slip of the pen, a dot)."""
        bounds = QRectF()
        for path in self.ink.paths():
            bounds = bounds.united(path.boundingRect())
        return not self.is_empty() and bounds.width() < MIN_WIDTH

    def clear(self) -> None:
        self.ink.clear()

    def png(self) -> bytes:
        """The strokes as a greyscale PNG, cropped to them with a white margin; empty bytes when nothing is drawn."""
        paths = self.ink.paths()
        if not paths:
            return b""
        bounds = QRectF()
        for path in paths:
            bounds = bounds.united(path.boundingRect())
        bounds.adjust(-EXPORT_MARGIN, -EXPORT_MARGIN, EXPORT_MARGIN, EXPORT_MARGIN)
        scale = min(EXPORT_SCALE, EXPORT_MAX.width() / bounds.width(), EXPORT_MAX.height() / bounds.height())
        image = QImage(
            max(1, round(bounds.width() * scale)), max(1, round(bounds.height() * scale)), QImage.Format.Format_RGB32
        )
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        painter.translate(-bounds.topLeft())
        painter.setPen(_ink_pen(INK_WIDTH))
        for path in paths:
            painter.drawPath(path)
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.convertToFormat(QImage.Format.Format_Grayscale8).save(buffer, "PNG")
        return bytes(buffer.data().data())


def _ink_pen(width: float) -> QPen:
    return QPen(INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
