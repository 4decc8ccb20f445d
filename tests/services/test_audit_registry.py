"""Every public service method either writes an audit event or is declared to touch no patient data.

The registry is the services themselves: each method carries `@audited(action)` or `@phi_free(reason)`.
This test walks every service class, fails on an unmarked method, and calls every audited one (through a
recipe below) to prove it writes exactly one event with its declared action, in its own transaction.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import kapdesk.services
from kapdesk.domain.appointments import Appointment, Status
from kapdesk.domain.changes import Outcome
from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.course_overview import CourseView
from kapdesk.domain.courses import CourseDraft, CourseStatus
from kapdesk.domain.document_templates import DocumentKind, DocumentTemplate
from kapdesk.domain.intake import MedicationClass
from kapdesk.domain.notes import NoteKind, NoteRecord
from kapdesk.domain.patient_documents import PatientDocument
from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.rooms import RoomKind
from kapdesk.domain.screening import Answers, Pregnancy
from kapdesk.domain.screening_record import ScreeningRecord
from kapdesk.domain.staff import Role
from kapdesk.services.audit import AuditQuery
from kapdesk.services.clinic import Clinic
from kapdesk.services.outcomes import MeasureDraft
from kapdesk.services.schedule_print import Selection
from tests.helpers import ADMIN, PASSWORD, PROFILE, TODAY, add_user, set_up, sign_in_as, tiny_png
from tests.schedule_world import MONDAY, PAST_MONDAY, World, build_world, draft, local


def service_methods() -> dict[str, Callable[..., object]]:
    found: dict[str, Callable[..., object]] = {}
    for module_info in pkgutil.iter_modules(kapdesk.services.__path__):
        module = importlib.import_module(f"kapdesk.services.{module_info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and name.endswith("Service"):
                for method_name, method in inspect.getmembers(cls, inspect.isfunction):
                    if not method_name.startswith("_"):
                        found[f"{name}.{method_name}"] = method
    return found


Prepared = Callable[[], object]


def _patient(clinic: Clinic) -> int:
    return clinic.patients.create(
        PatientDraft(first_name="Reg", last_name="Istry", date_of_birth=date(1970, 5, 5))
    ).value.id


def _with_patient(call: Callable[[Clinic, int], object]) -> Callable[[Clinic], Prepared]:
    def prepare(clinic: Clinic) -> Prepared:
        patient_id = _patient(clinic)
        return lambda: call(clinic, patient_id)

    return prepare


def _prepare_update(clinic: Clinic) -> Prepared:
    record = clinic.patients.get(_patient(clinic))
    draft = PatientDraft(**{**record.as_draft().__dict__, "email": "reg@example.org"})
    return lambda: clinic.patients.update(record.id, record.version, draft)


def _prepare_restore(clinic: Clinic) -> Prepared:
    record = clinic.patients.get(_patient(clinic))
    archived = clinic.patients.archive(record.id, record.version, "Duplicate").value
    return lambda: clinic.patients.restore(archived.id, archived.version)


def _prepare_archive(clinic: Clinic) -> Prepared:
    record = clinic.patients.get(_patient(clinic))
    return lambda: clinic.patients.archive(record.id, record.version, "Moved away")


def _prepare_user_change(clinic: Clinic) -> Prepared:
    add_user(clinic, "kim", Role.FRONT_DESK)
    member = clinic.users.find("kim")
    return lambda: clinic.users.change(member.id, member.version, "Kim Lee", frozenset({Role.NURSE}))


def _prepare_enable(clinic: Clinic) -> Prepared:
    add_user(clinic, "kim", Role.FRONT_DESK)
    clinic.users.disable("kim")
    return lambda: clinic.users.enable("kim")


def _prepare_disable(clinic: Clinic) -> Prepared:
    add_user(clinic, "kim", Role.FRONT_DESK)
    return lambda: clinic.users.disable("kim")


def _prepare_reset(clinic: Clinic) -> Prepared:
    add_user(clinic, "kim", Role.FRONT_DESK)
    return lambda: clinic.users.reset_password("kim", "a temporary phrase")


def _prepare_draft_save(clinic: Clinic) -> Prepared:
    record = clinic.patients.get(_patient(clinic))
    return lambda: clinic.drafts.save("patient", record.id, record.version, "Reg Istry", {"email": "half-typed@"})


def _prepare_draft(clinic: Clinic) -> int:
    return _prepare_draft_save(clinic)()  # type: ignore[return-value]


def _patient_for_therapist(clinic: Clinic) -> int:
    """Notes are clinicians' work: the admin registers a patient, then a therapist signs in."""
    patient_id = _patient(clinic)
    sign_in_as(clinic, "thea", Role.THERAPIST)
    return patient_id


def _with_note(call: Callable[[Clinic, NoteRecord], object]) -> Callable[[Clinic], Prepared]:
    def prepare(clinic: Clinic) -> Prepared:
        note = clinic.notes.write(_patient_for_therapist(clinic), NoteKind.INTEGRATION, "Felt calmer.").value
        return lambda: call(clinic, note)

    return prepare


def _with_booking(call: Callable[[Clinic, Appointment, World], object]) -> Callable[[Clinic], Prepared]:
    def prepare(clinic: Clinic) -> Prepared:
        world = build_world(clinic)
        booked = clinic.booking.book(draft(world, local(PAST_MONDAY, 9))).value[0]
        return lambda: call(clinic, booked, world)

    return prepare


def _prepare_time_off(clinic: Clinic) -> Prepared:
    world = build_world(clinic)
    off = clinic.schedule_setup.add_time_off(world.clinicians["nurse"], local(MONDAY, 8), local(MONDAY, 12), "dentist")
    return lambda: clinic.schedule_setup.cancel_time_off(off.value.id)


SCREENED = Answers(frozenset(), 120, 80, 70, 98, Pregnancy.NOT_ASKED, frozenset())


def _patient_for_prescriber(clinic: Clinic) -> int:
    """Screenings are clinicians' work: the admin registers a (male, so no pregnancy question) patient, then a
    prescriber signs in."""
    draft = PatientDraft(first_name="Reg", last_name="Istry", date_of_birth=date(1970, 5, 5), sex_at_birth="male")
    patient_id = clinic.patients.create(draft).value.id
    sign_in_as(clinic, "pria", Role.PRESCRIBER)
    return patient_id


def _with_screening(call: Callable[[Clinic, ScreeningRecord], object]) -> Callable[[Clinic], Prepared]:
    def prepare(clinic: Clinic) -> Prepared:
        record = clinic.screening.record(_patient_for_prescriber(clinic), SCREENED).value
        return lambda: call(clinic, record)

    return prepare


def _course_draft(clinic: Clinic) -> CourseDraft:
    """A world to plan in, a prescriber signed in, and the first patient screened and signed as eligible."""
    world = build_world(clinic)
    clinic.auth.sign_in("prescriber", PASSWORD)
    patient = world.patients[0]
    answers = Answers(frozenset(), 120, 80, 70, 98, Pregnancy.NOT_PREGNANT, frozenset())
    record = clinic.screening.record(patient, answers).value
    clinic.screening.sign(record.id, record.version)
    template = next(t.id for t in clinic.protocols.templates() if t.code == "iv-induction")
    return CourseDraft(
        patient, template, world.clinicians["prescriber"], world.clinicians["therapist"], "", "", MONDAY, 6
    )


def _with_course(call: Callable[[Clinic, CourseView], object]) -> Callable[[Clinic], Prepared]:
    def prepare(clinic: Clinic) -> Prepared:
        view = clinic.courses.create(_course_draft(clinic)).value
        return lambda: call(clinic, view)

    return prepare


def _with_document(
    call: Callable[[Clinic, PatientDocument], object], *, signed: bool = False
) -> Callable[[Clinic], Prepared]:
    """A consent made (printed) for a patient with a course; `signed`: and signed on paper."""

    def prepare(clinic: Clinic) -> Prepared:
        view = clinic.courses.create(_course_draft(clinic)).value
        document = clinic.documents.make(view.course.patient_id, DocumentKind.CONSENT).value.document
        if signed:
            document = clinic.documents.record_wet_signature(document.id, document.version, TODAY, "R. T.").value
        return lambda: call(clinic, document)

    return prepare


def _aftercare(clinic: Clinic) -> DocumentTemplate:
    return next(t for t in clinic.document_templates.templates() if t.code == "aftercare")


def _prepare_status(clinic: Clinic) -> Prepared:
    view = clinic.courses.create(_course_draft(clinic)).value
    return lambda: clinic.courses.set_status(view.course.id, view.course.version, CourseStatus.DISCONTINUED, "moved")


def _patient_for_nurse(clinic: Clinic) -> int:
    """The intake is clinicians' work: the admin registers a patient, then a nurse signs in."""
    patient_id = _patient(clinic)
    sign_in_as(clinic, "nina", Role.NURSE)
    return patient_id


def _with_intake(add: Callable[[Clinic, int], Outcome[Any]], call: Callable[[Clinic, Any], object]):  # type: ignore[no-untyped-def]
    """An intake entry added (its own event), then the call under test on it."""

    def prepare(clinic: Clinic) -> Prepared:
        entry = add(clinic, _patient_for_nurse(clinic)).value
        return lambda: call(clinic, entry)

    return prepare


def _measure(patient_id: int) -> MeasureDraft:
    return MeasureDraft(patient_id, "PHQ-9", (1,) * 9 + (None,), datetime.now(UTC))


HOURS = {d: (time(8), time(17)) for d in range(5)}

# Recipes: how to call each audited method on a set-up clinic with the admin signed in. The value returned
# by a recipe is the call under test; everything before it is preparation (and may write events of its own).
RECIPES: dict[str, Callable[[Clinic], Prepared]] = {
    "PatientService.search": lambda c: lambda: c.patients.search("ist"),
    "PatientService.get": _with_patient(lambda c, p: c.patients.get(p)),
    "PatientService.create": lambda c: lambda: _patient(c),
    "PatientService.update": _prepare_update,
    "PatientService.archive": _prepare_archive,
    "PatientService.restore": _prepare_restore,
    "AuthService.sign_in": lambda c: lambda: c.auth.sign_in(ADMIN, PASSWORD),
    "AuthService.sign_out": lambda c: lambda: c.auth.sign_out(),
    "AuthService.lock": lambda c: lambda: c.auth.lock("idle"),
    "AuthService.unlock": lambda c: (c.auth.lock("idle"), lambda: c.auth.unlock(PASSWORD))[1],
    "AuthService.change_password": lambda c: lambda: c.auth.change_password(PASSWORD, "a brand new phrase"),
    "UserService.add": lambda c: lambda: c.users.add("kim", "Kim", frozenset({Role.NURSE}), PASSWORD),
    "UserService.change": _prepare_user_change,
    "UserService.disable": _prepare_disable,
    "UserService.enable": _prepare_enable,
    "UserService.reset_password": _prepare_reset,
    "ClinicAdminService.update_profile": lambda c: (
        lambda: c.admin.update_profile(
            ClinicProfile("Renamed Clinic", PROFILE.address, PROFILE.phone, PROFILE.time_zone)
        )
    ),
    "ClinicAdminService.change_settings": lambda c: lambda: c.admin.change_settings({"auto_lock_minutes": "15"}),
    "ClinicAdminService.set_logo": lambda c: lambda: c.admin.set_logo(tiny_png()),
    "DocumentTemplateService.add": lambda c: lambda: c.document_templates.add("aftercare-es", _aftercare(c).spec),
    "DocumentTemplateService.save": lambda c: (
        lambda t: lambda: c.document_templates.save(t.id, t.row_version, replace(t.spec, title="Aftercare"))
    )(_aftercare(c)),
    "DocumentTemplateService.activate": lambda c: (
        lambda d: lambda: c.document_templates.activate(d.id, d.row_version)
    )(c.document_templates.add("aftercare-short", _aftercare(c).spec).value),
    "DocumentTemplateService.retire": lambda c: (lambda t: lambda: c.document_templates.retire(t.id, t.row_version))(
        _aftercare(c)
    ),
    "AuditService.events": lambda c: lambda: c.audit.events(AuditQuery()),
    "AuditService.export_csv": lambda c: (
        lambda: c.audit.export_csv(AuditQuery(), Path(tempfile.mkdtemp()) / "trail.csv")
    ),
    "DraftService.save": _prepare_draft_save,
    "DraftService.resume": lambda c: (lambda draft: lambda: c.drafts.resume(draft))(_prepare_draft(c)),
    "DraftService.discard": lambda c: (lambda draft: lambda: c.drafts.discard(draft))(_prepare_draft(c)),
    "NoteService.write": lambda c: (
        lambda patient: lambda: c.notes.write(patient, NoteKind.PSYCHOTHERAPY, "Process notes.")
    )(_patient_for_therapist(c)),
    "NoteService.edit": _with_note(lambda c, n: c.notes.edit(n.id, n.version, "Felt calmer; slept well.")),
    "NoteService.sign": _with_note(lambda c, n: c.notes.sign(n.id, n.version)),
    "NoteService.get": _with_note(lambda c, n: c.notes.get(n.id)),
    "NoteService.list_for_patient": _with_note(lambda c, n: c.notes.list_for_patient(n.patient_id)),
    "ScheduleSetupService.add_room": lambda c: lambda: c.schedule_setup.add_room("Suite 9", RoomKind.DOSING),
    "ScheduleSetupService.update_room": lambda c: (
        lambda room: (
            lambda: c.schedule_setup.update_room(
                room.id, "Suite 10", RoomKind.DOSING, active=False, expected_version=room.version
            )
        )
    )(c.schedule_setup.add_room("Suite 9", RoomKind.DOSING).value),
    "ScheduleSetupService.update_type": lambda c: (
        lambda: c.schedule_setup.update_type(1, "Consult", 45, 0, RoomKind.CONSULT, active=True, expected_version=1)
    ),
    "ScheduleSetupService.set_clinic_hours": lambda c: lambda: c.schedule_setup.set_clinic_hours(HOURS),
    "ScheduleSetupService.set_closed_day": lambda c: lambda: c.schedule_setup.set_closed_day(MONDAY, "Holiday"),
    "ScheduleSetupService.set_working_hours": lambda c: (
        lambda world: lambda: c.schedule_setup.set_working_hours(world.clinicians["nurse"], HOURS)
    )(build_world(c)),
    "ScheduleSetupService.add_time_off": lambda c: (
        lambda world: (
            lambda: c.schedule_setup.add_time_off(world.clinicians["nurse"], local(MONDAY, 8), local(MONDAY, 9), "")
        )
    )(build_world(c)),
    "ScheduleSetupService.cancel_time_off": _prepare_time_off,
    "BookingService.book": lambda c: (lambda world: lambda: c.booking.book(draft(world, local(MONDAY, 9))))(
        build_world(c)
    ),
    "BookingService.change": _with_booking(
        lambda c, a, w: c.booking.change(a.id, a.version, draft(w, local(PAST_MONDAY, 10), notes="bring water"))
    ),
    "BookingService.move": _with_booking(
        lambda c, a, w: c.booking.move(a.id, a.version, local(PAST_MONDAY, 13), local(PAST_MONDAY, 15))
    ),
    "BookingService.set_status": _with_booking(lambda c, a, w: c.booking.set_status(a.id, a.version, Status.NO_SHOW)),
    "BookingService.cancel": _with_booking(lambda c, a, w: c.booking.cancel(a.id, a.version, "unwell")),
    "CalendarService.page": _with_booking(
        lambda c, a, w: c.calendar.page(local(PAST_MONDAY, 0), local(PAST_MONDAY, 23))
    ),
    "CalendarService.for_patient": _with_booking(lambda c, a, w: c.calendar.for_patient(a.patient_id)),
    "CalendarService.get": _with_booking(lambda c, a, w: c.calendar.get(a.id)),
    "SchedulePrintService.day_sheet": _with_booking(
        lambda c, a, w: c.schedule_print.day_sheet(PAST_MONDAY, Selection(room_id=a.room_id))
    ),
    "SchedulePrintService.call_list": _with_booking(lambda c, a, w: c.schedule_print.call_list(PAST_MONDAY)),
    "SchedulePrintService.export_ics": _with_booking(
        lambda c, a, w: c.schedule_print.export_ics(PAST_MONDAY, PAST_MONDAY)
    ),
    "ProtocolService.save": lambda c: (
        lambda t: lambda: c.protocols.save(t.id, t.row_version, replace(t.spec, preparation_sessions=3))
    )(c.protocols.templates()[0]),
    "ProtocolService.add": lambda c: lambda: c.protocols.add("copy", c.protocols.templates()[0].spec),
    "ProtocolService.set_offered": lambda c: (lambda t: lambda: c.protocols.set_offered(t.id, t.row_version, False))(
        c.protocols.templates()[0]
    ),
    "ScreeningService.prefill": lambda c: (lambda p: lambda: c.screening.prefill(p))(_patient_for_prescriber(c)),
    "ScreeningService.record": lambda c: (lambda p: lambda: c.screening.record(p, SCREENED))(
        _patient_for_prescriber(c)
    ),
    "ScreeningService.revise": _with_screening(
        lambda c, s: c.screening.revise(s.id, s.version, replace(SCREENED, systolic=150), notes="rechecked")
    ),
    "ScreeningService.sign": _with_screening(lambda c, s: c.screening.sign(s.id, s.version)),
    "ScreeningService.history": _with_screening(lambda c, s: c.screening.history(s.patient_id)),
    "ScreeningService.verdict": _with_screening(lambda c, s: c.screening.verdict(s.patient_id)),
    "CourseService.create": lambda c: (lambda d: lambda: c.courses.create(d))(_course_draft(c)),
    "CourseService.for_patient": _with_course(lambda c, v: c.courses.for_patient(v.course.patient_id)),
    "CourseService.get": _with_course(lambda c, v: c.courses.get(v.course.id)),
    "CourseService.propose": _with_course(lambda c, v: c.courses.propose(v.course.id)),
    "CourseService.book_plan": lambda c: (
        lambda v: (lambda plan: lambda: c.courses.book_plan(v.course.id, v.course.version, plan.sessions))(
            c.courses.propose(v.course.id)
        )
    )(c.courses.create(_course_draft(c)).value),
    "CourseService.update": _with_course(lambda c, v: c.courses.update(v.course.id, v.course.version, "Sleep", "")),
    "CourseService.set_status": _prepare_status,
    "IntakeService.get": lambda c: (lambda p: lambda: c.intake.get(p))(_patient_for_nurse(c)),
    "IntakeService.add_diagnosis": lambda c: (lambda p: lambda: c.intake.add_diagnosis(p, "F33.1", ""))(
        _patient_for_nurse(c)
    ),
    "IntakeService.resolve_diagnosis": _with_intake(
        lambda c, p: c.intake.add_diagnosis(p, "F41.1", ""),
        lambda c, d: c.intake.resolve_diagnosis(d.id, d.version, TODAY),
    ),
    "IntakeService.set_treatment_resistant": _with_intake(
        lambda c, p: c.intake.add_diagnosis(p, "F33.2", ""),
        lambda c, d: c.intake.set_treatment_resistant(d.id, d.version, True),
    ),
    "IntakeService.add_medication": lambda c: (
        lambda p: lambda: c.intake.add_medication(p, "Sertraline", "50 mg", MedicationClass.OTHER)
    )(_patient_for_nurse(c)),
    "IntakeService.stop_medication": _with_intake(
        lambda c, p: c.intake.add_medication(p, "Lorazepam", "1 mg", MedicationClass.BENZODIAZEPINE),
        lambda c, m: c.intake.stop_medication(m.id, m.version, TODAY),
    ),
    "IntakeService.add_allergy": lambda c: (lambda p: lambda: c.intake.add_allergy(p, "Latex", "rash"))(
        _patient_for_nurse(c)
    ),
    "IntakeService.remove_allergy": _with_intake(
        lambda c, p: c.intake.add_allergy(p, "Latex", "rash"),
        lambda c, a: c.intake.remove_allergy(a.id, a.version, TODAY),
    ),
    "IntakeService.set_history": lambda c: (lambda p: lambda: c.intake.set_history(p, 0, "Asthma."))(
        _patient_for_nurse(c)
    ),
    "IntakeService.record_vitals": lambda c: (lambda p: lambda: c.intake.record_vitals(p, 120, 80, 70, 98))(
        _patient_for_nurse(c)
    ),
    "OutcomeService.record": lambda c: (lambda p: lambda: c.outcomes.record(_measure(p)))(_patient_for_therapist(c)),
    "OutcomeService.history": lambda c: (lambda p: lambda: c.outcomes.history(p))(_patient_for_therapist(c)),
    "OutcomeService.mark_entered_in_error": lambda c: (
        lambda m: lambda: c.outcomes.mark_entered_in_error(m.id, m.version, "Typed twice")
    )(c.outcomes.record(_measure(_patient_for_therapist(c))).value),
    "DocumentService.make": _with_course(lambda c, v: c.documents.make(v.course.patient_id, DocumentKind.CONSENT)),
    "DocumentService.for_patient": _with_course(lambda c, v: c.documents.for_patient(v.course.patient_id)),
    "DocumentService.ready": _with_course(lambda c, v: c.documents.ready(v.course.patient_id, DocumentKind.CONSENT)),
    "DocumentService.open": _with_document(lambda c, d: c.documents.open(d.id)),
    "DocumentService.record_wet_signature": _with_document(
        lambda c, d: c.documents.record_wet_signature(d.id, d.version, TODAY, "Rei Tanaka")
    ),
    "DocumentService.sign_on_screen": _with_course(
        lambda c, v: c.documents.sign_on_screen(
            v.course.patient_id, signature_png=tiny_png(), typed_name="Ana Ng", agreed=True, witness="Rei Tanaka"
        )
    ),
    "DocumentService.revoke": _with_document(
        lambda c, d: c.documents.revoke(d.id, d.version, TODAY, "Changed their mind"), signed=True
    ),
}
# These start a clinic and so run on a database nobody has set up yet.
NEW_CLINIC_RECIPES: dict[str, Callable[[Clinic], Prepared]] = {
    "ClinicAdminService.set_up": lambda c: lambda: c.admin.set_up(PROFILE, ADMIN, "Ada Admin", PASSWORD),
    "DemoService.populate": lambda c: lambda: c.demo.populate(patients=3),
    "DemoService.ensure_populated": lambda c: lambda: c.demo.ensure_populated(),
}


def test_every_public_service_method_is_audited_or_declared_phi_free() -> None:
    methods = service_methods()
    assert len(methods) > 20  # the walk found the services
    unmarked = [
        name
        for name, method in methods.items()
        if not hasattr(method, "__kapdesk_audit__") and not hasattr(method, "__kapdesk_phi_free__")
    ]
    assert unmarked == [], "mark these @audited(...) or @phi_free('why')"
    audited = {name for name, method in methods.items() if hasattr(method, "__kapdesk_audit__")}
    assert audited == set(RECIPES) | set(NEW_CLINIC_RECIPES), "every audited method needs a recipe below"


def _events(clinic: Clinic) -> list[tuple[int, str, str]]:
    with clinic.database.reading() as connection:
        return [tuple(r) for r in connection.execute(text("SELECT id, action, outcome FROM audit_events ORDER BY id"))]  # type: ignore[misc]


def _check_one_event(clinic: Clinic, name: str, prepared: Prepared) -> None:
    declared = service_methods()[name].__kapdesk_audit__  # type: ignore[attr-defined]
    before = _events(clinic)
    prepared()
    new = _events(clinic)[len(before) :]
    assert [(action, outcome) for _, action, outcome in new] == [(declared.value, "success")], name
    assert clinic.audit.verify().intact


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_each_audited_call_writes_exactly_one_event(clinic: Clinic, name: str) -> None:
    _check_one_event(clinic, name, RECIPES[name](clinic))


@pytest.mark.parametrize("name", sorted(NEW_CLINIC_RECIPES))
def test_each_clinic_starting_call_writes_exactly_one_event(new_clinic: Clinic, name: str) -> None:
    _check_one_event(new_clinic, name, NEW_CLINIC_RECIPES[name](new_clinic))


def test_phi_free_methods_really_write_nothing(clinic: Clinic) -> None:
    add_user(clinic, "kim", Role.FRONT_DESK)
    before = _events(clinic)
    clinic.patients.today()
    clinic.auth.workstation()
    clinic.users.list()
    clinic.users.find("kim")
    clinic.admin.needs_setup()
    clinic.admin.profile()
    clinic.admin.settings()
    clinic.audit.verify()
    assert _events(clinic) == before


def test_set_up_helper_is_what_the_first_run_does(new_clinic: Clinic) -> None:
    assert new_clinic.admin.needs_setup()
    set_up(new_clinic)
    assert not new_clinic.admin.needs_setup()
