"""The painted calendar driven like a user would: drags, clicks and keys on a real widget, real appointments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QScrollArea, QToolTip

from kapdesk.domain.appointments import AppointmentKind, Status
from kapdesk.ui.schedule.agenda_model import APPOINTMENT_ROLE, AgendaModel
from kapdesk.ui.schedule.canvas import CalendarCanvas
from kapdesk.ui.schedule.colours import GHOST_EDGE, style_for
from kapdesk.ui.schedule.layout import GUTTER, HEADER, Column
from tests.ui.test_calendar_layout import LA, appointment, at, clinician_day, week

DAY = date(2026, 11, 17)  # Pacific Standard Time: 09:00 local is 17:00 UTC
NOW = at(DAY, 11, 20)
COLUMN_WIDTH = 150
LEFT = Qt.MouseButton.LeftButton


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return at(day, hour, minute).astimezone(UTC)


@pytest.fixture
def make_canvas(qtbot) -> Callable[..., CalendarCanvas]:  # type: ignore[no-untyped-def]
    def make(appointments: list, columns: tuple[Column, ...] = clinician_day(1, 2, 3)) -> CalendarCanvas:  # type: ignore[type-arg]
        canvas = CalendarCanvas(now=lambda: NOW)
        qtbot.addWidget(canvas)
        canvas.set_view(list(columns), 8, 18, LA, {})
        canvas.set_appointments(appointments)
        canvas.resize(int(GUTTER) + COLUMN_WIDTH * len(columns), int(HEADER) + 10 * 48)
        canvas.show()
        qtbot.waitExposed(canvas)
        canvas.setFocus()
        return canvas

    return make


def point(column: int, hour: int, minute: int = 0, x: int = 40) -> QPoint:
    """A point `x` pixels into a column at a local time, from the layout the user sees (48 px per hour from 08:00)."""
    return QPoint(int(GUTTER) + COLUMN_WIDTH * column + x, int(HEADER + (hour - 8) * 48 + minute * 48 / 60))


def drag(qtbot, canvas: CalendarCanvas, start: QPoint, *stops: QPoint) -> None:  # type: ignore[no-untyped-def]
    qtbot.mousePress(canvas, LEFT, pos=start)
    for stop in stops:
        qtbot.mouseMove(canvas, stop)
    qtbot.mouseRelease(canvas, LEFT, pos=stops[-1] if stops else start)


def test_dragging_over_empty_time_asks_to_create_it_in_that_column_snapped_to_five_minutes(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([appointment(1, utc(DAY, 9))])

    with qtbot.waitSignal(canvas.create_requested) as created:
        drag(qtbot, canvas, point(1, 9, 2), point(1, 9, 40), point(1, 10, 28))

    assert created.args == ["c2", utc(DAY, 9), utc(DAY, 10, 30)]
    assert created.args[1].tzinfo is UTC or created.args[1].utcoffset() == timedelta(0)


def test_dragging_upwards_creates_the_same_span(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([])

    with qtbot.waitSignal(canvas.create_requested) as created:
        drag(qtbot, canvas, point(0, 14, 31), point(0, 13, 14))

    assert created.args == ["c1", utc(DAY, 13, 15), utc(DAY, 14, 30)]


def test_a_click_on_empty_time_asks_for_an_hour_from_there(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([])

    with qtbot.waitSignal(canvas.create_requested) as created:
        qtbot.mouseClick(canvas, LEFT, pos=point(2, 15, 29))

    assert created.args == ["c3", utc(DAY, 15, 30), utc(DAY, 16, 30)]


def test_dragging_an_appointment_to_another_column_and_time_keeps_its_exact_length(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    fifty = appointment(7, utc(DAY, 10), minutes=50)
    canvas = make_canvas([fifty])

    with qtbot.waitSignal(canvas.move_requested) as moved:
        drag(qtbot, canvas, point(0, 10, 25), point(1, 11, 0), point(2, 13, 26))

    assert moved.args == [7, "c3", utc(DAY, 13), utc(DAY, 13, 50)]
    assert canvas.selected_id == 7


def test_dragging_the_bottom_edge_changes_only_the_end(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([appointment(3, utc(DAY, 10))])
    bottom_edge = point(0, 11) - QPoint(0, 2)

    with qtbot.waitSignal(canvas.move_requested) as moved:
        drag(qtbot, canvas, bottom_edge, point(0, 11, 20), point(0, 11, 31))

    assert moved.args == [3, "c1", utc(DAY, 10), utc(DAY, 11, 30)]


def test_dragging_the_top_edge_changes_only_the_start(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([appointment(3, utc(DAY, 10))])

    with qtbot.waitSignal(canvas.move_requested) as moved:
        drag(qtbot, canvas, point(0, 10) + QPoint(0, 2), point(0, 9, 40), point(0, 9, 45))

    assert moved.args == [3, "c1", utc(DAY, 9, 45), utc(DAY, 11)]


def test_an_end_cannot_be_dragged_above_the_start(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([appointment(3, utc(DAY, 10))])

    with qtbot.waitSignal(canvas.move_requested) as moved:
        drag(qtbot, canvas, point(0, 11) - QPoint(0, 2), point(0, 10, 30), point(0, 9))

    assert moved.args == [3, "c1", utc(DAY, 10), utc(DAY, 10, 5)]


def test_escape_cancels_a_drag_and_nothing_is_asked(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([appointment(1, utc(DAY, 10))])

    with qtbot.assertNotEmitted(canvas.move_requested), qtbot.assertNotEmitted(canvas.create_requested):
        qtbot.mousePress(canvas, LEFT, pos=point(0, 10, 30))
        qtbot.mouseMove(canvas, point(1, 12))
        qtbot.keyClick(canvas, Qt.Key.Key_Escape)
        qtbot.mouseRelease(canvas, LEFT, pos=point(1, 12))
        qtbot.mousePress(canvas, LEFT, pos=point(2, 14))
        qtbot.mouseMove(canvas, point(2, 16))
        qtbot.keyClick(canvas, Qt.Key.Key_Escape)
        qtbot.mouseRelease(canvas, LEFT, pos=point(2, 16))


def test_a_drag_that_ends_where_it_began_asks_nothing(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([appointment(1, utc(DAY, 10))])

    with qtbot.assertNotEmitted(canvas.move_requested):
        drag(qtbot, canvas, point(0, 10, 30), point(0, 12), point(0, 10, 31))
        drag(qtbot, canvas, point(0, 10, 30), point(0, 10, 31))  # a twitch, not a drag


def test_a_refresh_from_another_computer_mid_drag_keeps_the_drag_unless_the_appointment_is_gone(
    qtbot, make_canvas
) -> None:  # type: ignore[no-untyped-def]
    mine = appointment(1, utc(DAY, 10))
    canvas = make_canvas([mine])

    with qtbot.waitSignal(canvas.move_requested) as moved:
        qtbot.mousePress(canvas, LEFT, pos=point(0, 10, 30))
        qtbot.mouseMove(canvas, point(0, 12))
        canvas.set_appointments([mine, appointment(2, utc(DAY, 15), clinicians=(2,))])
        qtbot.mouseMove(canvas, point(0, 13, 30))
        qtbot.mouseRelease(canvas, LEFT, pos=point(0, 13, 30))
    assert moved.args == [1, "c1", utc(DAY, 13), utc(DAY, 14)]

    with qtbot.assertNotEmitted(canvas.move_requested):
        qtbot.mousePress(canvas, LEFT, pos=point(0, 10, 30))
        qtbot.mouseMove(canvas, point(0, 12))
        canvas.set_appointments([replace(mine, status=Status.CANCELLED)])
        qtbot.mouseRelease(canvas, LEFT, pos=point(0, 12))


def test_what_is_over_cannot_be_dragged_but_opens_on_double_click(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    over = [
        appointment(1, utc(DAY, 9), status=Status.CANCELLED),
        appointment(2, utc(DAY, 9), clinicians=(2,), status=Status.COMPLETED),
        appointment(3, utc(DAY, 9), clinicians=(3,), status=Status.NO_SHOW),
    ]
    canvas = make_canvas(over)

    with qtbot.assertNotEmitted(canvas.move_requested), qtbot.assertNotEmitted(canvas.create_requested):
        for column in range(3):
            drag(qtbot, canvas, point(column, 9, 30), point(column, 12))
            drag(qtbot, canvas, point(column, 10) - QPoint(0, 2), point(column, 12))
    with qtbot.waitSignal(canvas.open_requested) as opened:
        qtbot.mouseDClick(canvas, LEFT, pos=point(0, 9, 30))
    assert opened.args == [1]


def test_double_click_opens_the_appointment_and_enter_opens_the_selected_one(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([appointment(4, utc(DAY, 10)), appointment(5, utc(DAY, 13), clinicians=(2,))])

    with qtbot.waitSignal(canvas.open_requested) as opened:
        qtbot.mouseDClick(canvas, LEFT, pos=point(1, 13, 30))
    assert opened.args == [5]

    canvas.select(4)
    with qtbot.waitSignal(canvas.open_requested) as opened:
        qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.args == [4]


def test_clicking_selects_the_appointment_in_the_lane_under_the_pointer(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    cancelled = appointment(1, utc(DAY, 10), status=Status.CANCELLED)
    rebooked = appointment(2, utc(DAY, 10))
    canvas = make_canvas([cancelled, rebooked])

    with qtbot.waitSignal(canvas.selection_changed) as changed:
        qtbot.mouseClick(canvas, LEFT, pos=point(0, 10, 30, x=100))
    assert changed.args == [2]
    with qtbot.waitSignal(canvas.selection_changed) as changed:
        qtbot.mouseClick(canvas, LEFT, pos=point(0, 10, 30, x=20))
    assert changed.args == [1]


@pytest.mark.parametrize(
    ("key", "signal", "args"),
    [
        (Qt.Key.Key_T, "today_requested", []),
        (Qt.Key.Key_PageUp, "navigate", [-1]),
        (Qt.Key.Key_PageDown, "navigate", [1]),
    ],
)
def test_t_and_page_keys_ask_the_screen_to_move(qtbot, make_canvas, key: Qt.Key, signal: str, args: list) -> None:  # type: ignore[no-untyped-def, type-arg]
    canvas = make_canvas([])

    with qtbot.waitSignal(getattr(canvas, signal)) as emitted:
        qtbot.keyClick(canvas, key)

    assert emitted.args == args


def test_ctrl_t_is_left_to_the_window(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([])

    with qtbot.assertNotEmitted(canvas.today_requested):
        qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)


def test_arrow_keys_walk_a_column_by_time_and_jump_to_the_nearest_across(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas(
        [
            appointment(1, utc(DAY, 14)),
            appointment(2, utc(DAY, 9)),
            appointment(3, utc(DAY, 11)),
            appointment(4, utc(DAY, 15, 30), clinicians=(3,)),
            appointment(5, utc(DAY, 8), clinicians=(3,)),
        ]
    )
    presses = [
        (Qt.Key.Key_Down, 2),
        (Qt.Key.Key_Down, 3),
        (Qt.Key.Key_Down, 1),
        (Qt.Key.Key_Down, 1),  # the last stays selected
        (Qt.Key.Key_Up, 3),
        (Qt.Key.Key_Right, None),  # the empty middle column takes the focus
        (Qt.Key.Key_Right, 5),  # nearest to 11:00 in the third column: 08:00 beats 15:30
        (Qt.Key.Key_Down, 4),
        (Qt.Key.Key_Left, None),
        (Qt.Key.Key_Left, 1),  # nearest to 15:30 back in the first
    ]
    seen = []
    for key, _ in presses:
        qtbot.keyClick(canvas, key)
        seen.append(canvas.selected_id)

    assert seen == [expected for _, expected in presses]


def test_home_scrolls_to_the_first_appointment_under_the_header(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([appointment(1, utc(DAY, 15)), appointment(2, utc(DAY, 13), clinicians=(2,))])
    afternoons = {f"c{n}": [(utc(DAY, 14), utc(DAY, 18))] for n in (1, 2, 3)}
    canvas.set_view(list(clinician_day(1, 2, 3)), 8, 18, LA, afternoons)  # opens after the first appointment
    area = QScrollArea()
    qtbot.addWidget(area)
    area.setWidgetResizable(True)
    area.setWidget(canvas)
    area.resize(560, 200)
    area.show()
    qtbot.waitExposed(area)

    qtbot.keyClick(canvas, Qt.Key.Key_Home)

    top = area.verticalScrollBar().value()
    first = HEADER + 5 * 48  # 13:00
    assert first - 48 < top + HEADER <= first  # visible, just below the sticky header


def test_selecting_off_screen_scrolls_the_appointment_into_view(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([appointment(1, utc(DAY, 17))])
    area = QScrollArea()
    qtbot.addWidget(area)
    area.setWidgetResizable(True)
    area.setWidget(canvas)
    area.resize(560, 200)
    area.show()
    qtbot.waitExposed(area)

    canvas.select(1)

    top = area.verticalScrollBar().value()
    block = HEADER + 9 * 48
    assert top + HEADER <= block and block + 48 <= top + area.viewport().height()


def test_a_dst_week_turns_the_same_nine_o_clock_line_into_each_day_s_own_utc_time(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    columns = week(date(2026, 3, 5))  # Thursday to Wednesday; clocks spring forward on Sunday the 8th
    nines = [appointment(1, utc(date(2026, 3, 6), 9)), appointment(2, utc(date(2026, 3, 9), 9))]
    canvas = make_canvas(nines, columns)
    blocks = [canvas.placement.block(1), canvas.placement.block(2)]
    assert blocks[0] and blocks[1] and blocks[0].y == blocks[1].y == HEADER + 48

    requests = []
    canvas.create_requested.connect(lambda *args: requests.append(args))
    for column in (0, 3, 6):
        qtbot.mouseClick(canvas, LEFT, pos=point(column, 9, 0))

    assert [(key, start) for key, start, _ in requests] == [
        ("2026-03-05", datetime(2026, 3, 5, 17, tzinfo=UTC)),
        ("2026-03-08", datetime(2026, 3, 8, 16, tzinfo=UTC)),
        ("2026-03-11", datetime(2026, 3, 11, 16, tzinfo=UTC)),
    ]


def test_the_cursor_offers_resizing_on_edges_and_moving_in_the_middle_of_what_can_move(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas(
        [appointment(1, utc(DAY, 10)), appointment(2, utc(DAY, 10), clinicians=(2,), status=Status.COMPLETED)]
    )

    def cursor_at(pos: QPoint) -> Qt.CursorShape:
        qtbot.mouseMove(canvas, pos)
        return canvas.cursor().shape()

    assert cursor_at(point(0, 11) - QPoint(0, 2)) == Qt.CursorShape.SizeVerCursor
    assert cursor_at(point(0, 10) + QPoint(0, 2)) == Qt.CursorShape.SizeVerCursor
    assert cursor_at(point(0, 10, 30)) == Qt.CursorShape.OpenHandCursor
    assert cursor_at(point(1, 11) - QPoint(0, 2)) == Qt.CursorShape.ArrowCursor
    assert cursor_at(point(0, 13)) == Qt.CursorShape.ArrowCursor


def test_a_ghost_shows_where_the_appointment_will_go_while_dragging(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([appointment(1, utc(DAY, 10))])
    target = point(2, 14, 30, x=COLUMN_WIDTH // 2)

    def ghost_edge_pixels() -> int:
        image = canvas.grab().toImage()
        column = [QColor(image.pixel(x, target.y())) for x in range(target.x() - 80, target.x() + 80)]
        return sum(1 for c in column if c == GHOST_EDGE)

    assert ghost_edge_pixels() == 0
    qtbot.mousePress(canvas, LEFT, pos=point(0, 10, 30))
    qtbot.mouseMove(canvas, point(1, 12))
    qtbot.mouseMove(canvas, point(2, 14, 30))
    assert ghost_edge_pixels() >= 2  # its left and right edges cross the row
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert ghost_edge_pixels() == 0


def test_a_warning_badge_s_text_is_in_the_tooltip(qtbot, make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([appointment(1, utc(DAY, 10), kind=AppointmentKind.DOSING)])
    canvas.set_flags({1: "No escort named for the ride home."})
    pos = point(0, 10, 30)

    QApplication.sendEvent(canvas, QHelpEvent(QEvent.Type.ToolTip, pos, canvas.mapToGlobal(pos)))

    assert QToolTip.text().splitlines()[:2] == [
        "⚠ No escort named for the ride home.",
        "Tue Nov 17, 10:00–11:00  ·  Scheduled",
    ]
    QToolTip.hideText()


def test_the_canvas_asks_for_room_for_every_hour_and_readable_columns(make_canvas) -> None:  # type: ignore[no-untyped-def]
    canvas = make_canvas([], clinician_day(*range(1, 9)))

    assert canvas.sizeHint().height() == HEADER + 10 * 48
    assert canvas.minimumWidth() >= GUTTER + 8 * 120


def test_the_agenda_lists_appointments_by_time_in_the_clinic_s_zone_with_their_warnings(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = AgendaModel()
    later = appointment(2, utc(DAY, 14), clinicians=(1, 2), status=Status.CANCELLED, kind=AppointmentKind.DOSING)
    earlier = appointment(1, utc(DAY, 9, 30), kind=AppointmentKind.FOLLOW_UP)

    model.set_rows([later, earlier], LA, {1: "Screening expires first."})

    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert rows == [
        [
            "11/17/2026",
            "09:30–10:30",
            "Patient1, Pat",
            "Follow-up",
            "Clinician 1",
            "Room 1",
            "Scheduled",
            "Screening expires first.",
        ],
        ["11/17/2026", "14:00–15:00", "Patient2, Pat", "Dosing", "Clinician 1, Clinician 2", "Room 1", "Cancelled", ""],
    ]
    assert model.index(1, 0).data(APPOINTMENT_ROLE) is later is model.appointment_at(1)
    assert model.row_of(2) == 1


def _luminance(colour: QColor) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


@pytest.mark.parametrize("kind", list(AppointmentKind))
@pytest.mark.parametrize("status", list(Status))
def test_block_text_is_readable_on_every_kind_and_status(kind: AppointmentKind, status: Status) -> None:
    style = style_for(kind, status)
    light, dark = sorted((_luminance(style.fill), _luminance(style.text)), reverse=True)

    assert (light + 0.05) / (dark + 0.05) >= 4.5  # WCAG AA for normal text
