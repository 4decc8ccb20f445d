"""Work off the UI thread: results come back by signal, and Python's cyclic collector never runs on a worker (it
could destroy the UI thread's Qt objects there) but is back on once the work has reported."""

from __future__ import annotations

import gc

from kapdesk.ui.tasks import BackgroundTask, BatchTask


def test_a_background_task_runs_with_the_collector_off_and_turns_it_back_on(qtbot) -> None:  # type: ignore[no-untyped-def]
    seen: list[bool] = []
    task = BackgroundTask(lambda: seen.append(gc.isenabled()) or 42)
    with qtbot.waitSignal(task.succeeded, timeout=5000) as blocker:
        task.start()
    assert blocker.args == [42] and seen == [False] and gc.isenabled()

    def fail() -> None:
        raise ValueError("no")

    failing = BackgroundTask(fail)
    with qtbot.waitSignal(failing.failed, timeout=5000) as blocker:
        failing.start()
    assert isinstance(blocker.args[0], ValueError) and gc.isenabled()


def test_a_batch_reports_each_item_and_turns_the_collector_back_on(qtbot) -> None:  # type: ignore[no-untyped-def]
    seen: list[bool] = []
    task = BatchTask([1, 2, 3], lambda n: seen.append(gc.isenabled()) or n * 10)
    done: list[tuple[int, int]] = []
    task.item_done.connect(lambda _index, item, result: done.append((item, result)))
    with qtbot.waitSignal(task.finished, timeout=5000) as blocker:
        task.start()
    assert blocker.args == [False] and done == [(1, 10), (2, 20), (3, 30)]
    assert seen == [False, False, False] and gc.isenabled()


def test_a_bool_carried_by_a_signal_many_times_does_not_run_out_of_references() -> None:
    """PySide6 6.12 drops a reference to True or False on every emit of a bool; kapdesk.ui.none_refs keeps them
    alive (the suite's conftest and the app's launch call it). Without that this aborts the whole process."""
    from PySide6.QtCore import QObject, Signal

    class Carrier(QObject):
        said = Signal(bool)

    carrier = Carrier()
    heard: list[bool] = []
    carrier.said.connect(heard.append)
    emits = 50_000  # False starts with a few thousand references here: unguarded, its count would reach zero
    for _ in range(emits):
        carrier.said.emit(False)
    assert len(heard) == emits and heard[-1] is False
