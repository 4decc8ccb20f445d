"""The session at this computer: set-up or sign-in, then work, lock, unlock, switch user, sign out.

Dialogs are opened with open(), never exec(), so the flow is a chain of `finished` handlers: nothing blocks,
the idle timer keeps running, and tests drive each step through the real widgets.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from kapdesk.domain.access import Actor
from kapdesk.domain.errors import KapdeskError, SignInFailed
from kapdesk.domain.settings import AUTO_LOCK_MINUTES
from kapdesk.services import demo
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.session.chain_check import ChainCheck
from kapdesk.ui.session.clipboard import ClipboardGuard
from kapdesk.ui.session.draft_keeper import DraftKeeper
from kapdesk.ui.session.drafts import DraftOffer
from kapdesk.ui.session.idle import CHECK_INTERVAL_MS, LOCK_KEYS, IdleWatcher
from kapdesk.ui.session.lock_screen import LockScreen
from kapdesk.ui.session.password_dialog import ChangePasswordDialog
from kapdesk.ui.session.setup_dialog import SetupDialog
from kapdesk.ui.session.sign_in_dialog import SignInDialog
from kapdesk.ui.session.windows import WindowStash

if TYPE_CHECKING:
    from kapdesk.services.auth import SignInResult
    from kapdesk.services.clinic import Clinic
    from kapdesk.services.drafts import DraftSummary

log = logging.getLogger("kapdesk.session")
# Invented patients only: the demo's accounts are no secret (the README lists them too).
DEMO_HINT = (
    f"Demo clinic: sign in as admin, prescriber, nurse, therapist or frontdesk, password “{demo.DEMO_PASSWORD}”."
)


class SessionController(QObject):
    def __init__(
        self,
        window: MainWindow,
        clinic: Clinic,
        attach: Callable[[], object],
        *,
        clock: Callable[[], float] = time.monotonic,
        check_interval_ms: int = CHECK_INTERVAL_MS,
        quit_app: Callable[[], object] | None = None,
    ) -> None:
        """`attach` adds the working areas; it runs once, after the first sign-in (areas call services)."""
        super().__init__(window)
        self.window = window
        self._clinic = clinic
        self._attach = attach
        self._attached = False
        self._quit = quit_app or window.close
        self._closing = False
        self.actor: Actor | None = None  # who holds this session, locked or not
        self.dialog: QDialog | None = None  # the set-up, sign-in or password dialog on screen
        self.drafts = DraftKeeper(clinic, window)
        self._lock_minutes = AUTO_LOCK_MINUTES.default
        self._lock_drafts: list[int] = []  # kept when the screen locked; dropped again when the same user unlocks

        self.lock_screen = LockScreen()
        window.set_cover(self.lock_screen)
        self.lock_screen.unlock_requested.connect(self.unlock)
        self.lock_screen.switch_requested.connect(self.switch_user)
        self.idle = IdleWatcher(clock, check_interval_ms, self)
        self.idle.idle.connect(lambda: self.lock("idle"))
        self.idle.lock_keys_pressed.connect(lambda: self.lock("locked by the user"))
        self.clipboard = ClipboardGuard(self)
        self.stash = WindowStash(window)
        self.chain_check = ChainCheck(clinic.audit, window)

        self.lock_action = QAction("&Lock now", self, shortcut=QKeySequence(LOCK_KEYS))
        self.switch_action = QAction("S&witch user…", self)
        self.password_action = QAction("&Change password…", self)
        self.sign_out_action = QAction("Sign &out", self)
        # Ctrl+L also works from a chart or over an open form: the idle watcher sees it in every window.
        self.lock_action.triggered.connect(lambda: self.lock("locked by the user"))
        self.switch_action.triggered.connect(self.switch_user)
        self.password_action.triggered.connect(self.change_password)
        self.sign_out_action.triggered.connect(self.sign_out)
        menu = window.session_menu
        menu.addAction(self.lock_action)
        menu.addAction(self.switch_action)
        menu.addSeparator()
        menu.addAction(self.password_action)
        menu.addSeparator()
        menu.addAction(self.sign_out_action)
        window.before_close.append(self._on_closing)
        window.after_close.append(self._on_closed)
        self._update_actions()

    @property
    def draft_offer(self) -> DraftOffer | None:
        return self.drafts.offer

    @property
    def locked(self) -> bool:
        return self.actor is not None and self.window.locked

    # -- getting someone signed in -----------------------------------------------------------------

    def start(self) -> None:
        """The clinic is open: set it up on first run, otherwise ask who is here."""
        self.window.loading.setText("")
        self.lock_screen.show_signed_out()
        self.window.show_cover(True)
        if self._clinic.admin.needs_setup():
            self._show(SetupDialog(self._clinic, self.window), self._setup_finished)
        else:
            self._open_sign_in()

    def _show(self, dialog: QDialog, finished: Callable[[QDialog], None]) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _code: self._dialog_finished(dialog, finished))
        dialog.open()

    def _dialog_finished(self, dialog: QDialog, then: Callable[[QDialog], None]) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        if not self._closing:
            then(dialog)

    def _setup_finished(self, dialog: QDialog) -> None:
        assert isinstance(dialog, SetupDialog)
        if dialog.sign_in_result is not None:
            self._signed_in(dialog.sign_in_result)
        elif dialog.already_set_up:
            self._open_sign_in()
        else:
            self._quit()

    def _open_sign_in(self, switching: bool = False) -> None:
        hint = DEMO_HINT if self.window.is_demo else ""
        self._show(SignInDialog(self._clinic, self.window, switching=switching, hint=hint), self._sign_in_finished)

    def _sign_in_finished(self, dialog: QDialog) -> None:
        assert isinstance(dialog, SignInDialog)
        if dialog.sign_in_result is not None:
            self._signed_in(dialog.sign_in_result)
        elif self.locked:
            self.lock_screen.password.setFocus()  # switching was cancelled: the lock screen is still there
        else:
            self._quit()

    def _signed_in(self, result: SignInResult) -> None:
        previous = self.actor
        if previous is not None and previous.user_id == result.actor.user_id and self.locked:
            # The same person signed in from "Switch user": the same as unlocking.
            self.actor = result.actor
            self._unlocked([d for d in result.drafts if d.id not in self._lock_drafts])
            return
        if previous is not None:
            self._end_previous()
        self.actor = result.actor
        if result.must_change_password:
            self.lock_screen.show_signed_out()
            dialog = ChangePasswordDialog(self._clinic, result.actor, self.window, required=True)
            self._show(dialog, lambda d: self._begin(result) if d.result() else self._refused_password())
        else:
            self._begin(result)

    def _refused_password(self) -> None:
        self._sign_out_quietly()
        self._open_sign_in()

    def _begin(self, result: SignInResult) -> None:
        if not self._attached:
            self._attach()
            self._attached = True
        self.window.set_locked(False)
        self.window.begin_session(result.actor)
        self.chain_check.after_sign_in(result.actor)
        self._start_idle()
        self._update_actions()
        if result.drafts:
            self.drafts.offer_back(result.drafts)

    def _start_idle(self) -> None:
        try:  # read at each sign-in: an admin may have changed it
            self._lock_minutes = self._clinic.admin.settings()[AUTO_LOCK_MINUTES]
        except Exception as error:  # never leave a session without its auto-lock: keep the last known value
            log.warning("lock setting not read: %s", type(error).__name__)
        self.idle.start(self._lock_minutes)

    # -- locking -----------------------------------------------------------------------------------

    def lock(self, reason: str = "locked by the user") -> None:
        """Hide everything, keeping every unsaved form as it is (and as a draft, in case of a switch or a
        power cut), and wait for the same password or another person."""
        if self.actor is None or self.window.locked:
            return
        self._lock_drafts = self.drafts.keep_open_forms()  # while the user can still save: a locked session can't
        try:
            self._clinic.auth.lock(reason)
        except Exception as error:  # the screen locks regardless (and so do the services); only the event is missing
            log.warning("lock not recorded: %s", type(error).__name__)
        self.idle.stop()
        self.stash.hide_all()
        self.clipboard.clear_if_ours()
        self.window.set_locked(True)
        self.lock_screen.show_locked(self.actor)
        self.window.show_cover(True)
        self._update_actions()

    def unlock(self, password: str) -> bool:
        try:
            actor = self._clinic.auth.unlock(password)
        except SignInFailed:  # the service's words mention a username, which nobody typed here
            self.lock_screen.show_message("That password is not right. Try again.")
            return False
        except KapdeskError as error:  # a wait after repeated failures, a disabled account, the audit key
            self.lock_screen.show_message(str(error))
            return False
        self.actor = actor
        self._unlocked([])
        return True

    def _unlocked(self, other_drafts: list[DraftSummary]) -> None:
        self.drafts.drop(self._lock_drafts)
        self._lock_drafts = []
        self.window.set_locked(False)
        self.window.show_cover(False)
        self.stash.restore()
        self._start_idle()
        self._update_actions()
        if other_drafts:
            self.drafts.offer_back(other_drafts)

    # -- changing who is here ----------------------------------------------------------------------

    def switch_user(self) -> None:
        """Someone else sits down. The current user's forms wait, hidden, until the sign-in succeeds."""
        if self.actor is None or (self.dialog is not None and self.dialog.isVisible()):
            return
        self.lock("switch user")
        self._open_sign_in(switching=True)

    def _end_previous(self) -> None:
        """Another person signed in: close the previous user's windows (their edits are drafts by now)."""
        self.stash.close_all()
        self._lock_drafts = []  # kept for their author's next sign-in
        self.window.end_session()

    def sign_out(self) -> None:
        if self.actor is None or self.window.locked:
            return
        self.drafts.keep_open_forms()
        self.stash.hide_all()
        self.stash.close_all()
        self.clipboard.clear_if_ours()
        self._sign_out_quietly()
        self.window.end_session()
        self._open_sign_in()

    def _sign_out_quietly(self) -> None:
        self.idle.stop()
        try:
            self._clinic.auth.sign_out()
        except KapdeskError as error:
            log.warning("sign-out not recorded: %s", type(error).__name__)
        self.actor = None
        self.window.set_locked(True)
        self.lock_screen.show_signed_out()
        self.window.show_cover(True)
        self._update_actions()

    def change_password(self) -> None:
        if self.actor is None or self.window.locked or (self.dialog is not None and self.dialog.isVisible()):
            return
        self._show(ChangePasswordDialog(self._clinic, self.actor, self.window), lambda _d: None)

    # -- the rest ----------------------------------------------------------------------------------

    def _update_actions(self) -> None:
        working = self.actor is not None and not self.window.locked
        for action in (self.lock_action, self.switch_action, self.password_action, self.sign_out_action):
            action.setEnabled(working)

    def _on_closing(self) -> None:
        self._closing = True  # dialogs closed now must not start the next step (sign in again, quit)
        QTimer.singleShot(0, self, self._close_settled)
        if self.locked:
            self.stash.close_all()  # hidden, so nobody could answer their questions; their drafts are kept

    def _close_settled(self) -> None:
        if self.window.isVisible():  # a form with unsaved edits kept the window open
            self._closing = False

    def _on_closed(self) -> None:
        self.idle.stop()
        self.clipboard.clear_if_ours()
        if self.actor is not None:
            try:
                self._clinic.auth.sign_out()
            except Exception as error:  # quitting must not fail on the way out
                log.warning("sign-out at exit not recorded: %s", type(error).__name__)
            self.actor = None
