"""Unsaved edits kept as drafts when the screen locks or someone else signs in, and offered back to their author."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.ui.formatting import show_timestamp

if TYPE_CHECKING:
    from kapdesk.services.drafts import DraftSummary


@dataclass(frozen=True)
class DraftRequest:
    """What DraftService.save needs: the form's text as typed, valid or not."""

    kind: str
    entity_id: int | None
    base_version: int | None
    label: str
    fields: dict[str, str]


@runtime_checkable
class DraftSource(Protocol):
    """A form whose unsaved edits survive a change of user (the patient editor, later the note editors)."""

    def draft_request(self) -> DraftRequest | None:
        """None when there is nothing unsaved."""
        ...

    def close_without_asking(self) -> None:
        """Close now: the edit is safe in a draft, so no 'discard changes?' question."""
        ...


class DraftOffer(QDialog):
    """One row per waiting draft: Resume or Discard. Closing it keeps the rest for the next sign-in."""

    resume = Signal(object)  # DraftSummary
    discard = Signal(object)  # DraftSummary

    def __init__(self, drafts: list[DraftSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unsaved work kept for you")
        self.setMinimumWidth(520)
        intro = QLabel(
            "When someone else signed in on this computer, these forms of yours had changes that were not "
            "saved yet. Resume one to carry on where you left off, or discard it."
        )
        intro.setWordWrap(True)
        self.grid = QGridLayout()
        self.rows: dict[int, list[QWidget]] = {}
        for row, draft in enumerate(drafts):
            label = QLabel(f"<b>{escape(draft.label)}</b><br>kept {show_timestamp(draft.saved_at)}")
            resume = QPushButton("Resume")
            discard = QPushButton("Discard…")
            resume.setAccessibleName(f"Resume {draft.label}")
            discard.setAccessibleName(f"Discard {draft.label}")
            resume.clicked.connect(lambda _=False, d=draft: self.resume.emit(d))
            discard.clicked.connect(lambda _=False, d=draft: self.discard.emit(d))
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(resume, row, 1)
            self.grid.addWidget(discard, row, 2)
            self.rows[draft.id] = [label, resume, discard]
        self.grid.setColumnStretch(0, 1)
        buttons = QDialogButtonBox()
        self.later = buttons.addButton("Later", QDialogButtonBox.ButtonRole.RejectRole)
        self.later.setToolTip("Keep these drafts; they are offered again at your next sign-in")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.grid)
        layout.addWidget(buttons)
        if drafts:
            self.rows[drafts[0].id][1].setFocus(Qt.FocusReason.OtherFocusReason)

    def button(self, draft_id: int, which: str) -> QPushButton:
        widget = self.rows[draft_id][1 if which == "resume" else 2]
        assert isinstance(widget, QPushButton)
        return widget

    def remove(self, draft_id: int) -> None:
        """The draft was resumed or discarded; close when none are left."""
        for widget in self.rows.pop(draft_id, []):
            widget.hide()
            widget.deleteLater()
        if not self.rows:
            self.accept()

    def waiting(self) -> list[int]:
        return list(self.rows)
