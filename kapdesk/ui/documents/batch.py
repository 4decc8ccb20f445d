"""The calendar's batch: preparation instructions for every patient dosing tomorrow, made one after another off the UI
thread with a progress dialog and Cancel, then printed as one job or saved one PDF per patient into a folder.

A patient whose instructions can't be made (no escort phone, no open course…) is skipped and listed with the reason
at the end; Cancel stops after the patient being made, and what was made stays made (each is its own audited
document, like one made from the chart)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.appointments import Appointment, AppointmentKind, Status
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.document_templates import DocumentKind
from kapdesk.domain.errors import KapdeskError, ValidationFailed
from kapdesk.domain.patient_documents import OpenedDocument
from kapdesk.services.clinic import Clinic
from kapdesk.ui.admin.fields import as_sentence
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.formatting import show_date
from kapdesk.ui.pdf_output import print_pdfs
from kapdesk.ui.tasks import BatchTask

TITLE = "Preparation instructions for tomorrow"


def first_last(appointment: Appointment) -> str:
    """The calendar's "Last, First" as it is spoken: "First Last"."""
    last, _comma, first = appointment.patient_name.partition(", ")
    return f"{first} {last}".strip()


def tomorrows_dosing(clinic: Clinic, zone: ZoneInfo) -> tuple[date, list[Appointment]]:
    """Tomorrow on the clinic's calendar, and its dosing appointments still scheduled: one per patient, the
    earliest, in time order."""
    tomorrow = clinic.calendar.now().astimezone(zone).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), zone).astimezone(UTC)
    end = datetime.combine(tomorrow + timedelta(days=1), time(0), zone).astimezone(UTC)
    page = clinic.calendar.page(start, end)
    first: dict[int, Appointment] = {}
    for appointment in sorted(page.appointments, key=lambda a: a.starts_at):
        if (
            appointment.kind is AppointmentKind.DOSING
            and appointment.status is Status.SCHEDULED
            and start <= appointment.starts_at < end
        ):
            first.setdefault(appointment.patient_id, appointment)
    return tomorrow, list(first.values())


def reason_words(error: BaseException) -> str:
    if isinstance(error, ValidationFailed):
        return " ".join(as_sentence(e.message) for e in error.errors)
    if isinstance(error, KapdeskError):
        return as_sentence(error.message)
    logging.getLogger("kapdesk").error("preparation batch: %s", type(error).__name__)
    return f"kapdesk hit an unexpected problem ({type(error).__name__}) making it."


@dataclass(frozen=True)
class Skipped:
    appointment: Appointment
    reason: str


class PreparationBatch(QObject):
    """One run of the batch, from gathering tomorrow's patients to the summary. `synchronous`: make the documents
    on the calling thread (tests)."""

    progressed = Signal(int)  # how many patients are done (made or skipped), on the UI thread

    def __init__(
        self, clinic: Clinic, bus: ChangeBus, zone: ZoneInfo, parent: QWidget, *, synchronous: bool = False
    ) -> None:
        super().__init__(parent)
        self._clinic, self._bus, self.zone, self._parent = clinic, bus, zone, parent
        self._synchronous = synchronous
        self.day: date | None = None
        self.made: list[tuple[Appointment, OpenedDocument]] = []
        self.skipped: list[Skipped] = []
        self.not_reached: list[Appointment] = []
        self._changes = Changes()
        self.task: BatchTask | None = None
        self.progress: QProgressDialog | None = None
        self.summary: BatchSummary | None = None

    def start(self) -> bool:
        """Gather the patients and start making; False when there is nothing to do (the user is told why)."""
        try:
            self.day, appointments = tomorrows_dosing(self._clinic, self.zone)
        except KapdeskError as error:
            QMessageBox.warning(self._parent, error.title, f"{error.message}\n\n{error.remedy}".strip())
            return False
        if not appointments:
            QMessageBox.information(
                self._parent, TITLE, f"No dosing session is booked for tomorrow ({show_date(self.day)})."
            )
            return False
        self.progress = QProgressDialog(
            f"Making 1 of {len(appointments)}…", "Cancel", 0, len(appointments), self._parent
        )
        self.progress.setWindowTitle(TITLE)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumWidth(420)
        self.progress.canceled.disconnect(self.progress.cancel)  # stay up, saying so, until the current one is done
        self.progress.canceled.connect(self.cancel)
        self.task = BatchTask(appointments, self._make_one, self)
        self.task.item_started.connect(self._started)
        self.task.item_done.connect(self._done)
        self.task.item_failed.connect(self._failed)
        self.task.finished.connect(self._finished)
        self.progress.show()
        if self._synchronous:
            self.task.run_here()
        else:
            self.task.start()
        return True

    def cancel(self) -> None:
        if self.task is None or self.task.cancelled:
            return
        self.task.cancel()
        if self.progress is not None:
            self.progress.setLabelText("Stopping after the one being made…")
            self.progress.setCancelButtonText("Stopping…")

    def _make_one(self, appointment: Appointment) -> Outcome[OpenedDocument]:  # on the worker thread
        return self._clinic.documents.make(
            appointment.patient_id, DocumentKind.PREPARATION, appointment_id=appointment.id
        )

    def _started(self, index: int, appointment: Appointment) -> None:
        if self.progress is not None and not (self.task and self.task.cancelled):
            total = len(self.task.items) if self.task else 0
            self.progress.setLabelText(f"Making {index + 1} of {total}: {first_last(appointment)}…")

    def _done(self, _index: int, appointment: Appointment, outcome: Outcome[OpenedDocument]) -> None:
        self.made.append((appointment, outcome.value))
        self._changes |= outcome.changes
        self._progressed()

    def _failed(self, _index: int, appointment: Appointment, error: BaseException) -> None:
        self.skipped.append(Skipped(appointment, reason_words(error)))
        self._progressed()

    def _progressed(self) -> None:
        handled = len(self.made) + len(self.skipped)
        if self.progress is not None:
            self.progress.setValue(handled)
        self.progressed.emit(handled)

    def _finished(self, stopped: bool) -> None:
        items = self.task.items if self.task else []
        handled = len(self.made) + len(self.skipped)
        self.not_reached = items[handled:] if stopped else []
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self._bus.publish(self._changes)  # once: open charts reload their Documents tab
        self.summary = BatchSummary(self, self._parent)
        self.summary.finished.connect(self.deleteLater)  # the batch and its PDFs go with the summary
        self.summary.open()


class BatchSummary(QDialog):
    """What was made, what was skipped and why, and the way out: one print job, or a folder of PDFs."""

    def __init__(self, batch: PreparationBatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self._batch = batch
        day = show_date(batch.day)
        total = len(batch.made) + len(batch.skipped) + len(batch.not_reached)
        self.heading = QLabel(
            f"<b>Preparation instructions for {day}: {len(batch.made)} of {total} made.</b>"
            + (f" Stopped on request: {len(batch.not_reached)} not made." if batch.not_reached else "")
        )
        self.heading.setWordWrap(True)
        self.listing = QTextBrowser()
        self.listing.setAccessibleName("What was made and what was not")
        self.listing.setHtml(summary_html(batch))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = QPushButton(f"&Print all ({len(batch.made)})…")
        self.save_button = QPushButton("&Save to a folder…")
        for button in (self.print_button, self.save_button):
            button.setEnabled(bool(batch.made))
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(self.print_all)
        self.save_button.clicked.connect(self.save_all)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.listing, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 420)

    def pdfs(self) -> list[bytes]:
        return [opened.pdf for _appointment, opened in self._batch.made]

    def print_all(self) -> bool:
        return print_pdfs(self, self.pdfs())

    def save_all(self) -> list[Path]:
        folder = QFileDialog.getExistingDirectory(self, "Save the preparation instructions in", str(Path.home()))
        if not folder:
            return []
        try:
            return save_in_folder(Path(folder), self._batch)
        except OSError as error:
            QMessageBox.warning(self, "Not saved", f"kapdesk couldn't write into {folder} ({error.strerror}).")
            return []

    def done(self, result: int) -> None:
        self._batch.made.clear()  # the PDFs leave memory with the dialog
        super().done(result)


def save_in_folder(folder: Path, batch: PreparationBatch) -> list[Path]:
    """One PDF per patient, named by day and chart number; an existing file is never overwritten."""
    written = []
    for appointment, opened in batch.made:
        stem = f"preparation-{batch.day}-{appointment.chart_number}"
        path, n = folder / f"{stem}.pdf", 1
        while path.exists():
            n += 1
            path = folder / f"{stem}-{n}.pdf"
        path.write_bytes(opened.pdf)
        written.append(path)
    return written


def summary_html(batch: PreparationBatch) -> str:
    def line(appointment: Appointment, more: str = "") -> str:
        when = appointment.starts_at.astimezone(batch.zone)
        return (
            f"<li>{escape(first_last(appointment))} (chart {escape(appointment.chart_number)}), {when:%H:%M}{more}</li>"
        )

    parts = []
    if batch.made:
        parts.append("<p><b>Made</b></p><ul>" + "".join(line(a) for a, _ in batch.made) + "</ul>")
    if batch.skipped:
        parts.append(
            "<p style='color:#8e1b1b'><b>Not made</b></p><ul>"
            + "".join(line(s.appointment, f": {escape(s.reason)}") for s in batch.skipped)
            + "</ul>"
        )
    if batch.not_reached:
        parts.append(
            "<p><b>Not reached (cancelled)</b></p><ul>" + "".join(line(a) for a in batch.not_reached) + "</ul>"
        )
    return "".join(parts)
