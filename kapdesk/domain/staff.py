"""Who works in the clinic, in which roles, and the rules for their usernames."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kapdesk.domain.errors import FieldError

USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")


class Role(StrEnum):
    ADMIN = "admin"
    PRESCRIBER = "prescriber"
    NURSE = "nurse"
    THERAPIST = "therapist"
    FRONT_DESK = "front_desk"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Who can be booked to see a patient.
CLINICAL_ROLES = frozenset({Role.PRESCRIBER, Role.NURSE, Role.THERAPIST})


@dataclass(frozen=True)
class Clinician:
    id: int
    username: str
    full_name: str
    credentials: str
    roles: frozenset[Role]
    active: bool

    @property
    def label(self) -> str:
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name


@dataclass(frozen=True)
class StaffMember:
    id: int
    username: str
    full_name: str
    credentials: str
    roles: frozenset[Role]
    active: bool
    can_sign_in: bool  # has a password
    must_change_password: bool
    last_sign_in_at: datetime | None
    version: int


def check_new_user(username: str, full_name: str, roles: frozenset[Role]) -> list[FieldError]:
    errors: list[FieldError] = []
    if not USERNAME_PATTERN.match(username):
        errors.append(
            FieldError(
                "username",
                "must be 2–32 characters: lower-case letters, digits, dot, dash or underscore, starting with a letter",
            )
        )
    if not full_name.strip():
        errors.append(FieldError("full_name", "is required"))
    elif len(full_name.strip()) > 120:
        errors.append(FieldError("full_name", "is longer than 120 characters"))
    if not roles:
        errors.append(FieldError("roles", "choose at least one role"))
    return errors
