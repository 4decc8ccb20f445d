"""The Admin area's Document templates page as a clinic admin uses it: edit a template's text by keyboard and watch
the preview follow, see an unknown placeholder listed under the text and the save refused, save an active template
as its next version, keep or discard unsaved changes; and the clinic page's paper size and logo. Real widgets on a
real temporary database; only message boxes and the file dialog are answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog, QMessageBox

from kapdesk.domain.changes import Changes
from kapdesk.domain.document_templates import DocumentTemplate, TemplateStatus
from kapdesk.services.clinic import Clinic
from kapdesk.ui.admin import AdminArea, attach_admin
from kapdesk.ui.admin.document_templates import DocumentTemplatesPage
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.main_window import MainWindow
from tests.helpers import tiny_png

Yes, Cancel, Discard = (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Cancel,
                        QMessageBox.StandardButton.Discard)  # fmt: skip
WAIT_MS = 10_000


@pytest.fixture
def published() -> list[Changes]:
    return []


@pytest.fixture
def area(qtbot, settings: QSettings, sqlite_clinic: Clinic, published: list[Changes]) -> AdminArea:  # type: ignore[no-untyped-def]
    window = MainWindow(settings, sqlite_clinic.description)
    qtbot.addWidget(window)
    bus = ChangeBus(window)
    bus.changed.connect(published.append)
    admin = attach_admin(window, sqlite_clinic, bus)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("Admin")
    return admin


@pytest.fixture
def page(qtbot, area: AdminArea, questions: list[QMessageBox.StandardButton]) -> DocumentTemplatesPage:  # type: ignore[no-untyped-def]
    """The page, its preview made; questions are answered (closing the window at the end asks when edited)."""
    area.setCurrentWidget(area.document_templates)
    shown = area.document_templates
    qtbot.waitUntil(lambda: shown.preview.renders >= 1 and not shown.preview.busy(), timeout=WAIT_MS)
    return shown


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox.StandardButton]:
    """Answers for the questions asked, in order; when none is left, Discard where offered, else Yes. Warnings
    fail the test."""
    answers: list[QMessageBox.StandardButton] = []

    def answer(_parent, _title, _text, buttons, *_rest):  # type: ignore[no-untyped-def]
        if answers:
            return answers.pop(0)
        return Discard if buttons & Discard else Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *rest: pytest.fail(f"{title}: {text}"))
    return answers


def pick(qtbot, page: DocumentTemplatesPage, code: str) -> None:  # type: ignore[no-untyped-def]
    row = page.model.row_of(code)
    assert row is not None
    page.table.selectRow(row)
    settle(qtbot, page)


def settle(qtbot, page: DocumentTemplatesPage) -> None:  # type: ignore[no-untyped-def]
    """Wait for the preview to catch up with the text."""
    qtbot.waitUntil(lambda: not page.preview.busy(), timeout=WAIT_MS)


def type_at_end(qtbot, page: DocumentTemplatesPage, words: str) -> None:  # type: ignore[no-untyped-def]
    body = page.editor.body
    body.setFocus()
    qtbot.keyClick(body, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(body, Qt.Key.Key_Return)
    qtbot.keyClicks(body, words)


def latest(clinic: Clinic, code: str) -> DocumentTemplate:
    return max((t for t in clinic.document_templates.templates(include_retired=True) if t.code == code),
               key=lambda t: t.version)  # fmt: skip


def test_typing_in_the_text_refreshes_the_preview_a_moment_later(qtbot, page: DocumentTemplatesPage) -> None:  # type: ignore[no-untyped-def]
    pick(qtbot, page, "aftercare")
    assert "Zoë Ngô-Łukasiewicz" in page.preview.shown_text()  # the invented patient, never a real one
    shown = page.preview.renders

    type_at_end(qtbot, page, "Sleep well tonight, {patient.first_name}.")

    assert page.preview.renders == shown  # nothing made while the keys were still coming
    qtbot.waitUntil(lambda: page.preview.renders > shown and not page.preview.busy(), timeout=WAIT_MS)
    assert "Sleep well tonight, Zoë." in page.preview.shown_text()
    assert page.editor.errors.isHidden()
    assert page.bar.status.text() == "Not saved yet."


def test_an_unknown_placeholder_is_listed_under_the_text_and_the_save_is_refused(  # type: ignore[no-untyped-def]
    qtbot, page: DocumentTemplatesPage, sqlite_clinic: Clinic, questions: list[QMessageBox.StandardButton]
) -> None:
    pick(qtbot, page, "consent-iv")
    pages, shown = page.preview.page_count(), page.preview.renders
    line = page.editor.body.blockCount() + 1

    type_at_end(qtbot, page, "Call {clinic.phon} with questions.")
    qtbot.waitUntil(lambda: page.editor.errors.isVisible(), timeout=WAIT_MS)

    message = f"Line {line}: {{clinic.phon}} is not a placeholder kapdesk knows. Did you mean {{clinic.phone}}?"
    assert page.editor.error_lines() == [message]
    assert page.preview.renders == shown and page.preview.page_count() == pages  # the last good one stays
    assert page.preview.note.text().startswith("Not updated")

    qtbot.mouseClick(page.bar.save_button, Qt.MouseButton.LeftButton)
    assert page.bar.status.text().startswith("Not saved")
    assert latest(sqlite_clinic, "consent-iv").version == 1

    page.editor.body.moveCursor(QTextCursor.MoveOperation.Start)
    item = page.editor.errors.item(0)
    qtbot.mouseClick(
        page.editor.errors.viewport(), Qt.MouseButton.LeftButton, pos=page.editor.errors.visualItemRect(item).center()
    )
    assert page.editor.body.textCursor().blockNumber() + 1 == line
    assert page.editor.body.hasFocus()


def test_a_placeholder_goes_in_at_the_cursor_from_the_list_by_keyboard(qtbot, page: DocumentTemplatesPage) -> None:  # type: ignore[no-untyped-def]
    pick(qtbot, page, "aftercare")
    type_at_end(qtbot, page, "Ring us on  any time.")
    cursor = page.editor.body.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Left, n=len(" any time."))
    page.editor.body.setTextCursor(cursor)

    names = page.editor.placeholders
    names.setFocus()
    names.setCurrentRow(next(i for i in range(names.count()) if names.item(i).text() == "{clinic.phone}"))
    assert names.currentItem().toolTip() == "The clinic's phone number"
    qtbot.keyClick(names, Qt.Key.Key_Return)

    assert page.editor.body.toPlainText().endswith("Ring us on {clinic.phone} any time.")
    assert page.editor.body.hasFocus()
    settle(qtbot, page)
    assert "Ring us on (503) 555-0100 any time." in page.preview.shown_text()


def test_saving_an_active_template_makes_version_2_listed_in_its_history(  # type: ignore[no-untyped-def]
    qtbot,
    page: DocumentTemplatesPage,
    sqlite_clinic: Clinic,
    published: list[Changes],
    questions: list[QMessageBox.StandardButton],
) -> None:
    pick(qtbot, page, "consent-iv")
    assert page.bar.save_button.text() == "&Save as version 2"
    page.editor.title.setFocus()
    page.editor.title.selectAll()
    qtbot.keyClicks(page.editor.title, "Consent for IV ketamine")
    qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    saved = latest(sqlite_clinic, "consent-iv")
    assert (saved.version, saved.status, saved.spec.title) == (2, TemplateStatus.ACTIVE, "Consent for IV ketamine")
    row = page.model.row_of("consent-iv")
    assert row is not None
    assert [page.model.index(row, c).data() for c in (0, 4, 5)] == ["Consent for IV ketamine", "2", "Active"]
    assert page.bar.save_button.text() == "&Save as version 3"
    assert "version 2" in page.bar.status.text()
    assert published[-1] == Changes(document_templates=True)

    dialog = page.show_history()
    assert dialog is not None
    assert dialog.model.rowCount() == 2
    versions = [[dialog.model.index(r, c).data() for c in (0, 2, 3, 4)] for r in range(2)]
    assert versions == [["2", "Ada Admin", "Active", "title"], ["1", "as installed", "Replaced by version 2",
                                                                 "first version"]]  # fmt: skip
    dialog.reject()


def test_unsaved_changes_are_kept_unless_the_admin_discards_them(  # type: ignore[no-untyped-def]
    qtbot, page: DocumentTemplatesPage, questions: list[QMessageBox.StandardButton]
) -> None:
    pick(qtbot, page, "consent-iv")
    type_at_end(qtbot, page, "An unsaved line.")

    questions.append(Cancel)
    pick(qtbot, page, "aftercare")
    assert page.editor.code.text() == "consent-iv"
    assert page.editor.body.toPlainText().endswith("An unsaved line.")

    questions.append(Cancel)
    page.window().close()
    assert page.window().isVisible()  # closing kapdesk asked, and the admin stayed

    questions.append(Discard)
    pick(qtbot, page, "aftercare")
    assert page.editor.code.text() == "aftercare"
    assert not page.is_edited()


def test_a_new_template_is_saved_as_a_draft_then_activated_in_place_of_the_one_it_replaces(  # type: ignore[no-untyped-def]
    qtbot, page: DocumentTemplatesPage, sqlite_clinic: Clinic, questions: list[QMessageBox.StandardButton]
) -> None:
    pick(qtbot, page, "consent-sublingual")
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert page.editor.title.hasFocus() and page.bar.save_button.text() == "&Save as version 1"
    qtbot.keyClicks(page.editor.title, "Lozenge consent, short")
    qtbot.keyClicks(page.editor.code, "consent-sl-short")
    qtbot.mouseClick(page.bar.save_button, Qt.MouseButton.LeftButton)

    draft = latest(sqlite_clinic, "consent-sl-short")
    assert (draft.version, draft.status) == (1, TemplateStatus.DRAFT)
    assert page.selected() == draft and page.activate_button.isEnabled()

    questions.append(Yes)  # "it replaces “Informed consent for sublingual ketamine (lozenge)”"
    qtbot.mouseClick(page.activate_button, Qt.MouseButton.LeftButton)

    assert latest(sqlite_clinic, "consent-sl-short").status is TemplateStatus.ACTIVE
    assert latest(sqlite_clinic, "consent-sublingual").status is TemplateStatus.RETIRED


def test_paper_size_and_logo_are_saved_from_the_clinic_page(  # type: ignore[no-untyped-def]
    qtbot, area: AdminArea, sqlite_clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = area.document_templates.preview
    area.setCurrentWidget(area.document_templates)
    assert round(preview.document.pagePointSize(0).width()) == 612  # US Letter
    screen = area.clinic_screen
    area.setCurrentWidget(screen)
    assert screen.paper_size.currentText() == "US Letter"
    screen.paper_size.setFocus()
    qtbot.keyClick(screen.paper_size, Qt.Key.Key_Down)
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert sqlite_clinic.admin.profile().paper_size == "a4"  # type: ignore[union-attr]
    area.setCurrentWidget(area.document_templates)  # its preview is made again, on the new paper
    assert round(preview.document.pagePointSize(0).width()) == 595
    area.setCurrentWidget(screen)

    not_an_image = tmp_path / "logo.png"
    not_an_image.write_bytes(b"GIF89a pretending")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(not_an_image), ""))
    qtbot.mouseClick(screen.choose_logo_button, Qt.MouseButton.LeftButton)
    assert screen.slots["logo"].error.isVisible()
    assert "PNG or JPEG" in screen.slots["logo"].error.text()
    assert sqlite_clinic.admin.logo() is None

    not_an_image.write_bytes(tiny_png())
    qtbot.mouseClick(screen.choose_logo_button, Qt.MouseButton.LeftButton)
    assert sqlite_clinic.admin.logo() == tiny_png()
    assert not screen.slots["logo"].error.isVisible()
    assert not screen.logo.pixmap().isNull() and screen.remove_logo_button.isEnabled()

    qtbot.mouseClick(screen.remove_logo_button, Qt.MouseButton.LeftButton)
    assert sqlite_clinic.admin.logo() is None
    assert screen.logo.text() == "No logo"
