"""Asking why a patient is being archived. Archiving hides; it never deletes."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

REASONS = ("Course completed", "Moved away", "Referred elsewhere", "Duplicate record", "Deceased")


class ArchiveDialog(QDialog):
    def __init__(self, patient_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Archive patient")
        text = QLabel(
            f"Archive <b>{patient_name}</b>?<br>Archived patients are hidden from everyday searches; "
            "their records are kept and they can be restored at any time."
        )
        text.setWordWrap(True)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(REASONS)
        self.reason.setCurrentIndex(-1)
        self.reason.lineEdit().setPlaceholderText("Reason (optional)")
        self.reason.lineEdit().setMaxLength(200)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Archive", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(QLabel("Reason:"))
        layout.addWidget(self.reason)
        layout.addWidget(buttons)

    @property
    def reason_text(self) -> str:
        return self.reason.currentText().strip()
