"""Thin table models for the intake's three lists. Past entries (resolved, stopped, removed) stay listed, struck
through and greyed; what bears on eligibility or needs a prescriber's review is coloured, with the reason in words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from kapdesk.domain.intake import Allergy, Diagnosis, Medication, MedicationClass
from kapdesk.domain.screening_items import Item, Severity
from kapdesk.ui.formatting import show_date
from kapdesk.ui.widgets.rows_model import RowsTableModel

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
PAST_COLOUR = QColor("#8a8a8a")
ABSOLUTE_BACKGROUND = QColor("#fdecea")  # blocks dosing until a prescriber overrides
RELATIVE_BACKGROUND = QColor("#fff4e5")  # precautions; also medications flagged for review
WARNING = "⚠"


def class_words(med_class: MedicationClass) -> str:
    """ "⚠ Benzodiazepine: may blunt the response to ketamine"; just "Other" for unflagged classes."""
    return f"{WARNING} {med_class.label}: {med_class.concern}" if med_class.concern else med_class.label


def item_words(item: Item | None) -> str:
    if item is None:
        return ""
    return f"{WARNING} {item.label}" + (" (blocks dosing)" if item.severity is Severity.ABSOLUTE else "")


def _dates(started: date | None, ended: date | None, ended_word: str, recorded: datetime, zone: ZoneInfo) -> str:
    """When it ended, else since when it holds, else (no date was given) when it was recorded."""
    if ended is not None:
        return f"{ended_word} {show_date(ended)}"
    return f"since {show_date(started)}" if started else f"recorded {show_date(recorded.astimezone(zone).date())}"


class EntriesModel(RowsTableModel):
    """Rows of one kind of entry; `ended` says whether an entry is past, `item` what it implies for screening,
    `concern` any other reason to look twice."""

    def __init__(
        self,
        columns: tuple[str, ...],
        zone: ZoneInfo,
        ended: Callable[[Any], bool],
        concern: Callable[[Any], str] = lambda _entry: "",
    ) -> None:
        super().__init__(columns, ENTRY_ROLE, self._cell, self._look)
        self.zone = zone  # the clinic's, for the day an entry was recorded
        self._ended = ended
        self._concern = concern

    _cell: Callable[[Any, int], str]  # each list's own columns

    def set_rows(self, rows: list[Any]) -> None:
        self._replace(rows)

    def entry_at(self, row: int) -> Any:
        return self._rows[row]

    def row_of(self, entry_id: int) -> int | None:
        return self._find(lambda entry: entry.id == entry_id)

    def _look(self, entry: Any, role: int) -> object:
        if self._ended(entry):
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setStrikeOut(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(PAST_COLOUR)
            return None
        item: Item | None = getattr(entry, "item", None)
        concern = self._concern(entry)
        if role == Qt.ItemDataRole.BackgroundRole and (item is not None or concern):
            absolute = item is not None and item.severity is Severity.ABSOLUTE
            return QBrush(ABSOLUTE_BACKGROUND if absolute else RELATIVE_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole:
            reasons = [f"Bears on eligibility screening: {item.label}." if item else "", concern]
            return "\n".join(r for r in reasons if r) or None
        return None


class DiagnosesModel(EntriesModel):
    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__(("Code", "Description", "Flags", "Dates"), zone, lambda d: d.resolved_on is not None)

    def _cell(self, d: Diagnosis, column: int) -> str:
        if column == 2:
            flags = ["Treatment-resistant" if d.treatment_resistant else "", item_words(d.item)]
            return " · ".join(f for f in flags if f)
        if column == 3:
            return _dates(d.diagnosed_on, d.resolved_on, "resolved", d.recorded_at, self.zone)
        return (d.code, d.description)[column]


class MedicationsModel(EntriesModel):
    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__(
            ("Medication", "Dose", "Class", "Dates"),
            zone,
            lambda m: m.stopped_on is not None,
            lambda m: f"Flagged for prescriber review: {m.med_class.concern}." if m.med_class.concern else "",
        )

    def _cell(self, m: Medication, column: int) -> str:
        if column == 3:
            return _dates(m.started_on, m.stopped_on, "stopped", m.recorded_at, self.zone)
        return (m.name, m.dose, class_words(m.med_class))[column]


class AllergiesModel(EntriesModel):
    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__(("Substance", "Reaction", "Flags", "Dates"), zone, lambda a: a.removed_on is not None)

    def _cell(self, a: Allergy, column: int) -> str:
        if column == 3:
            return _dates(None, a.removed_on, "removed", a.recorded_at, self.zone)
        return (a.substance, a.reaction, item_words(a.item))[column]
