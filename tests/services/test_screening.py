"""Eligibility screenings on both databases: recorded by clinical staff, signed by prescribers only, never changed once
signed (the service and a trigger refuse), and judged current, expired or out of date as the record moves on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kapdesk.db.models import AllergyRow, DiagnosisRow, MedicationRow, VitalsRow
from kapdesk.domain.appointments import Route
from kapdesk.domain.errors import ConflictError, NotFound, PermissionDenied, ValidationFailed
from kapdesk.domain.intake import MedicationClass
from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.screening import Answers, Pregnancy, Result, Standing
from kapdesk.domain.screening_items import Item, Severity
from kapdesk.domain.screening_record import ScreeningSigned
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from tests.helpers import TODAY, add_user, open_test_clinic, set_up, sign_in_as

PACIFIC = ZoneInfo("America/Los_Angeles")
NOTE = "Discussed the bladder history at length, qv-5521"  # unique, so the trail can be searched for it
NORMAL = Answers(
    items=frozenset(),
    systolic=122,
    diastolic=78,
    heart_rate=72,
    spo2=98,
    pregnancy=Pregnancy.NOT_PREGNANT,
    medication_classes=frozenset(),
)
PRECAUTIONS = replace(NORMAL, items=frozenset({Item.BLADDER}), medication_classes=frozenset({MedicationClass.OPIOID}))


def _team(clinic: Clinic) -> Clinic:
    for username, role in [("nils", Role.NURSE), ("pria", Role.PRESCRIBER), ("fran", Role.FRONT_DESK)]:
        add_user(clinic, username, role)
    return clinic


@pytest.fixture
def team(clinic: Clinic) -> Clinic:
    return _team(clinic)


def _patient(clinic: Clinic, sex: str = "female", born: date = date(1988, 6, 1)) -> int:
    draft = PatientDraft(first_name="Maren", last_name="Holt", date_of_birth=born, sex_at_birth=sex)
    return clinic.patients.create(draft).value.id


@pytest.fixture
def patient(team: Clinic) -> int:
    return _patient(team)


def _add(clinic: Clinic, *rows: object) -> None:
    """Intake rows written straight to the database (the intake service is another area's work)."""
    with clinic.database.transaction() as session:
        session.add_all(rows)


def _count(clinic: Clinic, table: str) -> int:
    with clinic.database.reading() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _events(clinic: Clinic) -> list[tuple[str, str, str]]:
    with clinic.database.reading() as connection:
        rows = connection.execute(text("SELECT action, entity_type, summary FROM audit_events ORDER BY id"))
        return [tuple(r) for r in rows]  # type: ignore[misc]


# -- the whole flow ---------------------------------------------------------------------------------------


def test_a_nurse_records_and_a_prescriber_signs_with_the_precautions_acknowledged(team: Clinic, patient: int) -> None:
    sign_in_as(team, "nils")
    recorded = team.screening.record(patient, PRECAUTIONS, notes=NOTE).value
    assert not recorded.signed and recorded.version == 1 and recorded.created_by_name == "Nils"
    assert recorded.assessment.result is Result.PRECAUTIONS
    assert [(r.text, r.severity) for r in recorded.assessment.reasons] == [
        ("Bladder problems (ketamine cystitis risk)", Severity.RELATIVE),
        ("Opioid in current medications: adds sedation", Severity.RELATIVE),
    ]
    assert team.screening.verdict(patient).standing is Standing.UNSIGNED
    with pytest.raises(PermissionDenied):
        team.screening.sign(recorded.id, recorded.version, acknowledge_precautions=True)

    sign_in_as(team, "pria")
    with pytest.raises(ValidationFailed) as failure:
        team.screening.sign(recorded.id, recorded.version)
    assert [e.field for e in failure.value.errors] == ["acknowledge"]
    assert not team.screening.history(patient)[0].signed

    signed = team.screening.sign(recorded.id, recorded.version, acknowledge_precautions=True)
    assert signed.changes.clinical == {patient}
    assert signed.value.signed and signed.value.signed_by_name == "Pria" and signed.value.precautions_acknowledged
    assert signed.value.answers == PRECAUTIONS and signed.value.notes == NOTE
    verdict = team.screening.verdict(patient)
    assert verdict.standing is Standing.CURRENT and verdict.result is Result.PRECAUTIONS and verdict.may_dose

    trail = _events(team)
    assert ("create", "screening", "recorded screening: eligible with precautions") in trail
    assert ("sign", "screening", "signed screening: eligible with precautions") in trail
    assert not any("qv-5521" in summary or "Bladder" in summary for _, _, summary in trail)


def test_an_eligible_screening_signs_without_acknowledgement(team: Clinic, patient: int) -> None:
    sign_in_as(team, "pria")
    recorded = team.screening.record(patient, NORMAL).value
    assert recorded.assessment.result is Result.ELIGIBLE and recorded.assessment.reasons == ()
    signed = team.screening.sign(recorded.id, recorded.version).value
    assert signed.signed and not signed.precautions_acknowledged


def test_not_eligible_is_recorded_with_every_reason_and_signed_stays_blocking(team: Clinic, patient: int) -> None:
    sign_in_as(team, "pria")
    answers = replace(NORMAL, items=frozenset({Item.MANIA}), route=Route.ESKETAMINE, pregnancy=Pregnancy.PREGNANT)
    recorded = team.screening.record(patient, answers).value
    assert recorded.assessment.result is Result.NOT_ELIGIBLE
    assert [(r.text, r.overridable) for r in recorded.assessment.reasons] == [
        ("Current mania", True),
        ("Pregnancy or breastfeeding (pregnant)", True),
        ("Esketamine needs REMS enrollment recorded", False),
    ]
    team.screening.sign(recorded.id, recorded.version)
    verdict = team.screening.verdict(patient)
    assert verdict.standing is Standing.CURRENT and not verdict.may_dose
    assert ("create", "screening", "recorded screening: not eligible") in _events(team)


def test_esketamine_records_rems_enrollment(team: Clinic, patient: int) -> None:
    sign_in_as(team, "pria")
    answers = replace(NORMAL, route=Route.ESKETAMINE, rems_enrolled=True)
    recorded = team.screening.record(
        patient, answers, rems_enrolled_on=TODAY - timedelta(days=3), rems_patient_id=" RP-0042 "
    ).value
    assert recorded.assessment.result is Result.ELIGIBLE
    assert recorded.rems_enrolled_on == TODAY - timedelta(days=3) and recorded.rems_patient_id == "RP-0042"
    team.screening.sign(recorded.id, recorded.version)
    assert team.screening.verdict(patient).rems_enrolled


# -- what is refused before anything is written ---------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "options", "fields"),
    [
        (replace(NORMAL, systolic=None, diastolic=None), {}, ["systolic", "diastolic"]),
        (replace(NORMAL, pregnancy=Pregnancy.NOT_ASKED), {}, ["pregnancy"]),
        (replace(NORMAL, route=Route.ESKETAMINE, rems_enrolled=True), {}, ["rems_enrolled_on"]),
        (
            replace(NORMAL, route=Route.ESKETAMINE, rems_enrolled=True),
            {"rems_enrolled_on": TODAY + timedelta(days=1)},
            ["rems_enrolled_on"],
        ),
        (NORMAL, {"notes": "x" * 2001}, ["notes"]),
    ],
    ids=["no blood pressure", "pregnancy unanswered", "REMS without a date", "REMS in the future", "long notes"],
)
def test_bad_answers_are_refused_at_their_fields_and_nothing_is_saved(
    team: Clinic, patient: int, answers: Answers, options: dict[str, object], fields: list[str]
) -> None:
    sign_in_as(team, "nils")
    events = len(_events(team))
    with pytest.raises(ValidationFailed) as failure:
        team.screening.record(patient, answers, **options)  # type: ignore[arg-type]
    assert [e.field for e in failure.value.errors] == fields
    assert _count(team, "screenings") == 0 and _count(team, "vitals") == 0
    assert len(_events(team)) == events


def test_pregnancy_is_not_asked_of_a_man_or_a_woman_past_the_age(team: Clinic) -> None:
    sign_in_as(team, "nils")
    unasked = replace(NORMAL, pregnancy=Pregnancy.NOT_ASKED)
    for sex, born in [("male", date(1990, 1, 1)), ("female", date(1950, 1, 1))]:
        patient = _patient(team, sex, born)
        assert team.screening.record(patient, unasked).value.answers.pregnancy is Pregnancy.NOT_ASKED


def test_front_desk_and_admin_see_no_screenings(team: Clinic, patient: int) -> None:
    for username in ("fran", "admin"):
        sign_in_as(team, username)
        for call in (team.screening.history, team.screening.verdict, team.screening.prefill):
            with pytest.raises(PermissionDenied):
                call(patient)
        with pytest.raises(PermissionDenied):
            team.screening.record(patient, NORMAL)
    sign_in_as(team, "nils")
    with pytest.raises(NotFound):
        team.screening.history(patient + 99)


# -- prefill and vitals ----------------------------------------------------------------------------------


def test_prefill_takes_the_current_intake_and_the_latest_vitals(team: Clinic, patient: int) -> None:
    taken = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)
    _add(
        team,
        DiagnosisRow(patient_id=patient, code="F31.9", description="Bipolar disorder"),
        DiagnosisRow(patient_id=patient, code="F29", description="Psychosis", resolved_on=date(2020, 1, 1)),
        AllergyRow(patient_id=patient, substance="Ketalar (ketamine)", reaction="rash"),
        MedicationRow(patient_id=patient, name="Clonazepam", dose="0.5 mg", med_class="benzodiazepine"),
        MedicationRow(patient_id=patient, name="Tramadol", med_class="opioid", stopped_on=date(2026, 1, 1)),
        MedicationRow(patient_id=patient, name="Sertraline", med_class="other"),
        VitalsRow(patient_id=patient, systolic=118, diastolic=76, heart_rate=64, spo2=99, taken_at=taken),
        VitalsRow(patient_id=patient, systolic=150, diastolic=96, taken_at=taken - timedelta(days=30)),
    )
    sign_in_as(team, "nils")
    answers = team.screening.prefill(patient)
    assert answers.items == {Item.BIPOLAR, Item.HYPERSENSITIVITY}  # the resolved psychosis is not carried in
    assert answers.medication_classes == {MedicationClass.BENZODIAZEPINE}  # stopped and unflagged left out
    assert (answers.systolic, answers.diastolic, answers.heart_rate, answers.spo2) == (118, 76, 64, 99)
    assert answers.pregnancy is Pregnancy.NOT_ASKED and answers.route is None
    assert _events(team)[-1] == ("view", "screening", "prefilled a screening from the intake record")


def test_prefill_of_an_empty_record_leaves_the_blood_pressure_to_be_taken(team: Clinic, patient: int) -> None:
    sign_in_as(team, "nils")
    answers = team.screening.prefill(patient)
    assert answers.items == frozenset() and answers.systolic is None and answers.diastolic is None


def test_the_screening_blood_pressure_becomes_the_latest_vitals(team: Clinic, patient: int) -> None:
    sign_in_as(team, "nils")
    recorded = team.screening.record(patient, NORMAL).value
    assert team.screening.prefill(patient).systolic == 122
    team.screening.revise(recorded.id, recorded.version, replace(NORMAL, systolic=132), notes="rechecked")
    assert _count(team, "vitals") == 2  # a new reading; the first is kept
    assert team.screening.prefill(patient).systolic == 132
    latest = team.screening.history(patient)[0]
    team.screening.revise(latest.id, latest.version, latest.answers, notes="only the notes")
    assert _count(team, "vitals") == 2


def test_the_clinics_limits_decide(team: Clinic, patient: int) -> None:
    team.admin.change_settings({"bp_hold_systolic": "130", "hr_flag_above": "100"})  # the admin is signed in
    sign_in_as(team, "nils")
    recorded = team.screening.record(patient, replace(NORMAL, systolic=135, heart_rate=101)).value
    assert [r.text for r in recorded.assessment.reasons] == [
        "Baseline blood pressure 135/78 mmHg is above 130/90: recheck before each dose",
        "Heart rate 101 is above 100",
    ]
    assert team.screening.limits().hold_systolic == 130


# -- revising and the signed lock -----------------------------------------------------------------------


def test_revise_reassesses_an_unsigned_screening(team: Clinic, patient: int) -> None:
    sign_in_as(team, "nils")
    recorded = team.screening.record(patient, NORMAL).value
    revised = team.screening.revise(recorded.id, recorded.version, PRECAUTIONS, notes=NOTE)
    assert revised.changes.clinical == {patient}
    assert revised.value.version == 2 and revised.value.assessment.result is Result.PRECAUTIONS
    summary = _events(team)[-1][2]
    assert summary == "revised screening (checklist, medications, notes, result): eligible with precautions"
    assert team.screening.history(patient) == [revised.value]

    with pytest.raises(ConflictError) as conflict:
        team.screening.revise(recorded.id, recorded.version, NORMAL)  # as of the version before
    assert conflict.value.current == revised.value


def test_a_signed_screening_cant_be_revised_or_signed_again(team: Clinic, patient: int) -> None:
    sign_in_as(team, "pria")
    recorded = team.screening.record(patient, NORMAL).value
    signed = team.screening.sign(recorded.id, recorded.version).value
    with pytest.raises(ScreeningSigned) as refused:
        team.screening.revise(signed.id, signed.version, PRECAUTIONS)
    assert "record a new one" in refused.value.message
    with pytest.raises(ScreeningSigned):
        team.screening.sign(signed.id, signed.version)
    assert team.screening.history(patient) == [signed]


def test_the_database_refuses_to_change_or_delete_a_signed_screening(team: Clinic, patient: int) -> None:
    sign_in_as(team, "pria")
    recorded = team.screening.record(patient, NORMAL).value
    team.screening.sign(recorded.id, recorded.version)
    for statement in (
        "UPDATE screenings SET result = 'eligible', notes = 'tampered' WHERE id = :id",
        "DELETE FROM screenings WHERE id = :id",
    ):
        with pytest.raises(DBAPIError), team.database.writing() as connection:
            connection.execute(text(statement), {"id": recorded.id})
    assert team.screening.history(patient)[0].notes == ""


def test_the_database_lets_an_unsigned_screening_change(team: Clinic, patient: int) -> None:
    """The trigger guards signed rows only: the service's own revisions go through it."""
    sign_in_as(team, "nils")
    recorded = team.screening.record(patient, NORMAL).value
    with team.database.writing() as connection:
        connection.execute(text("UPDATE screenings SET notes = 'typo fixed' WHERE id = :id"), {"id": recorded.id})
    assert team.screening.history(patient)[0].notes == "typo fixed"


def test_history_lists_newest_first(team: Clinic, patient: int) -> None:
    sign_in_as(team, "pria")
    first = team.screening.record(patient, NORMAL).value
    team.screening.sign(first.id, first.version)
    second = team.screening.record(patient, PRECAUTIONS).value
    assert [r.id for r in team.screening.history(patient)] == [second.id, first.id]
    assert team.screening.verdict(patient).standing is Standing.UNSIGNED  # the latest one counts


# -- standing over time ----------------------------------------------------------------------------------


class Calendar:
    """The clinic's today and clock, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def today(self) -> date:
        return self.now.astimezone(PACIFIC).date()

    def clock(self) -> datetime:
        return self.now


@pytest.fixture
def calendar() -> Calendar:
    return Calendar(datetime(2025, 3, 14, 10, 0, tzinfo=PACIFIC))


@pytest.fixture
def timed(db_url: str, tmp_path: Path, calendar: Calendar) -> Iterator[Clinic]:
    clinic = open_test_clinic(db_url, tmp_path, today=calendar.today, clock=calendar.clock)
    yield _team(set_up(clinic))
    clinic.close()


def _signed(clinic: Clinic, patient: int, answers: Answers = NORMAL) -> None:
    sign_in_as(clinic, "pria")
    recorded = clinic.screening.record(patient, answers).value
    clinic.screening.sign(recorded.id, recorded.version, acknowledge_precautions=True)


def test_a_screening_expires_after_twelve_months(timed: Clinic, calendar: Calendar) -> None:
    patient = _patient(timed)
    _signed(timed, patient)
    calendar.now = datetime(2026, 3, 13, 23, 0, tzinfo=PACIFIC)  # already the 14th in UTC: the clinic's day counts
    verdict = timed.screening.verdict(patient)
    assert verdict.standing is Standing.CURRENT and verdict.expires_on == date(2026, 3, 14)
    calendar.now = datetime(2026, 3, 14, 8, 0, tzinfo=PACIFIC)
    assert timed.screening.verdict(patient).standing is Standing.EXPIRED


def test_the_clinic_sets_the_period(timed: Clinic, calendar: Calendar) -> None:
    patient = _patient(timed)
    _signed(timed, patient)
    calendar.now = datetime(2025, 9, 20, 9, 0, tzinfo=PACIFIC)
    assert timed.screening.verdict(patient).standing is Standing.CURRENT
    sign_in_as(timed, "admin")
    timed.admin.change_settings({"screening_valid_months": "6"})
    sign_in_as(timed, "pria")
    assert timed.screening.verdict(patient).standing is Standing.EXPIRED


@pytest.mark.parametrize(
    "row",
    [
        lambda patient: AllergyRow(patient_id=patient, substance="Esketamine (Spravato)", reaction="anaphylaxis"),
        lambda patient: DiagnosisRow(patient_id=patient, code="F20.9", description="Schizophrenia, unspecified"),
    ],
    ids=["ketamine allergy", "psychosis diagnosis"],
)
def test_a_contraindication_added_after_signing_means_it_must_be_redone(timed: Clinic, calendar: Calendar, row) -> None:  # type: ignore[no-untyped-def]
    patient = _patient(timed)
    _signed(timed, patient)
    calendar.now += timedelta(days=20)
    added = row(patient)
    added.recorded_at = calendar.now
    _add(timed, added)
    verdict = timed.screening.verdict(patient)
    assert verdict.standing is Standing.OUTDATED and not verdict.may_dose
    assert verdict.detail.startswith("Recorded after the screening: ")


def test_what_the_screening_already_knew_does_not_outdate_it(timed: Clinic, calendar: Calendar) -> None:
    patient = _patient(timed)
    _add(timed, DiagnosisRow(patient_id=patient, code="G40.909", description="Epilepsy", recorded_at=calendar.now))
    calendar.now += timedelta(hours=1)
    sign_in_as(timed, "pria")
    _signed(timed, patient, replace(NORMAL, items=frozenset({Item.BIPOLAR})))  # epilepsy left unticked, knowingly
    calendar.now += timedelta(days=3)
    _add(timed, DiagnosisRow(patient_id=patient, code="F31.81", description="Bipolar II", recorded_at=calendar.now))
    assert timed.screening.verdict(patient).standing is Standing.CURRENT
