"""(h) scheduling, the canvas half: laying a loaded page out on kapdesk's CalendarCanvas, and drag feedback.

Used by schedule_bench.py (see its docstring for what is measured and the targets). Qt runs offscreen; the
canvas sits in a QScrollArea the size of a window, as ScheduleScreen puts it, and every step is timed the way
ScheduleScreen.reload does it: the page (already loaded), columns' open spans, set_view with the appointments
(one layout), set_flags; then a paint of what the viewport shows and (informational) of the whole canvas with grab().
Drag frames are a mouse move sent to the canvas plus the paint it asks for (QApplication.processEvents).
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import generate_schedule as gen
from audit_bench import log, ms, percentile
from generate_schedule import local_midnight, week_bounds

LOAD_MS_TARGET = 50.0
FRAME_MS_TARGET = 16.0
VIEWPORT = (1280, 800)
FIRST_HOUR, LAST_HOUR = 7, 19  # clinic hours with an hour either side, as view_state.hour_range gives them
VIEWS = ("week-7", "week-140", "day-20", "week-1")


def median_ms(values: Sequence[float]) -> float:
    return ms(statistics.median(values)) if values else 0.0


class Views:
    """The calendar's columns for the views measured, built the way kapdesk.ui.schedule.view_state does."""

    def __init__(self, clinic: Any, zone: ZoneInfo) -> None:
        resources = clinic.schedule_setup.resources()
        self.clinicians = [c for c in resources.clinicians if getattr(c, "active", True)]
        self.zone = zone

    def days(self, monday: date) -> list[Any]:
        from kapdesk.ui.schedule.layout import Column

        days = [monday + timedelta(days=n) for n in range(7)]
        return [Column(f"d{d.isoformat()}", f"{d:%a %m/%d}", d, None, None) for d in days]

    def clinician_days(self, monday: date) -> list[Any]:
        from kapdesk.ui.schedule.layout import Column

        days = [monday + timedelta(days=n) for n in range(7)]
        return [
            Column(f"c{c.id}-{d.isoformat()}", f"{d:%a} {c.full_name}", d, c.id, None)
            for d in days
            for c in self.clinicians
        ]

    def clinician_day(self, day: date) -> list[Any]:
        from kapdesk.ui.schedule.layout import Column

        return [Column(f"c{c.id}", c.full_name, day, c.id, None) for c in self.clinicians]

    def one_clinician(self, monday: date, clinician_id: int) -> list[Any]:
        from kapdesk.ui.schedule.layout import Column

        days = [monday + timedelta(days=n) for n in range(7)]
        return [Column(f"d{d.isoformat()}", f"{d:%a %m/%d}", d, clinician_id, None) for d in days]


def open_spans(columns: Sequence[Any], availability: Any) -> dict[str, list[tuple[datetime, datetime]]]:
    """view_state.open_spans: clinic hours for day columns, a clinician's hours and time off for theirs."""
    spans = {}
    for column in columns:
        if column.clinician_id is not None:
            spans[column.key] = availability.open_spans(column.day, [column.clinician_id])
        else:
            clinic = availability.clinic_span(column.day)
            spans[column.key] = [clinic] if clinic else []
    return spans


@contextmanager
def guarded() -> Iterator[None]:
    """kapdesk's guard against PySide6 6.12's None refcount bug, around our own thousands of Qt calls."""
    try:
        from kapdesk.ui.schedule.none_refs import none_kept_alive
    except ImportError:
        with nullcontext():
            yield
        return
    with none_kept_alive():
        yield


class Stage:
    """A CalendarCanvas in a QScrollArea the size of a window, shown offscreen, with its paints counted."""

    def __init__(self, now: datetime) -> None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QScrollArea

        from kapdesk.ui.schedule.canvas import CalendarCanvas

        self.canvas = CalendarCanvas(now=lambda: now)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setWidget(self.canvas)
        self.area.resize(*VIEWPORT)
        self.paints = 0
        self.painted_pixels = 0
        stage = self

        class Counter(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    stage.paints += 1
                    stage.painted_pixels += sum(r.width() * r.height() for r in event.region())  # type: ignore[attr-defined]
                return False

        self._counter = Counter()
        self.canvas.installEventFilter(self._counter)
        self.area.show()

    def settle(self) -> None:
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()

    def close(self) -> None:
        self.canvas.removeEventFilter(self._counter)
        self.area.close()
        self.area.deleteLater()
        self.settle()


def show(stage: Stage, columns: list[Any], page: Any, availability: Any, zone: ZoneInfo) -> dict[str, float]:
    """What ScheduleScreen.reload does after the page: columns' open spans, set_view with the page's appointments
    (laid out once), set_flags. Times."""
    clock_ = time.perf_counter
    began = clock_()
    spans = open_spans(columns, availability)
    spanned = clock_()
    stage.canvas.set_view(columns, FIRST_HOUR, LAST_HOUR, zone, spans, list(page.appointments))
    viewed = clock_()
    stage.canvas.set_flags(page.flags())
    flagged = clock_()
    return {"spans": spanned - began, "set_view": viewed - spanned, "flags": flagged - viewed}


def paint_times(stage: Stage) -> tuple[float, float]:
    """(visible viewport repainted now, the whole canvas rendered with grab())."""
    stage.settle()  # layout of the scroll area after set_view
    began = time.perf_counter()
    stage.canvas.repaint()  # clipped to what the viewport shows
    visible = time.perf_counter() - began
    began = time.perf_counter()
    stage.canvas.grab()
    whole = time.perf_counter() - began
    return visible, whole


def layout_benchmark(
    clinic: Any,
    views: Views,
    pages: dict[date, Any],
    page_ms: dict[date, float],
    zone: ZoneInfo,
    repeats: int,
    coming: date,
    drag_steps: int,
) -> dict[str, Any]:
    from kapdesk.ui.schedule.layout import Grid, Placement

    availability = clinic.schedule_setup.availability()
    stage = Stage(gen.NOW)
    results: dict[str, Any] = {}

    def load(start: datetime, end: datetime, **filters: int) -> tuple[Any, float]:
        """The page and its median time over 3 calls."""
        times = []
        for _ in range(3):
            began = time.perf_counter()
            page = clinic.calendar.page(start, end, **filters)
            times.append(time.perf_counter() - began)
        return page, statistics.median(times)

    def whole_week(monday: date) -> tuple[Any, float]:
        return (pages[monday], page_ms[monday]) if monday in pages else load(*week_bounds(monday, zone))

    def day_view(monday: date) -> tuple[list[Any], Any, float]:
        day = monday + timedelta(days=1)
        return views.clinician_day(day), *load(local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone))

    def clinician_week(monday: date) -> tuple[list[Any], Any, float]:
        clinician = views.clinicians[len(views.clinicians) // 2].id
        return views.one_clinician(monday, clinician), *load(*week_bounds(monday, zone), clinician_id=clinician)

    plans: dict[str, Callable[[date], tuple[list[Any], Any, float]]] = {
        "week-7": lambda m: (views.days(m), *whole_week(m)),
        "week-140": lambda m: (views.clinician_days(m), *whole_week(m)),
        "day-20": day_view,
        "week-1": clinician_week,
    }
    try:
        for key, plan in plans.items():
            per_week: dict[str, list[float]] = {}
            counts, widths = [], []
            for monday in pages:
                columns, page, loaded = plan(monday)
                counts.append(len(page.appointments))
                widths.append(len(columns))
                samples: dict[str, list[float]] = {}
                for _ in range(repeats):
                    with guarded():
                        shown = show(stage, columns, page, availability, zone)
                        visible, whole = paint_times(stage)
                    began = time.perf_counter()
                    grid = Grid(tuple(columns), FIRST_HOUR, LAST_HOUR, stage.canvas.grid.column_width)
                    Placement(grid, page.appointments, zone)
                    placement = time.perf_counter() - began
                    for name, value in (*shown.items(), ("paint_visible", visible), ("paint_whole", whole)):
                        samples.setdefault(name, []).append(value)
                    samples.setdefault("placement", []).append(placement)
                for name, values in samples.items():
                    per_week.setdefault(name, []).append(statistics.median(values))
                per_week.setdefault("page", []).append(loaded)
                layout = sum(statistics.median(samples[n]) for n in ("spans", "set_view", "flags"))
                per_week.setdefault("layout", []).append(layout)
                per_week.setdefault("load_and_layout", []).append(loaded + layout)
            entry = {name: median_ms(values) for name, values in per_week.items()}
            entry["load_and_layout_worst_ms"] = ms(max(per_week["load_and_layout"]))
            entry["appointments"] = statistics.median(counts)
            entry["columns"] = max(widths)
            if key.startswith("week-7") or key.startswith("week-140"):
                entry["pass"] = entry["load_and_layout"] < LOAD_MS_TARGET
            results[key] = entry
            log(f"schedule layout: {key} load+layout {entry['load_and_layout']:.1f} ms")
        results["drag"] = drag_benchmark(clinic, stage, plans, availability, zone, coming, drag_steps)
    finally:
        stage.close()
    return results


def drag_benchmark(
    clinic: Any,
    stage: Stage,
    plans: dict[str, Callable[[date], tuple[list[Any], Any, float]]],
    availability: Any,
    zone: ZoneInfo,
    coming: date,
    steps: int = 100,
    drags: int = 3,
) -> dict[str, Any]:
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from kapdesk.ui.schedule.canvas_drag import movable

    start, end = week_bounds(coming, zone)
    week = clinic.calendar.page(start, end)
    results: dict[str, Any] = {"week": coming.isoformat(), "appointments": len(week.appointments), "steps": steps}
    left = Qt.MouseButton.LeftButton

    def send(kind: QEvent.Type, x: float, y: float, button: Qt.MouseButton, buttons: Qt.MouseButton) -> None:
        point = QPointF(x, y)
        event = QMouseEvent(
            kind, point, stage.canvas.mapToGlobal(point), button, buttons, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(stage.canvas, event)

    for key in ("week-7", "week-140", "day-20", "week-1"):
        columns, page, _loaded = plans[key](coming)
        with guarded():
            show(stage, columns, page, availability, zone)
            stage.settle()
        grid, placement = stage.canvas.grid, stage.canvas.placement
        viewport = stage.area.viewport().size()
        visible_columns = max(1, min(len(columns), int((viewport.width() - grid.left) // grid.column_width)))
        # Scheduled blocks in the visible columns, in their middle hours: something a receptionist would move.
        candidates = [
            block
            for index in range(visible_columns)
            for block in placement.columns[index]
            if movable(block) and block.h > 12 and grid.y_of(9 * 60) < block.y < grid.y_of(14 * 60)
        ]
        rng = random.Random(len(columns))
        frames: list[float] = []
        painted: list[float] = []  # the frames whose move changed the ghost, so something was repainted
        paints_before, pixels_before = stage.paints, stage.painted_pixels
        moved = 0
        for n in range(min(drags, len(candidates))):
            block = rng.choice(candidates)
            x0, y0 = block.x + block.w / 2, block.y + block.h / 2
            # Across to a column two or more away while swinging two hours up and down, so most moves land on
            # another 5-minute step and the ghost moves (a move within the same step repaints nothing).
            target = (block.column + 2 + n) % visible_columns
            x1 = grid.column_x(target) + grid.column_width / 2
            low, high = grid.top + 5, grid.height - 5
            with guarded():
                send(QEvent.Type.MouseButtonPress, x0, y0, left, left)
                stage.settle()
                for step in range(1, steps + 1):
                    x = x0 + (x1 - x0) * step / steps
                    y = min(max(y0 + 2 * grid.hour_height * math.sin(3 * math.pi * step / steps), low), high)
                    paints = stage.paints
                    began = time.perf_counter()
                    send(QEvent.Type.MouseMove, x, y, Qt.MouseButton.NoButton, left)
                    QApplication.processEvents()  # the paint the move asked for
                    elapsed = time.perf_counter() - began
                    frames.append(elapsed)
                    if stage.paints > paints:
                        painted.append(elapsed)
                send(QEvent.Type.MouseButtonRelease, x, y, left, Qt.MouseButton.NoButton)
                stage.settle()
            moved += 1
        if not painted:
            results[key] = {"error": "no movable appointment in the visible columns"}
            continue
        paints = stage.paints - paints_before
        results[key] = {
            "appointments": len(page.appointments),
            "columns": len(columns),
            "drags": moved,
            "frames": len(frames),
            "paints": paints,
            "pixels_per_paint": round((stage.painted_pixels - pixels_before) / max(paints, 1)),
            "painted_frames": len(painted),
            "moves_median_ms": median_ms(frames),
            "moves_p95_ms": ms(percentile(frames, 0.95)),
            "median_ms": median_ms(painted),
            "p95_ms": ms(percentile(painted, 0.95)),
            "max_ms": ms(max(painted)),
            "pass": percentile(painted, 0.95) < FRAME_MS_TARGET / 1000,
        }
        log(f"schedule drag: {key} p95 {results[key]['p95_ms']:.1f} ms over {len(painted)} painted frames")
    return results
