"""Tabs that other areas add to the patient chart (appointments, intake, screening, courses), each shown only to
those allowed to see it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from kapdesk.domain.access import Actor


@dataclass(frozen=True)
class ChartTab:
    title: str  # with its mnemonic: "&Appointments"
    make: Callable[[int, Actor], QWidget]  # (patient id, who is looking) → the tab's widget
    allowed: Callable[[Actor], bool]
