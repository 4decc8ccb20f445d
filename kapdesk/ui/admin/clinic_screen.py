"""The clinic's profile (printed on documents; its time zone is the one times are shown in) and its settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.clinic_profile import (
    PAPER_SIZES,
    PROFILE_MAX_LENGTHS,
    ClinicProfile,
    time_zone_names,
    validate_profile,
)
from kapdesk.domain.contacts import format_phone
from kapdesk.domain.errors import FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.settings import SETTINGS, IntSetting, parse_settings
from kapdesk.services.clinic_admin import ClinicAdminService
from kapdesk.ui.admin.fields import MessageSlot, OutlinedSlot, clear_field_errors, outlined, show_field_errors
from kapdesk.ui.widgets.validated_form import add_row

TYPING_ROOM = 9999  # how far past its limits a value may be typed, so a wrong one is explained, not swallowed
LOGO_SHOWN = (160, 48)  # the thumbnail's box, about as the letterhead prints it


class SettingSpinBox(QSpinBox):
    """Arrows stay within the setting's limits; typing may go beyond them so Save can say what the limits are.

    A spin box ranged to the limits would silently refuse the keystroke that makes "31", leaving "3".
    """

    def __init__(self, setting: IntSetting) -> None:
        super().__init__()
        self.setting = setting
        self.setRange(min(0, setting.minimum), max(TYPING_ROOM, setting.maximum))
        self.setAccessibleName(setting.label)

    def stepBy(self, steps: int) -> None:
        self.setValue(min(max(self.value() + steps, self.setting.minimum), self.setting.maximum))

    def stepEnabled(self) -> QSpinBox.StepEnabledFlag:
        flags = QSpinBox.StepEnabledFlag.StepNone
        if self.value() > self.setting.minimum:
            flags |= QSpinBox.StepEnabledFlag.StepDownEnabled
        if self.value() < self.setting.maximum:
            flags |= QSpinBox.StepEnabledFlag.StepUpEnabled
        return flags


class ClinicScreen(QWidget):
    saved = Signal()  # the profile or settings changed (the time zone shown elsewhere may have)

    def __init__(self, admin: ClinicAdminService) -> None:
        super().__init__()
        self._admin = admin
        self._profile = ClinicProfile("", "", "", "UTC")
        self._values: dict[str, int] = {}
        self.slots: dict[str, MessageSlot] = {}

        self.name = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(64)
        self.phone = QLineEdit()
        self.time_zone = QComboBox()
        self.time_zone.setEditable(True)
        self.time_zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.time_zone.addItems(time_zone_names())
        completer = QCompleter(self.time_zone.model(), self.time_zone)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "chicago" finds America/Chicago
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.time_zone.setCompleter(completer)
        for widget, field in ((self.name, "name"), (self.phone, "phone")):
            widget.setMaxLength(PROFILE_MAX_LENGTHS[field])
        self.paper_size = QComboBox()
        for key, label in PAPER_SIZES.items():
            self.paper_size.addItem(label, key)
        self.logo = QLabel()
        self.logo.setFixedSize(*LOGO_SHOWN)
        self.logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo.setFrameShape(QFrame.Shape.StyledPanel)
        self.logo.setAccessibleName("Logo")
        self.choose_logo_button = QPushButton("C&hoose…")
        self.choose_logo_button.setToolTip("A PNG or JPEG of at most 1 MB; saved as soon as it is chosen.")
        self.remove_logo_button = QPushButton("Re&move")
        logo_row = QWidget()
        logo_line = QHBoxLayout(logo_row)
        logo_line.setContentsMargins(0, 0, 0, 0)
        logo_line.addWidget(self.logo)
        logo_line.addWidget(self.choose_logo_button, 0, Qt.AlignmentFlag.AlignVCenter)
        logo_line.addWidget(self.remove_logo_button, 0, Qt.AlignmentFlag.AlignVCenter)
        logo_line.addStretch(1)

        profile_box = QGroupBox("Clinic profile")
        profile_form = QFormLayout(profile_box)
        for field, caption, widget, required in (
            ("name", "Clinic name", self.name, True),
            ("address", "Address", self.address, False),
            ("phone", "Phone", self.phone, False),
            ("time_zone", "Time zone", self.time_zone, True),
            ("paper_size", "Paper size", self.paper_size, True),
        ):
            widget.setAccessibleName(caption)
            self.slots[field] = MessageSlot(widget, caption)
            add_row(profile_form, caption, self.slots[field], required)
        self.slots["logo"] = MessageSlot(logo_row, "Logo", self.logo)
        add_row(profile_form, "Logo", self.slots["logo"])

        settings_box = QGroupBox("Settings")
        settings_form = QFormLayout(settings_box)
        self.spins: dict[str, SettingSpinBox] = {}
        for key, setting in SETTINGS.items():
            spin = SettingSpinBox(setting)
            self.spins[key] = spin
            limits = QLabel(f"{setting.unit} ({setting.minimum}–{setting.maximum}, default {setting.default})".strip())
            limits.setStyleSheet("color: #555555;")
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            frame = outlined(spin)
            line.addWidget(frame)
            line.addWidget(limits, 1)
            self.slots[key] = OutlinedSlot(row, setting.label, spin, frame)
            add_row(settings_form, setting.label, self.slots[key])

        self.form_error = QLabel()
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.status = QLabel()
        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Ctrl+S")
        self.revert_button = QPushButton("Re&vert")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        column = QVBoxLayout()
        column.addWidget(self.form_error)
        column.addWidget(profile_box)
        column.addWidget(settings_box)
        column.addLayout(buttons)
        column.addStretch(1)
        content = QWidget()
        row = QHBoxLayout(content)
        row.addLayout(column, 3)
        row.addStretch(1)  # a form this narrow reads badly stretched across a wide window
        scroll = QScrollArea()  # the settings outgrow a small screen
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button.clicked.connect(lambda: self.set_logo(None))
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        self._stale = True  # read when first shown, once someone is signed in

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.load()

    def invalidate(self) -> None:
        self._stale = True
        if self.isVisible():
            self.load()

    def forget(self) -> None:
        """Signed out: what the last admin typed and didn't save is replaced by the saved values when next shown."""
        self._stale = True
        self.status.setText("")
        clear_field_errors(self.slots, self.form_error)

    def load(self) -> None:
        try:
            profile = self._admin.profile()
            values = self._admin.settings().values
            logo = self._admin.logo()
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, str(error))
            return
        self._profile = profile or ClinicProfile("", "", "", "UTC")
        self._values = {key: values.get(key, setting.default) for key, setting in SETTINGS.items()}
        self.name.setText(self._profile.name)
        self.address.setPlainText(self._profile.address)
        self.phone.setText(format_phone(self._profile.phone))
        self.time_zone.setCurrentText(self._profile.time_zone)
        self.paper_size.setCurrentIndex(max(self.paper_size.findData(self._profile.paper_size), 0))
        self._show_logo(logo)
        for key, spin in self.spins.items():
            spin.setValue(self._values[key])
        clear_field_errors(self.slots, self.form_error)
        self.status.setText("")
        self._stale = False

    def _typed_profile(self) -> ClinicProfile:
        return ClinicProfile(
            self.name.text(),
            self.address.toPlainText(),
            self.phone.text(),
            self.time_zone.currentText(),
            self.paper_size.currentData(),
        )

    def save(self) -> None:
        """Check profile and settings together first, so a refusal never leaves half of them saved."""
        profile, profile_errors = validate_profile(self._typed_profile())
        raw = {key: spin.cleanText() for key, spin in self.spins.items()}
        values, setting_errors = parse_settings(raw)
        if profile_errors or setting_errors:
            self._refused([*profile_errors, *setting_errors])
            return
        profile_changed = profile != self._profile
        settings_changed = values != self._values
        if not profile_changed and not settings_changed:
            clear_field_errors(self.slots, self.form_error)
            self.status.setStyleSheet("")
            self.status.setText("Nothing has changed.")
            return
        try:
            if profile_changed:
                self._profile = self._admin.update_profile(profile).value
            if settings_changed:
                self._values = dict(self._admin.change_settings(raw).value.values)
        except ValidationFailed as invalid:
            self._refused(invalid.errors)
            return
        except KapdeskError as error:
            self._refused([FieldError("", str(error))])
            return
        self.load()
        self.status.setStyleSheet("color: #1b5e20;")
        self.status.setText("Saved.")
        self.saved.emit()

    # -- the logo (saved as soon as it is chosen or removed) ------------------------------------------------

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the clinic's logo", "", "Images (*.png *.jpg *.jpeg)")
        if not path:
            return
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            self._refused([FieldError("logo", f"kapdesk couldn't read that file ({error.strerror}).")])
            return
        self.set_logo(data)

    def set_logo(self, data: bytes | None) -> None:
        try:
            saved = self._admin.set_logo(data).value
        except ValidationFailed as invalid:
            self._refused(invalid.errors)
            return
        except KapdeskError as error:
            self._refused([FieldError("logo", str(error))])
            return
        self._show_logo(saved)
        clear_field_errors(self.slots, self.form_error)
        self.status.setStyleSheet("color: #1b5e20;")
        self.status.setText("Logo saved." if saved else "Logo removed.")
        self.saved.emit()

    def _show_logo(self, data: bytes | None) -> None:
        picture = QPixmap()
        if data and picture.loadFromData(data):
            self.logo.setPixmap(picture.scaled(*LOGO_SHOWN, Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))  # fmt: skip
        else:
            self.logo.setText("No logo")
        self.remove_logo_button.setEnabled(bool(data))

    def _refused(self, errors: list[FieldError]) -> None:
        show_field_errors(self.slots, errors, self.form_error)
        self.status.setStyleSheet("color: #c62828;")
        self.status.setText("Not saved — please check the highlighted fields.")
