"""A recorded eligibility screening as the services hand it to screens: what was answered, what it came to, who
recorded and who signed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kapdesk.domain.errors import FieldError, KapdeskError
from kapdesk.domain.screening import NOTES_MAX, Answers, Assessment

REMS_ID_MAX = 40


@dataclass(frozen=True)
class ScreeningRecord:
    id: int
    patient_id: int
    answers: Answers
    assessment: Assessment  # as assessed when last saved, with the clinic's limits of that moment
    notes: str
    rems_enrolled_on: date | None
    rems_patient_id: str
    created_by_name: str
    created_at: datetime
    signed_by_name: str  # empty while unsigned
    signed_at: datetime | None
    precautions_acknowledged: bool
    version: int

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


class ScreeningSigned(KapdeskError):
    """A signed screening is the record of what a prescriber approved; a change of facts needs a new screening."""

    title = "Screening is signed"

    def __init__(self, message: str = "Signed screenings can't change; record a new one.") -> None:
        super().__init__(message, "Nothing was saved.")


def check_details(
    answers: Answers, notes: str, rems_enrolled_on: date | None, rems_patient_id: str, today: date
) -> list[FieldError]:
    """What check_answers doesn't cover: a REMS enrollment needs its date (not a future one), and the free text
    must fit. Returns the problems, each at its field."""
    errors: list[FieldError] = []
    if answers.rems_enrolled:
        if rems_enrolled_on is None:
            errors.append(FieldError("rems_enrolled_on", "Enter the date the patient was enrolled in the REMS."))
        elif rems_enrolled_on > today:
            errors.append(FieldError("rems_enrolled_on", "The enrollment date can't be in the future."))
        if len(rems_patient_id.strip()) > REMS_ID_MAX:
            errors.append(FieldError("rems_patient_id", f"Keep the REMS patient ID under {REMS_ID_MAX} characters."))
    if len(notes.strip()) > NOTES_MAX:
        errors.append(FieldError("notes", f"Keep the notes under {NOTES_MAX:,} characters ({len(notes.strip()):,})."))
    elif "\x00" in notes:  # PostgreSQL refuses NUL in text; it only arrives by pasting binary junk
        errors.append(FieldError("notes", "The notes contain a character that can't be stored (NUL)."))
    return errors
