"""Document templates: the consent forms, preparation instructions and aftercare handouts a clinic prints, written
in a small markup with placeholders that are filled from the patient, the clinic, the course and the session.

The markup, line by line:
    # Title-level heading            ## Section heading
    - a bullet item                  1. a numbered item
    any other line: paragraph text (lines next to each other join; a blank line ends the paragraph)
Inline: **bold**, and placeholders such as {patient.full_name}; {{ and }} print a literal brace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from enum import StrEnum

from kapdesk.domain.appointments import Route
from kapdesk.domain.errors import FieldError

TITLE_MAX = 120
BODY_MAX = 60_000
LANGUAGES = {"en": "English"}  # documents are made in English until a patient can choose their language


class DocumentKind(StrEnum):
    CONSENT = "consent"
    PREPARATION = "preparation"
    AFTERCARE = "aftercare"

    @property
    def label(self) -> str:
        return {
            "consent": "Informed consent",
            "preparation": "Preparation instructions",
            "aftercare": "Aftercare handout",
        }[self.value]

    @property
    def signed(self) -> bool:
        """Whether this kind is signed by the patient (a handout is only handed over)."""
        return self is DocumentKind.CONSENT


class TemplateStatus(StrEnum):
    DRAFT = "draft"  # being written: previewed, never printed for a patient
    ACTIVE = "active"  # what documents are made from now
    RETIRED = "retired"  # replaced by a newer version; kept for the documents made from it

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class TemplateSpec:
    """What an admin edits."""

    kind: DocumentKind
    title: str
    routes: frozenset[Route]  # the routes this text is for
    language: str
    body: str


@dataclass(frozen=True)
class DocumentTemplate:
    id: int
    code: str  # stable across versions, e.g. "consent-iv"
    version: int
    status: TemplateStatus
    spec: TemplateSpec
    row_version: int  # optimistic locking of the row itself

    @property
    def label(self) -> str:
        return f"{self.spec.title} (v{self.version})"


# -- markup --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int  # 1 or 2
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]
    numbered: bool


Block = Heading | Paragraph | Items

_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,2})\s+(.*)$")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def parse(body: str) -> tuple[Block, ...]:
    """The blocks of a template body, in order. Text keeps its inline markup and placeholders."""
    blocks: list[Block] = []
    lines: list[str] = []  # the paragraph being gathered
    items: list[str] = []
    numbered = False

    def flush() -> None:
        nonlocal items
        if lines:
            blocks.append(Paragraph(" ".join(lines)))
            lines.clear()
        if items:
            blocks.append(Items(tuple(items), numbered))
            items = []

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif heading := _HEADING.match(line):
            flush()
            blocks.append(Heading(len(heading.group(1)), heading.group(2).strip()))
        elif (bullet := _BULLET.match(line)) or (number := _NUMBERED.match(line)):
            kind_numbered = bullet is None
            if lines or (items and kind_numbered != numbered):
                flush()
            numbered = kind_numbered
            items.append((bullet or number).group(1).strip())  # type: ignore[union-attr]
        elif items and raw[:1].isspace():  # an indented line carries on the item above
            items[-1] += " " + line
        else:
            if items:
                flush()
            lines.append(line)
    flush()
    return tuple(blocks)


# -- placeholders --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placeholder:
    name: str
    means: str  # shown to the admin writing a template
    missing: str  # why a document can't be made when there is no value, and what to do


PLACEHOLDERS: dict[str, Placeholder] = {
    p.name: p
    for p in (
        Placeholder("patient.full_name", "the patient's full name", "The patient's name is missing."),
        Placeholder("patient.first_name", "the patient's first (or preferred) name", "The patient's name is missing."),
        Placeholder("patient.date_of_birth", "the patient's date of birth", "The patient's date of birth is missing."),
        Placeholder("patient.chart_number", "the chart number", "The patient has no chart number."),
        Placeholder(
            "patient.escort_name",
            "the escort or driver who takes the patient home",
            "No escort is recorded for the patient: add one in the patient's details.",
        ),
        Placeholder(
            "patient.escort_phone",
            "the escort's phone number",
            "The escort's phone number is not recorded: add it in the patient's details.",
        ),
        Placeholder(
            "patient.emergency_name",
            "the emergency contact",
            "No emergency contact is recorded: add one in the patient's details.",
        ),
        Placeholder(
            "patient.emergency_phone",
            "the emergency contact's phone number",
            "The emergency contact's phone number is not recorded: add it in the patient's details.",
        ),
        Placeholder("clinic.name", "the clinic's name", "The clinic's name is not set (Admin ▸ Clinic)."),
        Placeholder("clinic.address", "the clinic's address", "The clinic's address is not set (Admin ▸ Clinic)."),
        Placeholder("clinic.phone", "the clinic's phone number", "The clinic's phone is not set (Admin ▸ Clinic)."),
        Placeholder("course.route", "how ketamine is given in the course", "The patient has no open course."),
        Placeholder("course.protocol", "the course's protocol", "The patient has no open course."),
        Placeholder("course.prescriber", "the course's prescriber", "The patient has no open course."),
        Placeholder("course.therapist", "the course's therapist", "The patient has no open course."),
        Placeholder(
            "session.date",
            "the date of the next dosing session",
            "The patient has no dosing session booked in the course.",
        ),
        Placeholder(
            "session.time",
            "the start time of the next dosing session",
            "The patient has no dosing session booked in the course.",
        ),
        Placeholder(
            "session.arrival_time",
            "when to arrive for it (a little before it starts)",
            "The patient has no dosing session booked in the course.",
        ),
        Placeholder("fasting.solids", "no food for this long before dosing (by route)", "The route is not known."),
        Placeholder("fasting.liquids", "no clear liquids for this long before dosing", "The route is not known."),
        Placeholder("today", "the date the document is made", "Today's date is unknown."),
    )
}


def used_placeholders(text: str) -> list[str]:
    """Every placeholder name the text uses, in order of first use (unknown ones included)."""
    found: dict[str, None] = {}
    for match in _PLACEHOLDER.finditer(text):
        if match.group(1) is not None:
            found.setdefault(match.group(1).strip(), None)
    return list(found)


def placeholder_problems(text: str) -> list[str]:
    """Unknown placeholders and stray braces in one line of text, in words."""
    problems = []
    for match in _PLACEHOLDER.finditer(text):
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            continue
        if name is None:
            problems.append(f"a lone “{token}”: write {{{{ or }}}} to print a brace.")
        elif name.strip() not in PLACEHOLDERS:
            guess = get_close_matches(name.strip(), PLACEHOLDERS, n=1)
            hint = f" Did you mean {{{guess[0]}}}?" if guess else ""
            problems.append(f"{{{name}}} is not a placeholder kapdesk knows.{hint}")
    return problems


def check_body(body: str) -> list[FieldError]:
    """What stops a body from being used, each with its line: unknown placeholders, stray braces, no text."""
    errors: list[str] = []
    if not body.strip():
        return [FieldError("body", "Write the document's text.")]
    if len(body) > BODY_MAX:
        return [FieldError("body", f"Keep the text under {BODY_MAX:,} characters.")]
    for number, line in enumerate(body.splitlines(), start=1):
        errors += [f"Line {number}: {problem}" for problem in placeholder_problems(line)]
    if not any(isinstance(b, Heading) for b in parse(body)):
        errors.append("Start the document with a heading line (# Title).")
    return [FieldError("body", message) for message in errors]


def check_spec(spec: TemplateSpec) -> list[FieldError]:
    errors: list[FieldError] = []
    if not spec.title.strip():
        errors.append(FieldError("title", "Give the template a title."))
    elif len(spec.title) > TITLE_MAX:
        errors.append(FieldError("title", f"Keep the title under {TITLE_MAX} characters."))
    else:
        errors += [
            FieldError("title", problem[:1].upper() + problem[1:]) for problem in placeholder_problems(spec.title)
        ]
    if not spec.routes:
        errors.append(FieldError("routes", "Tick at least one route this text is for."))
    if spec.language not in LANGUAGES:
        errors.append(FieldError("language", "Choose the language the text is written in."))
    return errors + check_body(spec.body)


def fill(text: str, values: Mapping[str, str]) -> tuple[str, list[FieldError]]:
    """`text` with its placeholders replaced; a placeholder with no value (or an empty one) is an error, named by
    the placeholder, so nothing is ever printed with a blank where a fact should be."""
    errors: dict[str, FieldError] = {}

    def one(match: re.Match[str]) -> str:
        token, name = match.group(0), match.group(1)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        if name is None:  # a lone brace: the template is broken, not the record
            errors.setdefault(token, FieldError("template", f"The template has a lone “{token}”; an admin fixes it."))
            return token
        key = name.strip()
        value = values.get(key, "").strip()
        if not value:
            known = PLACEHOLDERS.get(key)
            message = known.missing if known else f"The template uses {{{key}}}, which kapdesk doesn't know."
            errors.setdefault(key, FieldError(key, message))
        return value

    return _PLACEHOLDER.sub(one, text), list(errors.values())


def fill_blocks(blocks: tuple[Block, ...], values: Mapping[str, str]) -> tuple[tuple[Block, ...], list[FieldError]]:
    """Every block filled; the errors of all of them together, each placeholder once."""
    errors: dict[str, FieldError] = {}

    def text(value: str) -> str:
        filled, found = fill(value, values)
        for error in found:
            errors.setdefault(error.field, error)
        return filled

    out: list[Block] = []
    for block in blocks:
        match block:
            case Heading(level, value):
                out.append(Heading(level, text(value)))
            case Paragraph(value):
                out.append(Paragraph(text(value)))
            case Items(items, numbered):
                out.append(Items(tuple(text(i) for i in items), numbered))
    return tuple(out), list(errors.values())
