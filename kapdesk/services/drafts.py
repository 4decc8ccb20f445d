"""Unsaved edits put aside when another user signs in at the same computer, to be resumed by their author."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kapdesk.db.models import Draft
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.errors import NotFound
from kapdesk.domain.permissions import Permission
from kapdesk.services.audit_trail import Entry
from kapdesk.services.work import Unit, Work, audited

# What each kind of draft holds, for the audit trail and for the permission to keep it.
# For patient and note drafts entity_id is the patient's id (a note draft keeps the note's own id in its fields).
_KINDS = {
    "patient": (Category.DEMOGRAPHICS, Permission.EDIT_DEMOGRAPHICS),
    "note": (Category.CLINICAL, Permission.WRITE_CLINICAL),
    "psychotherapy_note": (Category.PSYCHOTHERAPY, Permission.WRITE_PSYCHOTHERAPY_NOTES),
    "appointment": (Category.SCHEDULE, Permission.BOOK_APPOINTMENTS),  # entity_id: the patient, if chosen
}


@dataclass(frozen=True)
class DraftSummary:
    id: int
    kind: str
    entity_id: int | None
    label: str
    saved_at: datetime


@dataclass(frozen=True)
class DraftContent:
    summary: DraftSummary
    base_version: int | None
    fields: dict[str, str]  # the form's text as typed, valid or not


class DraftService:
    def __init__(self, work: Work) -> None:
        self._work = work

    @audited(Action.DRAFT_SAVE)
    def save(
        self, kind: str, entity_id: int | None, base_version: int | None, label: str, fields: dict[str, str]
    ) -> int:
        category, permission = _KINDS[kind]
        with self._work.unit(permission) as unit:
            draft = Draft(
                user_id=unit.actor.user_id,
                kind=kind,
                entity_id=entity_id,
                base_version=base_version,
                label=label[:200],
                payload=json.dumps(fields, ensure_ascii=False),
                saved_at=self._work.clock(),
            )
            unit.session.add(draft)
            unit.session.flush()
            _record(unit, Action.DRAFT_SAVE, draft, category, "kept an unsaved edit as a draft")
            return draft.id

    @audited(Action.VIEW)
    def resume(self, draft_id: int) -> DraftContent:
        """Hand the draft back to its author and remove it: from here it lives in their open form."""
        with self._work.unit(None) as unit:
            draft = _own(unit, draft_id)
            content = DraftContent(_summary(draft), draft.base_version, json.loads(draft.payload))
            unit.session.delete(draft)
            _record(unit, Action.VIEW, draft, _KINDS[draft.kind][0], "resumed a draft")
            return content

    @audited(Action.DRAFT_DISCARD)
    def discard(self, draft_id: int) -> None:
        with self._work.unit(None) as unit:
            draft = _own(unit, draft_id)
            unit.session.delete(draft)
            _record(unit, Action.DRAFT_DISCARD, draft, _KINDS[draft.kind][0], "discarded a draft")


def drafts_of(session: Session, user_id: int) -> list[DraftSummary]:
    """A user's waiting drafts; listed as part of their sign-in, which is audited."""
    query = select(Draft).where(Draft.user_id == user_id).order_by(Draft.saved_at)
    return [_summary(d) for d in session.scalars(query)]


def _own(unit: Unit, draft_id: int) -> Draft:
    draft = unit.session.get(Draft, draft_id)
    if draft is None or draft.user_id != unit.actor.user_id:  # someone else's draft is not there for you
        raise NotFound("That draft is no longer there.", "It may have been resumed or discarded already.")
    return draft


def _summary(draft: Draft) -> DraftSummary:
    return DraftSummary(draft.id, draft.kind, draft.entity_id, draft.label, draft.saved_at)


def _record(unit: Unit, action: Action, draft: Draft, category: Category, summary: str) -> None:
    patient = draft.entity_id if draft.kind in _KINDS else None
    unit.record(Entry(action, category, "draft", str(draft.id), patient_id=patient, summary=summary))
