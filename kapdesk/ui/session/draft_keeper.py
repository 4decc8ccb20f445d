"""Keeping open forms as drafts when their author steps away, and offering the drafts back later."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

from kapdesk.domain.errors import KapdeskError, NotFound
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.session.drafts import DraftOffer, DraftSource

if TYPE_CHECKING:
    from kapdesk.services.clinic import Clinic
    from kapdesk.services.drafts import DraftSummary

log = logging.getLogger("kapdesk.session")


class DraftKeeper:
    def __init__(self, clinic: Clinic, window: MainWindow) -> None:
        self._clinic = clinic
        self._window = window
        self.offer: DraftOffer | None = None  # the "unsaved work kept for you" dialog, while it is open

    def keep_open_forms(self) -> list[int]:
        """A draft of every shown form with unsaved edits. Must run while the user is still signed in and
        unlocked: a locked session can't save anything."""
        kept = []
        for widget in QApplication.topLevelWidgets():
            if not widget.isVisible() or not isinstance(widget, DraftSource):
                continue
            request = widget.draft_request()
            if request is None:
                continue
            try:
                kept.append(
                    self._clinic.drafts.save(
                        request.kind, request.entity_id, request.base_version, request.label, request.fields
                    )
                )
            except Exception as error:  # one form that can't be kept must not stop the screen from locking
                log.warning("draft not kept: %s", type(error).__name__)
        return kept

    def drop(self, draft_ids: list[int]) -> None:
        """The forms these drafts copied are back on screen with the same text: the copies aren't needed."""
        for draft_id in draft_ids:
            with contextlib.suppress(KapdeskError):
                self._clinic.drafts.discard(draft_id)

    def offer_back(self, drafts: list[DraftSummary]) -> None:
        if self.offer is not None:
            self.offer.close()
        offer = DraftOffer(drafts, self._window)
        offer.resume.connect(self._resume)
        offer.discard.connect(self._discard)
        offer.finished.connect(lambda _code: self._closed(offer))
        self.offer = offer
        offer.show()

    def _closed(self, offer: DraftOffer) -> None:
        if self.offer is offer:
            self.offer = None
        offer.deleteLater()

    def _resume(self, draft: DraftSummary) -> None:
        """The area that owns this kind of draft opens its form on it (MainWindow.draft_handlers)."""
        parent = self.offer or self._window
        handler = self._window.draft_handlers.get(draft.kind)
        try:
            if handler is None:
                raise KapdeskError("This kind of draft can't be opened here.", "It stays kept for later.")
            handler(draft, lambda: self._clinic.drafts.resume(draft.id))
        except NotFound as gone:  # resumed or discarded elsewhere already: nothing left to offer
            QMessageBox.warning(parent, gone.title, str(gone))
        except KapdeskError as error:  # e.g. another form is open: the draft stays on offer
            QMessageBox.warning(parent, error.title, str(error))
            return
        if self.offer is not None:
            self.offer.remove(draft.id)

    def _discard(self, draft: DraftSummary) -> None:
        parent = self.offer or self._window
        answer = QMessageBox.question(
            parent,
            "Discard this draft?",
            f"Discard your unsaved changes to {draft.label}? They can't be brought back.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Discard:
            return
        try:
            self._clinic.drafts.discard(draft.id)
        except NotFound:
            pass  # already gone
        except KapdeskError as error:
            QMessageBox.warning(parent, error.title, str(error))
            return
        if self.offer is not None:
            self.offer.remove(draft.id)
