"""Document templates as an admin writes them and a patient reads them: the markup, the placeholder checks, filling
(never a blank where a fact should be), the values worked out for a patient, and the seed texts kapdesk ships,
checked against what CLINICAL.md says each document must cover. Pure functions: no database, no Qt."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kapdesk.domain.appointments import Route
from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.document_seeds import parse_seed
from kapdesk.domain.document_templates import (
    PLACEHOLDERS,
    DocumentKind,
    Heading,
    Items,
    Paragraph,
    TemplateSpec,
    check_body,
    check_spec,
    fill,
    fill_blocks,
    parse,
)
from kapdesk.domain.document_values import CourseFacts, document_values, duration
from kapdesk.domain.errors import FieldError
from kapdesk.domain.patient_documents import typed_name_matches
from kapdesk.domain.patients import PatientRecord
from kapdesk.domain.settings import ClinicSettings

SEED_DIR = Path(__file__).resolve().parents[2] / "kapdesk" / "resources" / "templates"
CLINIC = ClinicProfile(
    "Cascade Ketamine Clinic", "400 Pine St\nSeattle, WA 98101", "+12065550100", "America/Los_Angeles"
)
PATIENT = PatientRecord(
    first_name="Łukasz",
    last_name="Dvořák",
    date_of_birth=date(1985, 3, 12),
    escort_name="Zoë Ngô",
    escort_phone="+12065550123",
    id=7,
    chart_number="KD-000007",
    version=1,
)
TODAY = date(2026, 10, 28)
DEFAULTS = ClinicSettings({})


def course(route: Route = Route.IV, next_dose_at: datetime | None = None) -> CourseFacts:
    return CourseFacts(3, route, "IV induction", "Dr Miriam Okafor", "Sam Rivera", next_dose_at)


def values(**changes: object) -> dict[str, str]:
    facts = changes.pop("course", course(next_dose_at=datetime(2026, 11, 2, 17, 0, tzinfo=UTC)))
    return document_values(replace(PATIENT, **changes), CLINIC, facts, DEFAULTS, TODAY)  # type: ignore[arg-type]


# -- markup ----------------------------------------------------------------------------------------------------

PARSED = [
    ("# Title\n## Section", (Heading(1, "Title"), Heading(2, "Section"))),
    ("one line\nthe next line\n\nanother", (Paragraph("one line the next line"), Paragraph("another"))),
    ("- a\n* b\n1. c\n2) d", (Items(("a", "b"), numbered=False), Items(("c", "d"), numbered=True))),
    ("- first\n  carries on\n- second", (Items(("first carries on", "second"), numbered=False),)),
    (
        "Call us if:\n- you feel sick\nThat is all.",
        (Paragraph("Call us if:"), Items(("you feel sick",), False), Paragraph("That is all.")),
    ),
    ("**Bold** start is text, not a bullet", (Paragraph("**Bold** start is text, not a bullet"),)),
    ("### three hashes stay text", (Paragraph("### three hashes stay text"),)),
    (
        "Dear {patient.first_name},\nwrite {{ for a brace",
        (Paragraph("Dear {patient.first_name}, write {{ for a brace"),),
    ),
    ("\n\n  \n", ()),
]


@pytest.mark.parametrize(("body", "blocks"), PARSED)
def test_markup_parses_into_headings_paragraphs_and_lists(body: str, blocks: tuple) -> None:
    assert parse(body) == blocks


def test_literal_braces_print_as_single_braces_and_are_not_placeholders() -> None:
    assert check_body("# T\nA set is written {{a, b}}.") == []
    assert fill("A set is written {{a, b}}.", {}) == ("A set is written {a, b}.", [])


CHECKED = [
    (
        "# T\n\nHello {patient.fullname}",
        "Line 3: {patient.fullname} is not a placeholder kapdesk knows. Did you mean {patient.full_name}?",
    ),
    ("# T\nWe open at {opening}", "Line 2: {opening} is not a placeholder kapdesk knows."),
    ("# T\nFees { see desk", "Line 2: a lone “{”: write {{ or }} to print a brace."),
    ("# T\nsmile :}", "Line 2: a lone “}”: write {{ or }} to print a brace."),
    ("Just a paragraph for {patient.full_name}", "Start the document with a heading line (# Title)."),
    ("  \n", "Write the document's text."),
]


@pytest.mark.parametrize(("body", "message"), CHECKED)
def test_check_body_names_the_problem_and_its_line(body: str, message: str) -> None:
    assert check_body(body) == [FieldError("body", message)]


def test_a_body_using_every_known_placeholder_is_accepted() -> None:
    body = "# T\n" + "\n".join(f"- {{{name}}}" for name in PLACEHOLDERS)
    assert check_body(body) == []


def test_check_spec_asks_for_a_title_a_route_and_a_language() -> None:
    spec = TemplateSpec(DocumentKind.CONSENT, " ", frozenset(), "xx", "# T")
    assert {e.field for e in check_spec(spec)} == {"title", "routes", "language"}
    assert check_spec(replace(spec, title="Consent", routes=frozenset({Route.IM}), language="en")) == []


def test_a_title_is_checked_for_placeholders_like_the_text() -> None:
    spec = TemplateSpec(
        DocumentKind.AFTERCARE, "After your session, {patient.fullname} {", frozenset({Route.IV}), "en", "# T"
    )
    assert check_spec(spec) == [
        FieldError("title", "{patient.fullname} is not a placeholder kapdesk knows. Did you mean {patient.full_name}?"),
        FieldError("title", "A lone “{”: write {{ or }} to print a brace."),
    ]
    assert check_spec(replace(spec, title="After your session, {patient.first_name}")) == []
    # Should a broken title ever be stored, making the document names the template, not the patient's record.
    assert fill("Hello {", {})[1] == [FieldError("template", "The template has a lone “{”; an admin fixes it.")]


# -- filling -------------------------------------------------------------------------------------------------


def test_a_missing_or_empty_value_is_an_error_naming_the_placeholder_never_a_blank() -> None:
    text = "{patient.full_name}, bring {patient.escort_name} ({patient.escort_phone}) and {patient.escort_name}."
    filled, errors = fill(text, {"patient.full_name": "Zoë Ngô", "patient.escort_phone": "  "})
    assert errors == [
        FieldError("patient.escort_name", PLACEHOLDERS["patient.escort_name"].missing),
        FieldError("patient.escort_phone", PLACEHOLDERS["patient.escort_phone"].missing),
    ]  # each placeholder once, however often it is used
    assert "No escort is recorded" in errors[0].message
    assert filled.startswith("Zoë Ngô, bring")


def test_fill_blocks_fills_every_kind_of_block_and_reports_each_missing_placeholder_once() -> None:
    blocks = parse("# For {patient.full_name}\nArrive at {session.arrival_time}.\n- {session.arrival_time}\n1. {today}")
    filled, errors = fill_blocks(blocks, {"patient.full_name": "Ana <Lee> & Co", "today": "Today"})
    assert filled[0] == Heading(1, "For Ana <Lee> & Co")
    assert filled[3] == Items(("Today",), numbered=True)
    assert errors == [FieldError("session.arrival_time", PLACEHOLDERS["session.arrival_time"].missing)]
    complete, none = fill_blocks(blocks, {"patient.full_name": "A", "session.arrival_time": "8:45 AM", "today": "T"})
    assert none == [] and complete[1] == Paragraph("Arrive at 8:45 AM.")


def test_values_show_phone_numbers_as_the_clinic_writes_them() -> None:
    found = values()
    assert found["patient.escort_phone"] == "(206) 555-0123"
    assert found["clinic.phone"] == "(206) 555-0100"
    assert found["patient.full_name"] == "Łukasz Dvořák"
    assert found["patient.date_of_birth"] == "March 12, 1985"  # no weekday for a birth date


@pytest.mark.parametrize(
    ("utc", "day", "start", "arrive"),
    [
        (datetime(2026, 10, 30, 16, 0, tzinfo=UTC), "Friday, October 30, 2026", "9:00 AM", "8:45 AM"),  # PDT, UTC-7
        (datetime(2026, 11, 2, 17, 0, tzinfo=UTC), "Monday, November 2, 2026", "9:00 AM", "8:45 AM"),  # PST, UTC-8
        (
            datetime(2026, 11, 3, 7, 30, tzinfo=UTC),
            "Monday, November 2, 2026",
            "11:30 PM",
            "11:15 PM",
        ),  # UTC's next day
    ],
)
def test_the_next_dose_is_shown_in_the_clinics_zone_on_both_sides_of_the_clock_change(
    utc: datetime, day: str, start: str, arrive: str
) -> None:
    found = values(course=course(next_dose_at=utc))
    assert (found["session.date"], found["session.time"], found["session.arrival_time"]) == (day, start, arrive)


def test_fasting_times_follow_the_route_and_the_clinics_settings() -> None:
    iv = values(course=course(Route.IV))
    esketamine = values(course=course(Route.ESKETAMINE))
    assert (iv["fasting.solids"], iv["fasting.liquids"]) == ("4 hours", "2 hours")
    assert (esketamine["fasting.solids"], esketamine["fasting.liquids"]) == ("2 hours", "30 minutes")
    stricter = ClinicSettings({"fasting_solids_minutes": 390, "esketamine_liquids_minutes": 60})
    assert document_values(PATIENT, CLINIC, course(), stricter, TODAY)["fasting.solids"] == "6 hours 30 minutes"
    assert document_values(PATIENT, CLINIC, course(Route.ESKETAMINE), stricter, TODAY)["fasting.liquids"] == "1 hour"
    assert [duration(m) for m in (0, 1, 45, 60, 61)] == [
        "0 minutes",
        "1 minute",
        "45 minutes",
        "1 hour",
        "1 hour 1 minute",
    ]


def test_facts_that_are_not_known_are_left_out_so_filling_names_them() -> None:
    found = values(course=None, escort_phone="")
    assert not {"course.route", "fasting.solids", "session.date", "patient.escort_phone"} & found.keys()
    no_session = values(course=course(next_dose_at=None))
    assert "course.route" in no_session and "session.date" not in no_session


# -- seed files ----------------------------------------------------------------------------------------------

SEED = "---\ncode: consent-iv\nkind: consent\ntitle: Consent\nroutes: iv, im\nlanguage: en\n---\n# Consent\nText\n"


def test_a_seed_file_gives_its_code_and_spec() -> None:
    code, spec = parse_seed(SEED)
    assert code == "consent-iv"
    assert spec == TemplateSpec(
        DocumentKind.CONSENT, "Consent", frozenset({Route.IV, Route.IM}), "en", "# Consent\nText\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code: x\n---\n# T", "line 1: a seed starts with"),
        (SEED.replace("title: Consent", "titel: Consent"), "line 4: unknown header key “titel”"),
        (SEED.replace("language: en", "code: again"), "line 6: “code” is already given on line 2"),
        (SEED.replace("title: Consent", "title"), "line 4: write the header as “key: value”"),
        (SEED.replace("language: en\n", ""), "line 6: the header lacks language"),
        (SEED.replace("code: consent-iv", "code: Consent IV"), "line 2: a code is lower-case letters"),
        (SEED.replace("kind: consent", "kind: leaflet"), "line 3: unknown kind “leaflet”"),
        (SEED.replace("iv, im", "iv, oral"), "line 5: unknown route “oral”"),
        ("---\ncode: a\nkind: consent\n# T\n", "line 4: write the header as"),
        ("---\ncode: a\n", "line 2: the header never ends"),
    ],
)
def test_a_malformed_seed_is_refused_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_seed(text)


EXPECTED_SEEDS = {
    "consent-iv": (DocumentKind.CONSENT, {Route.IV}),
    "consent-im": (DocumentKind.CONSENT, {Route.IM}),
    "consent-sublingual": (DocumentKind.CONSENT, {Route.SUBLINGUAL}),
    "consent-esketamine": (DocumentKind.CONSENT, {Route.ESKETAMINE}),
    "preparation-clinic": (DocumentKind.PREPARATION, {Route.IV, Route.IM, Route.SUBLINGUAL}),
    "preparation-esketamine": (DocumentKind.PREPARATION, {Route.ESKETAMINE}),
    "aftercare": (DocumentKind.AFTERCARE, set(Route)),
}


def seeds() -> dict[str, TemplateSpec]:
    return dict(parse_seed(path.read_text(encoding="utf-8")) for path in sorted(SEED_DIR.glob("*.md")))


def words(code: str) -> str:
    """The seed's text as a reader meets it: markup gone, one space between words, lower case."""
    return " ".join(seeds()[code].body.replace("**", "").split()).lower()


def test_every_seed_file_is_named_for_its_code_parses_and_passes_the_template_checks() -> None:
    found = seeds()
    assert {p.stem for p in SEED_DIR.glob("*.md")} == set(found) == set(EXPECTED_SEEDS)
    for code, spec in found.items():
        assert (spec.kind, set(spec.routes)) == EXPECTED_SEEDS[code], code
        assert spec.language == "en"
        assert check_spec(spec) == [], code


def test_every_seed_fills_completely_for_a_patient_with_a_booked_session() -> None:
    for code, spec in seeds().items():
        facts = course(min(spec.routes), datetime(2026, 11, 2, 17, 0, tzinfo=UTC))
        assert fill_blocks(parse(spec.body), values(course=facts))[1] == [], code


def test_consents_and_aftercare_need_no_booked_session_preparation_does() -> None:
    unbooked = values(course=course(next_dose_at=None))
    for code, spec in seeds().items():
        missing = {e.field for e in fill_blocks(parse(spec.body), unbooked)[1]}
        if spec.kind is DocumentKind.PREPARATION:
            assert {"session.date", "session.arrival_time"} <= missing, code
        else:
            assert missing == set(), code


# CLINICAL.md, "Consent and handouts": each point, and words a consent that covers it must use.
CONSENT_POINTS = {
    "off-label status": ["off-label", "approved", "treatment-resistant depression"],
    "the route": ["{course.route}"],
    "expected effects": ["dissociation", "altered perception"],
    "blood pressure and heart rate": ["blood pressure", "heart rate"],
    "nausea": ["nausea"],
    "dizziness": ["dizziness"],
    "blurred vision": ["blurred"],
    "impaired coordination for hours": ["coordination", "several hours"],
    "bladder problems": ["bladder"],
    "misuse potential": ["misuse", "habit-forming"],
    "alternatives": ["alternatives", "tms", "ect"],
    "pregnancy exclusion": ["pregnancy", "must not be given"],
    "withdrawal before administration": ["withdraw your consent at any time before the medicine is given"],
    "escort rule": ["escort", "may not drive", "until the next day, after a night's sleep", "alcohol for 24 hours"],
    "rescue medications": ["rescue", "ondansetron", "clonidine", "labetalol", "lorazepam"],
    "signed statement": ["i, {patient.full_name}, have read this form"],
}
ROUTE_ONLY = {  # words that describe one route's procedure, out of place in another route's consent
    "consent-iv": "cannula",
    "consent-im": "injection into a muscle",
    "consent-sublingual": "troche",
    "consent-esketamine": "28 mg",
}
ROUTE_POINTS = {
    "consent-iv": ["infusion", "cannula", "about 40 minutes", "every 10 minutes"],
    "consent-im": ["injection into a muscle", "15 to 30 minutes", "about 5 minutes"],
    "consent-sublingual": ["lozenge", "troche", "do not chew it and do not swallow", "bioavailability"],
    "consent-esketamine": ["spravato", "28 mg", "5-minute rest between devices", "at least 2 hours", "spravato rems"],
}


@pytest.mark.parametrize("code", sorted(ROUTE_POINTS))
def test_each_consent_covers_every_clinical_point_and_its_routes_specifics(code: str) -> None:
    text = words(code)
    for point, needed in [*CONSENT_POINTS.items(), ("route specifics", ROUTE_POINTS[code])]:
        missing = [w for w in needed if w not in text]
        assert not missing, f"{code} lacks {point}: {missing}"
    for other, marker in ROUTE_ONLY.items():
        assert (marker in text) == (other == code), f"{code}: “{marker}” belongs to {other}"


HANDOUT_POINTS = {
    "preparation-clinic": {
        "fasting times": ["{fasting.solids}", "{fasting.liquids}", "no food", "clear liquids"],
        "medications to hold or discuss": [
            "benzodiazepines", "lamotrigine", "maois", "stimulants", "opioid",
            "do not stop or change any of them on your own",
        ],
        "what to bring": ["what to bring", "list of your medicines"],
        "escort": ["{patient.escort_name}", "{patient.escort_phone}"],
        "arrival time": ["{session.arrival_time}", "{session.date}", "{session.time}"],
    },
    "preparation-esketamine": {
        "fasting times": ["{fasting.solids}", "{fasting.liquids}", "no food", "no liquids"],
        "medications to hold or discuss": [
            "benzodiazepines", "lamotrigine", "maois", "stimulants", "opioid",
            "do not stop or change any of them on your own", "at least 1 hour before",
        ],
        "what to bring": ["what to bring", "list of your medicines"],
        "escort": ["{patient.escort_name}", "{patient.escort_phone}"],
        "arrival time": ["{session.arrival_time}", "{session.date}", "at least 2 hours"],
    },
    "aftercare": {
        "no driving until the next day after sleep": ["no driving", "until the next day, after a night's sleep"],
        "no alcohol 24 h": ["no alcohol for 24 hours"],
        "what is normal afterwards": ["what is normal afterwards", "tired", "headache", "vivid dreams"],
        "integration practices": ["journaling", "rest", "nature", "contacts"],
        "warning signs and who to call": ["warning signs", "call 911", "chest pain", "blood when you pass urine"],
        "the clinic's numbers and 988": ["{clinic.name}", "{clinic.phone}", "988"],
    },
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(HANDOUT_POINTS))
def test_each_handout_covers_its_clinical_points(code: str) -> None:
    text = words(code)
    for point, needed in HANDOUT_POINTS[code].items():
        missing = [w for w in needed if w not in text]
        assert not missing, f"{code} lacks {point}: {missing}"


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("Zoë Müller", True),
        ("zoe muller", True),  # case and accents aside
        ("Müller, Zoë", True),  # any order
        ("Zo Müller", False),
        ("Z. Müller", False),
        ("Zoë", False),
        ("Zoë Anne Müller-Ngô", True),  # middle and double names around both
        ("Jo Müller", True),  # the preferred name
    ],
)
def test_a_typed_signing_name_must_be_the_patients(typed: str, matches: bool) -> None:
    assert typed_name_matches(typed, "Zoë", "Müller", "Jo") is matches
