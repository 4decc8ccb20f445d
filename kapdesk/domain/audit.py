"""Audit events and the hash chain that makes any change to them detectable.

Each event's MAC is HMAC-SHA256(key, previous MAC + the event's canonical form). Changing, removing or
reordering an event breaks every MAC after it; the chain head (last sequence number and MAC, itself
MAC'd) shows when events were cut off the end. The key lives outside the database, so someone holding
the database file alone can't forge a consistent chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

KEY_BYTES = 32
GENESIS_MAC = "0" * 64  # the "previous MAC" of the first event
SUMMARY_MAX = 300  # a short description of the change, never a note's text


_CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # built once: verify runs it per event


class Action(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    LOCK = "lock"
    UNLOCK = "unlock"
    SEARCH = "search"
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    CANCEL = "cancel"
    STATUS_CHANGE = "status_change"
    ARCHIVE = "archive"
    RESTORE = "restore"
    PRINT = "print"
    EXPORT = "export"
    SIGN = "sign"
    SETUP = "setup"
    USER_ADD = "user_add"
    USER_CHANGE = "user_change"
    USER_DISABLE = "user_disable"
    USER_ENABLE = "user_enable"
    PASSWORD_CHANGE = "password_change"
    PASSWORD_RESET = "password_reset"
    SETTINGS_CHANGE = "settings_change"
    DRAFT_SAVE = "draft_save"
    DRAFT_DISCARD = "draft_discard"
    DENIED = "denied"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Category(StrEnum):
    """The kind of data an event touched (ONC 170.315(d)(2) asks for it)."""

    SESSION = "session"
    DEMOGRAPHICS = "demographics"
    SCHEDULE = "schedule"
    CLINICAL = "clinical"
    PSYCHOTHERAPY = "psychotherapy"
    USER_ACCOUNT = "user_account"
    CLINIC_SETTINGS = "clinic_settings"
    AUDIT = "audit"


class Result(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


@dataclass(frozen=True)
class AuditEvent:
    """One entry of the trail, as stored and as verified."""

    sequence: int
    occurred_at: datetime  # UTC
    user_id: int | None
    username: str
    workstation: str
    action: str
    category: str
    entity_type: str
    entity_id: str
    patient_id: int | None
    outcome: str
    summary: str

    def canonical(self) -> bytes:
        """The bytes the MAC covers: every field, in a fixed order and encoding."""
        fields = [
            self.sequence,
            self.occurred_at.isoformat(timespec="microseconds"),
            self.user_id,
            self.username,
            self.workstation,
            self.action,
            self.category,
            self.entity_type,
            self.entity_id,
            self.patient_id,
            self.outcome,
            self.summary,
        ]
        return _CANONICAL_JSON.encode(fields).encode()


def chain_mac(key: bytes, previous_mac: str, event: AuditEvent) -> str:
    return hmac.new(key, bytes.fromhex(previous_mac) + event.canonical(), hashlib.sha256).hexdigest()


def head_mac(key: bytes, last_sequence: int, last_mac: str) -> str:
    """Seals the end of the chain, so deleting the newest events shows."""
    return hmac.new(key, f"head|{last_sequence}|{last_mac}".encode(), hashlib.sha256).hexdigest()


def key_check(key: bytes) -> str:
    """Stored in the database to tell a wrong key from a tampered chain; reveals nothing about the key."""
    return hmac.new(key, b"kapdesk audit key check", hashlib.sha256).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class ChainBreak:
    """The first place the chain fails to verify, in words for the admin."""

    sequence: int | None
    message: str


@dataclass(frozen=True)
class VerifyReport:
    events: int
    problem: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.problem is None


class ChainVerifier:
    """Walks events in sequence order; feed every stored event, then call finish() with the stored head."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._previous_mac = GENESIS_MAC
        self._expected = 1
        self.count = 0
        self.problem: ChainBreak | None = None

    def feed(self, event: AuditEvent, stored_mac: str) -> bool:
        """False once the chain is broken; the first break is kept."""
        if event.sequence != self._expected:
            if event.sequence > self._expected:
                text = f"Events {self._expected}–{event.sequence - 1} are missing (deleted)."
                if event.sequence == self._expected + 1:
                    text = f"Event {self._expected} is missing (deleted)."
                self.problem = ChainBreak(self._expected, text)
            else:
                self.problem = ChainBreak(event.sequence, f"Event {event.sequence} is out of order or duplicated.")
            return False
        mac = chain_mac(self._key, self._previous_mac, event)
        if not constant_time_equal(mac, stored_mac):
            self.problem = ChainBreak(
                event.sequence,
                f"Event {event.sequence} does not match its seal: it was altered, or events were reordered.",
            )
            return False
        self._previous_mac = mac
        self._expected += 1
        self.count += 1
        return True

    def finish(self, head_sequence: int | None, head_last_mac: str, stored_head_mac: str) -> VerifyReport:
        if self.problem is None:
            self.problem = self._check_head(head_sequence, head_last_mac, stored_head_mac)
        return VerifyReport(self.count, self.problem)

    def _check_head(self, head_sequence: int | None, head_last_mac: str, stored_head_mac: str) -> ChainBreak | None:
        last = self._expected - 1
        if head_sequence is None:
            return ChainBreak(None, "The chain head record is missing: the trail was tampered with.")
        if not constant_time_equal(head_mac(self._key, head_sequence, head_last_mac), stored_head_mac):
            return ChainBreak(None, "The chain head record was altered.")
        if head_sequence > last:
            missing = last + 1
            return ChainBreak(missing, f"Events {missing}–{head_sequence} are missing: the trail was cut short.")
        if head_sequence < last or not constant_time_equal(head_last_mac, self._previous_mac):
            return ChainBreak(head_sequence, "The chain head does not match the last event.")
        return None
