"""The calendar's batch of tomorrow's preparation instructions, on a real database: every patient dosing tomorrow gets
theirs, one who can't (no escort recorded) is listed with the reason, Cancel stops after the one being made, the
threaded run from the schedule screen reports back, and the PDFs print as one job or save one per patient."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPageSize, QPdfWriter
from PySide6.QtWidgets import QWidget

from kapdesk.domain.document_templates import DocumentKind
from kapdesk.domain.screening import Result
from kapdesk.services.clinic import Clinic
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.documents.batch import PreparationBatch, save_in_folder
from kapdesk.ui.pdf_output import render_pdfs
from kapdesk.ui.schedule.screen import ScheduleScreen
from tests.course_world import CourseWorld, course_world, new_course
from tests.schedule_world import MONDAY, ZONE


@pytest.fixture
def cw(sqlite_clinic: Clinic) -> CourseWorld:
    """Four patients, each with a planned course whose dose 1 is on the Tuesday; Łukasz's escort is added, Grace has
    none. The clinic's clock is on Monday morning, so "tomorrow" is that Tuesday."""
    world = course_world(sqlite_clinic, {i: Result.ELIGIBLE for i in range(4)})
    lukasz = sqlite_clinic.patients.get(world.patient(1))
    draft = replace(lukasz.as_draft(), escort_name="Ola Wójcik", escort_phone="503-555-0142")
    sqlite_clinic.patients.update(lukasz.id, lukasz.version, draft)
    for patient in range(4):
        view = new_course(sqlite_clinic, world, patient=patient)
        plan = sqlite_clinic.courses.propose(view.course.id)
        sqlite_clinic.courses.book_plan(view.course.id, view.course.version, plan.sessions)
    work = sqlite_clinic.patients._work  # the Work every service shares
    work.clock = lambda: datetime.combine(MONDAY, time(9), tzinfo=ZONE)  # type: ignore[method-assign]
    work.today = lambda: MONDAY  # type: ignore[method-assign]
    return world


def documents_of(clinic: Clinic, patient_id: int) -> list[DocumentKind]:
    return [d.kind for d in clinic.documents.for_patient(patient_id)]


@pytest.fixture
def parent(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_tomorrows_dosing_patients_get_their_instructions_and_one_who_cannot_is_listed_with_why(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, parent: QWidget
) -> None:  # type: ignore[no-untyped-def]
    bus = ChangeBus()
    published = []
    bus.changed.connect(published.append)
    batch = PreparationBatch(sqlite_clinic, bus, ZONE, parent, synchronous=True)
    assert batch.start()

    assert batch.day == MONDAY + timedelta(days=1)
    assert sorted(a.patient_id for a, _ in batch.made) == [cw.patient(i) for i in (0, 1, 2)]
    assert all(opened.intact and opened.pdf.startswith(b"%PDF") for _, opened in batch.made)
    [skipped] = batch.skipped
    assert skipped.appointment.patient_id == cw.patient(3)
    assert "The escort's phone number is not recorded" in skipped.reason
    for i in (0, 1, 2):
        assert documents_of(sqlite_clinic, cw.patient(i)) == [DocumentKind.PREPARATION]
    assert documents_of(sqlite_clinic, cw.patient(3)) == []
    assert [c.documents for c in published] == [frozenset(cw.patient(i) for i in (0, 1, 2))]  # told once

    summary = batch.summary
    assert summary is not None and summary.isVisible()
    assert "3 of 4 made" in summary.heading.text()
    listing = summary.listing.toPlainText()
    assert "Grace Hopper" in listing and "The escort's phone number is not recorded" in listing
    assert summary.print_button.isEnabled() and summary.print_button.text() == "&Print all (3)…"
    assert batch.progress is None  # the progress dialog is gone


def test_cancel_stops_after_the_one_being_made_and_what_was_made_stays(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, parent: QWidget
) -> None:  # type: ignore[no-untyped-def]
    batch = PreparationBatch(sqlite_clinic, ChangeBus(), ZONE, parent, synchronous=True)
    labels: list[str] = []

    def after(done: int) -> None:
        assert batch.progress is not None
        labels.append(batch.progress.labelText())
        if done == 1:
            batch.progress.canceled.emit()  # what the progress dialog's Cancel button sends

    batch.progressed.connect(after)
    assert batch.start()
    assert labels == ["Making 1 of 4: Ada Lovelace…"]
    assert [a.patient_id for a, _ in batch.made] == [cw.patient(0)]
    assert [a.patient_id for a in batch.not_reached] == [cw.patient(i) for i in (1, 2, 3)]
    assert documents_of(sqlite_clinic, cw.patient(0)) == [DocumentKind.PREPARATION]
    assert all(documents_of(sqlite_clinic, cw.patient(i)) == [] for i in (1, 2, 3))
    assert batch.summary is not None
    assert "1 of 4 made" in batch.summary.heading.text() and "3 not made" in batch.summary.heading.text()


def test_the_schedule_screen_runs_the_batch_off_the_ui_thread(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, settings: QSettings
) -> None:  # type: ignore[no-untyped-def]
    screen = ScheduleScreen(sqlite_clinic, ChangeBus(), settings)
    qtbot.addWidget(screen)
    screen.show()
    screen.session_started(sqlite_clinic.access.actor)
    assert screen.preparation_action.isEnabled()
    batch = screen.print_preparations()
    assert batch is not None
    qtbot.waitUntil(lambda: batch.summary is not None, timeout=20_000)
    assert len(batch.made) == 3 and len(batch.skipped) == 1
    assert batch.summary is not None and batch.summary.isVisible()


def test_the_made_pdfs_print_as_one_job_and_save_one_per_patient(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, parent: QWidget, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    batch = PreparationBatch(sqlite_clinic, ChangeBus(), ZONE, parent, synchronous=True)
    batch.start()
    pdfs = [opened.pdf for _, opened in batch.made]
    pages = sum(len(PdfReader(io.BytesIO(pdf)).pages) for pdf in pdfs)

    job = tmp_path / "job.pdf"
    writer = QPdfWriter(str(job))  # a printer that writes what it is sent
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    writer.setResolution(72)
    assert render_pdfs(writer, pdfs) == pages
    del writer  # ends the job
    assert len(PdfReader(job).pages) == pages

    folder = tmp_path / "out"
    folder.mkdir()
    (folder / f"preparation-{batch.day}-{batch.made[0][0].chart_number}.pdf").write_bytes(b"kept")
    written = save_in_folder(folder, batch)
    assert len(written) == 3 and all(path.read_bytes().startswith(b"%PDF") for path in written)
    assert (folder / f"preparation-{batch.day}-{batch.made[0][0].chart_number}.pdf").read_bytes() == b"kept"
    assert len(list(folder.iterdir())) == 4  # nothing overwritten


def test_a_day_with_no_dosing_says_so_and_starts_nothing(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, parent: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from kapdesk.ui.documents import batch as batch_module

    told: list[str] = []
    monkeypatch.setattr(batch_module.QMessageBox, "information", lambda _p, _t, text: told.append(text))
    work = sqlite_clinic.patients._work
    work.clock = lambda: datetime.combine(MONDAY - timedelta(days=3), time(9), tzinfo=ZONE)  # type: ignore[method-assign]
    batch = PreparationBatch(sqlite_clinic, ChangeBus(), ZONE, parent, synchronous=True)
    assert not batch.start()
    assert told == [f"No dosing session is booked for tomorrow ({MONDAY - timedelta(days=2):%m/%d/%Y})."]
    assert batch.task is None
