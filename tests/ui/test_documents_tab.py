"""The chart's Documents tab through real widgets and a real database: a consent made with one click opens in the
preview (loaded from memory, nothing left in the temp folder) and is listed as made; a missing escort phone is named
and nothing is stored; signing on screen with the pad puts the typed name into the stored PDF; an unticked agreement
is refused at its checkbox; a paper signature is recorded; a revoked consent blocks the dosing check-in; a tampered
or corrupt stored PDF is shown as such, never as if nothing were wrong."""

from __future__ import annotations

import io
import os
import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from kapdesk.domain.appointments import AppointmentKind, Status
from kapdesk.domain.clashes import NotReady
from kapdesk.domain.course_overview import CourseView
from kapdesk.domain.document_templates import DocumentKind
from kapdesk.domain.readiness import Need
from kapdesk.domain.screening import Result
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.documents.panel import STATE_COLUMN, DocumentsPanel, documents_tab
from kapdesk.ui.documents.preview import DAMAGED, TAMPERED, PdfPreviewDialog
from kapdesk.ui.documents.signing import PaperSignatureDialog, RevokeDialog, SignOnScreenDialog
from kapdesk.ui.widgets.signature_pad import SignaturePad
from tests.course_world import CourseWorld, course_world, new_course
from tests.helpers import sign_in_as

ZONE = ZoneInfo("America/Los_Angeles")
PREPARATION, DOSING = AppointmentKind.PREPARATION, AppointmentKind.DOSING


@pytest.fixture
def cw(sqlite_clinic: Clinic) -> CourseWorld:
    """Ada Lovelace (escort recorded) and Łukasz Wójcik (no escort), both screened; the prescriber signed in."""
    return course_world(sqlite_clinic, {0: Result.ELIGIBLE, 1: Result.ELIGIBLE})


def booked_course(clinic: Clinic, cw: CourseWorld, patient: int = 0) -> CourseView:
    view = new_course(clinic, cw, patient=patient)
    plan = clinic.courses.propose(view.course.id)
    return clinic.courses.book_plan(view.course.id, view.course.version, plan.sessions).value


@pytest.fixture
def open_panel(qtbot, sqlite_clinic: Clinic):  # type: ignore[no-untyped-def]
    def open_(patient_id: int) -> DocumentsPanel:
        panel = DocumentsPanel(sqlite_clinic, patient_id, sqlite_clinic.access.actor, ZONE, ChangeBus())
        qtbot.addWidget(panel)
        panel.resize(1100, 600)
        panel.show()
        qtbot.waitExposed(panel)
        return panel

    return open_


@pytest.fixture
def temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder Python and Qt would write to, empty, so whatever lands there can be seen."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    assert tempfile.gettempdir() == str(folder)
    return folder


def click(qtbot, button: QPushButton) -> None:  # type: ignore[no-untyped-def]
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def cell(panel: DocumentsPanel, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return panel.model.data(panel.model.index(row, column), role)


def draw_signature(qtbot, pad: SignaturePad) -> None:  # type: ignore[no-untyped-def]
    """A scribble across the pad's line, as a mouse or pen would make it."""
    ink = pad.ink
    qtbot.mousePress(ink, Qt.MouseButton.LeftButton, pos=QPoint(40, 90))
    for x in range(50, 320, 12):
        qtbot.mouseMove(ink, QPoint(x, 90 + (25 if (x // 24) % 2 else -20)))
    qtbot.mouseRelease(ink, Qt.MouseButton.LeftButton, pos=QPoint(330, 95))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_consent_made_with_one_click_opens_in_the_preview_and_is_listed_as_made(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, open_panel, temp_folder: Path
) -> None:  # type: ignore[no-untyped-def]
    booked_course(sqlite_clinic, cw)
    panel = open_panel(cw.patient(0))
    assert panel.model.rowCount() == 0
    assert not panel.open_button.isEnabled() and not panel.paper_button.isEnabled()

    click(qtbot, panel.make_buttons[DocumentKind.CONSENT])
    preview = panel.preview
    assert isinstance(preview, PdfPreviewDialog) and preview.isVisible()
    assert preview.loaded and preview.document is not None and preview.document.pageCount() > 0
    assert preview.page_label.text() == f"Page 1 of {preview.document.pageCount()}"
    assert preview.print_button.isEnabled() and not preview.warning.isVisible() and not preview.damaged.isVisible()
    assert preview.windowTitle() == "Informed consent for IV ketamine infusion"

    assert panel.model.rowCount() == 1
    assert [cell(panel, 0, c) for c in range(1, 6)] == [
        "Informed consent for IV ketamine infusion",
        "Informed consent",
        "IV infusion",
        "consent-iv v1",
        "Made",
    ]
    assert panel.paper_button.isEnabled() and not panel.revoke_button.isEnabled()
    assert "Waiting for the patient's signature" in panel.details.toPlainText()

    assert list(temp_folder.iterdir()) == []  # shown from memory
    preview.close()
    assert preview.document is None and not preview.loaded  # the document and its bytes are let go
    assert list(temp_folder.iterdir()) == []


def test_a_missing_escort_phone_is_named_and_nothing_is_stored(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, open_panel
) -> None:  # type: ignore[no-untyped-def]
    booked_course(sqlite_clinic, cw, patient=1)
    panel = open_panel(cw.patient(1))
    click(qtbot, panel.make_buttons[DocumentKind.PREPARATION])
    text = panel.message.text()
    assert panel.message.isVisible()
    assert text.startswith("Can't make the preparation instructions: ")
    assert "The escort's phone number is not recorded: add it in the patient's details." in text
    assert panel.preview is None
    assert sqlite_clinic.documents.for_patient(cw.patient(1)) == []
    assert panel.model.rowCount() == 0


def test_signing_on_screen_keeps_the_drawn_signature_and_typed_name_in_the_stored_pdf(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, open_panel
) -> None:  # type: ignore[no-untyped-def]
    booked_course(sqlite_clinic, cw)
    panel = open_panel(cw.patient(0))
    click(qtbot, panel.screen_button)
    dialog = panel.dialog
    assert isinstance(dialog, SignOnScreenDialog) and dialog.isVisible()
    qtbot.waitExposed(dialog)
    assert dialog.pad.is_empty() and dialog.pad.png() == b""

    draw_signature(qtbot, dialog.pad)
    assert not dialog.pad.is_empty()
    png = dialog.pad.png()
    image = QImage.fromData(png)
    assert png.startswith(b"\x89PNG") and not image.isNull()
    ink = dialog.pad.ink.size()
    assert image.width() < ink.width() * 2 and image.height() < ink.height() * 2  # cropped to the strokes
    qtbot.keyClicks(dialog.typed_name, "Ada Lovelace")
    dialog.agreed.setChecked(True)
    dialog.witness.setText("Rei Tanaka")
    click(qtbot, dialog.sign_button)

    assert not dialog.isVisible()
    assert cell(panel, 0, STATE_COLUMN) == "Signed on screen"
    assert cell(panel, 0, 6) == "Ada Lovelace" and cell(panel, 0, 7) == "Rei Tanaka"
    assert not panel.paper_button.isEnabled() and panel.revoke_button.isEnabled()
    assert panel.preview is not None and panel.preview.isVisible() and panel.preview.loaded

    [document] = sqlite_clinic.documents.for_patient(cw.patient(0))
    opened = sqlite_clinic.documents.open(document.id)
    assert opened.intact
    assert "Ada Lovelace" in pdf_text(opened.pdf)


def test_nobody_is_asked_to_sign_a_consent_that_cannot_be_made(qtbot, cw: CourseWorld, open_panel) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(cw.patient(0))  # screened, but no course: no route to consent to
    assert panel.sign_on_screen() is None and panel.dialog is None
    assert panel.message.isVisible() and "no open treatment course" in panel.message.text()


def test_signing_on_screen_is_refused_at_each_field_that_is_missing(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, open_panel
) -> None:  # type: ignore[no-untyped-def]
    booked_course(sqlite_clinic, cw)
    panel = open_panel(cw.patient(0))
    dialog = panel.sign_on_screen()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert "consent-iv version 1" in dialog.findChild(QLabel).text()  # what the patient signs, named up front
    dialog.witness.clear()
    click(qtbot, dialog.sign_button)
    assert {k for k, slot in dialog.slots.items() if slot.has_error} == {"signature", "typed_name", "agreed", "witness"}

    qtbot.mouseClick(dialog.pad.ink, Qt.MouseButton.LeftButton, pos=QPoint(60, 90))  # a dot is not a signature
    click(qtbot, dialog.sign_button)
    assert "too small to be a signature" in dialog.slots["signature"].error.text()
    dialog.pad.clear()
    draw_signature(qtbot, dialog.pad)
    qtbot.keyClicks(dialog.typed_name, "Ada Lovelace")
    qtbot.keyClicks(dialog.witness, "Rei Tanaka")
    click(qtbot, dialog.sign_button)  # still not ticked
    assert {k for k, slot in dialog.slots.items() if slot.has_error} == {"agreed"}
    assert "must agree to sign electronically" in dialog.slots["agreed"].error.text()
    assert dialog.slots["agreed"].error.isVisible() and dialog.isVisible()
    assert sqlite_clinic.documents.for_patient(cw.patient(0)) == []

    dialog.pad.clear()  # Clear starts again
    assert dialog.pad.is_empty()


def test_a_printed_consent_signed_on_paper_is_recorded_with_its_witness(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, open_panel
) -> None:  # type: ignore[no-untyped-def]
    booked_course(sqlite_clinic, cw)
    sqlite_clinic.documents.make(cw.patient(0), DocumentKind.CONSENT)
    panel = open_panel(cw.patient(0))
    click(qtbot, panel.paper_button)
    dialog = panel.dialog
    assert isinstance(dialog, PaperSignatureDialog)
    assert dialog.signed_on.date().toPython() == sqlite_clinic.patients.today()
    dialog.witness.clear()
    click(qtbot, dialog.ok_button)  # Record signature, with no witness
    assert dialog.slots["witness"].has_error and dialog.isVisible()

    qtbot.keyClicks(dialog.witness, "Rei Tanaka")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert cell(panel, 0, STATE_COLUMN) == "Signed on paper"
    assert cell(panel, 0, 6) == "Ada Lovelace" and cell(panel, 0, 7) == "Rei Tanaka"
    [document] = sqlite_clinic.documents.for_patient(cw.patient(0))
    assert document.valid_consent


def test_a_revoked_consent_is_listed_as_such_and_blocks_the_dosing_check_in(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, open_panel
) -> None:  # type: ignore[no-untyped-def]
    view = booked_course(sqlite_clinic, cw)
    prep, dose = (next(s for s in view.course.sessions if s.key.kind is kind) for kind in (PREPARATION, DOSING))
    assert prep.ends_at is not None and dose.starts_at is not None and dose.appointment_id is not None
    work = sqlite_clinic.patients._work  # the clinic's clock moves to the preparation, then to dose 1's morning
    work.clock = lambda: prep.ends_at + timedelta(minutes=5)  # type: ignore[method-assign,operator]
    work.today = lambda: prep.ends_at.astimezone(ZONE).date()  # type: ignore[method-assign,union-attr]
    booked_prep = sqlite_clinic.calendar.get(prep.appointment_id)[0]  # type: ignore[arg-type]
    arrived = sqlite_clinic.booking.set_status(booked_prep.id, booked_prep.version, Status.ARRIVED).value
    sqlite_clinic.booking.set_status(arrived.id, arrived.version, Status.COMPLETED)
    made = sqlite_clinic.documents.make(cw.patient(0), DocumentKind.CONSENT).value.document
    sqlite_clinic.documents.record_wet_signature(made.id, made.version, work.today(), "Rei Tanaka")
    work.clock = lambda: dose.starts_at - timedelta(minutes=30)  # type: ignore[method-assign,operator]
    work.today = lambda: dose.starts_at.astimezone(ZONE).date()  # type: ignore[method-assign,union-attr]

    def blocking() -> set[Need]:
        _appointment, readiness, _warning = sqlite_clinic.calendar.get(dose.appointment_id)  # type: ignore[arg-type]
        assert readiness is not None
        return {r.need for r in readiness.blocking}

    assert blocking() == set()  # dose 1 could be checked in now
    panel = open_panel(cw.patient(0))
    click(qtbot, panel.revoke_button)
    dialog = panel.dialog
    assert isinstance(dialog, RevokeDialog)
    assert "no dosing session by IV infusion can be checked in" in dialog.consequence.text()
    qtbot.keyClicks(dialog.reason, "Wants to think it over")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert cell(panel, 0, STATE_COLUMN) == "Revoked"
    assert not panel.revoke_button.isEnabled()
    assert "Wants to think it over" in panel.details.toPlainText()

    assert blocking() == {Need.CONSENT}
    appointment = sqlite_clinic.calendar.get(dose.appointment_id)[0]  # type: ignore[arg-type]
    with pytest.raises(NotReady, match="consent"):
        sqlite_clinic.booking.set_status(appointment.id, appointment.version, Status.ARRIVED)


def _overwrite_pdf(folder: Path, document_id: int, data: bytes) -> None:
    """Someone with the database file changes a document's bytes behind kapdesk's back."""
    with sqlite3.connect(folder / "kapdesk.sqlite3") as raw:
        raw.execute("DROP TRIGGER patient_documents_frozen")
        raw.execute("UPDATE patient_documents SET pdf = ? WHERE id = ?", (data, document_id))


def test_a_document_changed_since_it_was_made_opens_under_the_fingerprint_warning(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, open_panel, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    booked_course(sqlite_clinic, cw)
    opened = sqlite_clinic.documents.make(cw.patient(0), DocumentKind.CONSENT).value
    _overwrite_pdf(tmp_path, opened.document.id, opened.pdf + b"\n% one byte more than was signed\n")
    panel = open_panel(cw.patient(0))
    viewport, where = panel.table.viewport(), panel.table.visualRect(panel.model.index(0, 1)).center()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=where)  # a double-click opens it
    assert not panel.message.isVisible(), panel.message.text()
    preview = panel.preview
    assert preview is not None and preview.isVisible()
    assert preview.warning.isVisible() and preview.warning.text() == TAMPERED
    assert preview.loaded  # still shown, under the warning
    assert not preview.print_button.isEnabled() and not preview.save_button.isEnabled()  # never handed on


def test_a_corrupt_stored_pdf_gets_a_message_never_a_blank_view(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, open_panel, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    booked_course(sqlite_clinic, cw)
    opened = sqlite_clinic.documents.make(cw.patient(0), DocumentKind.AFTERCARE).value
    _overwrite_pdf(tmp_path, opened.document.id, b"\x00\x01 not a PDF any more")
    panel = open_panel(cw.patient(0))
    preview = panel.open_selected()
    assert preview is not None and preview.isVisible()
    assert preview.damaged.isVisible() and preview.damaged.text() == DAMAGED
    assert not preview.view.isVisible()
    assert not preview.print_button.isEnabled() and not preview.save_button.isEnabled()
    assert preview.warning.isVisible()  # its fingerprint no longer matches either


def test_bytes_that_look_like_a_pdf_but_do_not_load_are_reported_damaged(qtbot) -> None:  # type: ignore[no-untyped-def]
    preview = PdfPreviewDialog(b"%PDF-1.7\n" + os.urandom(300) + b"\n%%EOF\n", "Broken")
    qtbot.addWidget(preview)
    preview.show()
    assert not preview.loaded and preview.damaged.isVisible() and not preview.view.isVisible()
    assert not preview.warning.isVisible()


def test_the_front_desk_sees_the_tab_and_makes_an_aftercare_handout(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, open_panel, settings: QSettings
) -> None:  # type: ignore[no-untyped-def]
    booked_course(sqlite_clinic, cw)
    sign_in_as(sqlite_clinic, "fiona", Role.FRONT_DESK)
    actor = sqlite_clinic.access.actor
    assert documents_tab(sqlite_clinic, ChangeBus(), settings).allowed(actor)
    panel = open_panel(cw.patient(0))
    click(qtbot, panel.make_buttons[DocumentKind.AFTERCARE])
    assert panel.preview is not None and panel.preview.loaded
    assert [cell(panel, 0, c) for c in (2, STATE_COLUMN)] == ["Aftercare handout", "Made"]
    assert not panel.paper_button.isEnabled()  # a handout is not signed


def test_a_second_make_reaches_other_charts_through_the_bus(qtbot, sqlite_clinic: Clinic, cw: CourseWorld) -> None:  # type: ignore[no-untyped-def]
    booked_course(sqlite_clinic, cw)
    bus = ChangeBus()
    panels = [DocumentsPanel(sqlite_clinic, cw.patient(0), sqlite_clinic.access.actor, ZONE, bus) for _ in range(2)]
    for panel in panels:
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitExposed(panel)
    panels[0].make(DocumentKind.CONSENT)
    assert panels[1].model.rowCount() == 1  # the other open chart reloaded


def test_a_name_not_the_patients_and_a_second_consent_are_asked_about_first(
    qtbot, sqlite_clinic: Clinic, cw: CourseWorld, open_panel, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    booked_course(sqlite_clinic, cw)
    panel = open_panel(cw.patient(0))
    asked: list[str] = []
    reply = [QMessageBox.StandardButton.No]

    def answer(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return reply[0]

    monkeypatch.setattr(QMessageBox, "question", answer)
    dialog = panel.sign_on_screen()
    assert dialog is not None
    draw_signature(qtbot, dialog.pad)
    qtbot.keyClicks(dialog.typed_name, "Grace Hopper")
    dialog.agreed.setChecked(True)
    click(qtbot, dialog.sign_button)
    assert "is not the name on the record (Ada Lovelace)" in asked[-1]
    assert dialog.isVisible() and sqlite_clinic.documents.for_patient(cw.patient(0)) == []  # No: nothing signed
    reply[0] = QMessageBox.StandardButton.Yes  # say, the legal name the record doesn't show yet
    click(qtbot, dialog.sign_button)
    assert not dialog.isVisible() and len(sqlite_clinic.documents.for_patient(cw.patient(0))) == 1

    reply[0] = QMessageBox.StandardButton.No
    assert panel.make(DocumentKind.CONSENT) is None  # a valid one is on file: asked, and No makes nothing
    assert "is on file and still valid" in asked[-1]
    assert len(sqlite_clinic.documents.for_patient(cw.patient(0))) == 1
    reply[0] = QMessageBox.StandardButton.Yes
    assert panel.make(DocumentKind.CONSENT) is not None
    assert len(sqlite_clinic.documents.for_patient(cw.patient(0))) == 2
