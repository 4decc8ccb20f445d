"""One course in full on the Courses tab: who and what, where it stands, what needs attention, its timeline, and its
goals and intentions (editable by clinical staff; typed text survives reloads and switching between courses)."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.course_overview import CourseView
from kapdesk.domain.courses import CourseStatus
from kapdesk.domain.errors import ConflictError, KapdeskError, ValidationFailed
from kapdesk.services.courses import CourseService
from kapdesk.ui.clinical.course_timeline import CourseTimeline, show_when
from kapdesk.ui.formatting import show_date
from kapdesk.ui.widgets.message_styles import ERROR_BOX, WARNING_BOX
from kapdesk.ui.widgets.validated_form import FieldSlot, add_row

STATUS_COLOURS = {
    CourseStatus.DRAFT: ("#eceff1", "#455a64"),
    CourseStatus.ACTIVE: ("#d6e6fb", "#1b4f8e"),
    CourseStatus.COMPLETED: ("#dcf1dd", "#1b5e20"),
    CourseStatus.DISCONTINUED: ("#fbdcd9", "#8e1b1b"),
}


def status_chip(status: CourseStatus | None = None) -> QLabel:
    chip = QLabel()
    chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    if status is not None:
        style_chip(chip, status)
    return chip


def style_chip(chip: QLabel, status: CourseStatus) -> None:
    back, text = STATUS_COLOURS[status]
    chip.setText(status.label)
    chip.setStyleSheet(
        f"QLabel {{ background: {back}; color: {text}; border: 1px solid {text}; border-radius: 9px; "
        "padding: 1px 9px; font-weight: bold; }"
    )
    chip.setAccessibleName(f"Status: {status.label}")


def show_field_error(slot: FieldSlot, message: str) -> None:
    """The services' messages are whole sentences: shown as written, under the outlined field."""
    slot.show_error(message)
    slot.error.setText(message)


def due_words(view: CourseView, zone: ZoneInfo) -> str:
    """'Dose 3 — Wed Nov 25 09:00' when the next session is booked; otherwise what the overview says to do."""
    nxt = view.next_session
    if nxt is not None and nxt.starts_at is not None:
        return f"{nxt.key.label} — {show_when(nxt.starts_at, zone)}"
    return view.due_next or "Nothing: this course is closed."


class CourseDetails(QWidget):
    saved = Signal(object)  # Outcome[CourseView] of a goals/intentions save

    def __init__(self, service: CourseService, zone: ZoneInfo, writable: bool) -> None:
        super().__init__()
        self._service = service
        self._zone = zone
        self._writable = writable
        self.view: CourseView | None = None
        # course id → unsaved goals and intentions, and the course's version when the typing began
        self._typed: dict[int, tuple[str, str, int]] = {}
        self._base_version = 0  # the version a save claims to change: a change made since then is a conflict
        self._rebase = False  # after a conflict the user has been told; saving again replaces the other's text

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chip = status_chip()
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.override = QLabel()
        self.override.setTextFormat(Qt.TextFormat.RichText)
        self.override.setWordWrap(True)
        self.override.setStyleSheet(WARNING_BOX)
        self.due = QLabel()
        self.due.setTextFormat(Qt.TextFormat.PlainText)
        self.due.setStyleSheet("font-weight: bold;")
        self.due.setAccessibleName("Due next")
        self.measures = QLabel()
        self.measures.setTextFormat(Qt.TextFormat.PlainText)
        self.measures.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_BOX)
        self.warnings.setAccessibleName("Warnings")
        self.warnings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.timeline = CourseTimeline(zone)

        self.goals = self._text_box("Goals")
        self.intentions = self._text_box("Intentions")
        self.goals_slot, self.intentions_slot = FieldSlot(self.goals, "Goals"), FieldSlot(self.intentions, "Intentions")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_BOX)
        self.message.hide()
        self.save_button = QPushButton("Sa&ve goals")
        self.save_button.clicked.connect(lambda: self.save())
        self.save_button.setVisible(writable)
        self.save_button.setEnabled(False)

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignVCenter)
        due_form = QFormLayout()
        due_form.addRow("Due next:", self.due)
        due_form.addRow("Measures due:", self.measures)
        text_form = QFormLayout()
        add_row(text_form, "&Goals", self.goals_slot)
        add_row(text_form, "Inten&tions", self.intentions_slot)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.facts)
        layout.addWidget(self.override)
        layout.addLayout(due_form)
        layout.addWidget(self.warnings)
        layout.addWidget(self.timeline, 1)
        layout.addLayout(text_form)
        layout.addWidget(self.message)
        layout.addLayout(save_row)

    def _text_box(self, name: str) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setAccessibleName(name)
        box.setTabChangesFocus(True)
        box.setFixedHeight(54)
        box.setReadOnly(not self._writable)
        box.textChanged.connect(self._edited)
        return box

    # -- showing -------------------------------------------------------------------------------------

    def show_course(self, view: CourseView | None) -> None:
        """Show `view`; text typed into another course's goals is kept for when it is shown again."""
        self._stash()
        if view is None or self.view is None or view.course.id != self.view.course.id:
            self.show_message("")
            for slot in (self.goals_slot, self.intentions_slot):
                slot.clear_error()
        self.view = view
        self.setVisible(view is not None)
        if view is None:
            return
        c = view.course
        self.title.setText(f"{c.template_name} (v{c.template_version})")
        style_chip(self.chip, c.status)
        reason = f"<br>{c.status.label}: {escape(c.status_reason)}" if c.status_reason else ""
        self.facts.setText(
            f"{escape(c.route.label)} · {c.doses} doses · starts {show_date(c.start_on)}<br>"
            f"Prescriber: {escape(c.prescriber_name)} · Therapist: {escape(c.therapist_name)}{reason}"
        )
        self.override.setText(
            f"Override of a “not eligible” screening by {escape(c.override_by_name)}: {escape(c.override_reason)}"
        )
        self.override.setVisible(bool(c.override_reason))
        self.due.setText(due_words(view, self._zone))
        self.measures.setText(", ".join(view.measures_due) or "none")
        self.warnings.setText("<br>".join(f"⚠ {escape(w)}" for w in view.warnings))
        self.warnings.setVisible(bool(view.warnings))
        self.timeline.set_sessions(c.sessions)
        goals, intentions, base = self._typed.pop(c.id, (c.goals, c.intentions, c.version))
        self._base_version = c.version if self._rebase else base
        self._rebase = False
        self._set_texts(goals, intentions)
        self._edited()

    def _set_texts(self, goals: str, intentions: str) -> None:
        for box, text in ((self.goals, goals), (self.intentions, intentions)):
            if box.toPlainText() != text:
                box.setPlainText(text)

    def dirty(self) -> bool:
        c = self.view.course if self.view else None
        return c is not None and (self.goals.toPlainText(), self.intentions.toPlainText()) != (c.goals, c.intentions)

    def unsaved(self) -> list[int]:
        """The courses whose goals or intentions were typed here and not saved."""
        self._stash()
        return list(self._typed)

    def _stash(self) -> None:
        if self.view is not None and self.dirty():
            self._typed[self.view.course.id] = (
                self.goals.toPlainText(),
                self.intentions.toPlainText(),
                self._base_version,
            )

    def _edited(self) -> None:
        self.save_button.setEnabled(self._writable and self.dirty())

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- saving --------------------------------------------------------------------------------------

    def save(self) -> bool:
        if self.view is None or not self._writable:
            return False
        for slot in (self.goals_slot, self.intentions_slot):
            slot.clear_error()
        self.show_message("")
        course = self.view.course
        try:
            outcome = self._service.update(
                course.id, self._base_version, self.goals.toPlainText(), self.intentions.toPlainText()
            )
        except ValidationFailed as failure:
            slots = {"goals": self.goals_slot, "intentions": self.intentions_slot}
            for error in failure.errors:
                if error.field in slots:
                    show_field_error(slots[error.field], error.message)
                else:
                    self.show_message(error.message)
            return False
        except ConflictError as conflict:
            self._rebase = True
            self.saved.emit(None)  # the panel reloads the course; the typed text stays
            self.show_message(
                f"{conflict.message} Your text is still here and was not saved; saving again replaces what they saved."
            )
            return False
        except KapdeskError as error:
            self.show_message(f"{error.title}: {error}")
            return False
        self.view, self._base_version = outcome.value, outcome.value.course.version
        self._set_texts(outcome.value.course.goals, outcome.value.course.intentions)
        self._edited()
        self.saved.emit(outcome)
        return True
