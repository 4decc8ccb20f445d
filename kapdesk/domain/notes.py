"""Clinical notes: their kinds, what a saved note looks like, and the rules for a note's text.

Psychotherapy (process) notes are kept apart from the medical record (CLINICAL.md, "Integration"): who may
read a note is decided by `permissions.may_read_note`, and who may write one by `write_permission`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kapdesk.domain.errors import FieldError, KapdeskError
from kapdesk.domain.permissions import Permission

BODY_MAX = 20_000  # characters; a long integration note is ~5,000


class NoteKind(StrEnum):
    PREPARATION = "preparation"
    INTEGRATION = "integration"
    PROGRESS = "progress"
    PSYCHOTHERAPY = "psychotherapy"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_psychotherapy(self) -> bool:
        return self is NoteKind.PSYCHOTHERAPY


_LABELS = {
    NoteKind.PREPARATION: "Preparation",
    NoteKind.INTEGRATION: "Integration",
    NoteKind.PROGRESS: "Progress",
    NoteKind.PSYCHOTHERAPY: "Psychotherapy (private)",
}


@dataclass(frozen=True)
class NoteRecord:
    id: int
    patient_id: int
    kind: NoteKind
    author_id: int
    author_name: str
    body: str
    created_at: datetime
    signed_at: datetime | None
    version: int

    @property
    def is_psychotherapy(self) -> bool:
        return self.kind.is_psychotherapy

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


class NoteSigned(KapdeskError):
    """A signed note is part of the record as it was signed; corrections come as addenda."""

    title = "Note is signed"

    def __init__(self) -> None:
        super().__init__("This note has been signed, so it can no longer be changed.", "Nothing was saved.")


def write_permission(kind: NoteKind) -> Permission:
    return Permission.WRITE_PSYCHOTHERAPY_NOTES if kind.is_psychotherapy else Permission.WRITE_CLINICAL


def writable_kinds(may: Callable[[Permission], bool]) -> list[NoteKind]:
    """The kinds of note someone holding these permissions may write, in menu order."""
    return [kind for kind in NoteKind if may(write_permission(kind))]


def clean_body(body: str) -> tuple[str, list[FieldError]]:
    """The text as it will be stored (surrounding blank space trimmed), and what is wrong with it."""
    text = body.strip()
    if not text:
        return text, [FieldError("body", "is required")]
    if len(text) > BODY_MAX:
        return text, [FieldError("body", f"is longer than {BODY_MAX:,} characters ({len(text):,})")]
    if "\x00" in text:  # PostgreSQL refuses NUL in text; it only arrives by pasting binary junk
        return text, [FieldError("body", "contains a character that can't be stored (NUL)")]
    return text, []
