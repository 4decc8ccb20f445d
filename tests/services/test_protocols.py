"""Protocol templates on both databases: the four seeded protocols carry CLINICAL.md's numbers; an admin's edit
becomes the next version and the edited one stays readable for the courses planned from it; bad input and stale
edits are refused with nothing written."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from kapdesk.domain.appointments import Route
from kapdesk.domain.errors import ConflictError, PermissionDenied, ValidationFailed
from kapdesk.domain.protocols import MeasureDue, Phase, ProtocolTemplate, Timing
from kapdesk.domain.staff import Role
from kapdesk.domain.wall_clock import to_local
from kapdesk.services.clinic import Clinic
from tests.helpers import PROFILE, sign_in_as

SEEDED = ("esk-trd", "im-kap", "iv-induction", "sl-kap")


def seeded(clinic: Clinic, code: str) -> ProtocolTemplate:
    return next(t for t in clinic.protocols.templates() if t.code == code)


def table_rows(clinic: Clinic) -> list[tuple[object, ...]]:
    with clinic.database.reading() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text("SELECT id, code, version, active, dose_max, row_version FROM protocol_templates ORDER BY id")
            )
        ]


def events(clinic: Clinic) -> list[tuple[str, str, str]]:
    with clinic.database.reading() as connection:
        return [
            tuple(row)  # type: ignore[misc]
            for row in connection.execute(text("SELECT action, outcome, summary FROM audit_events ORDER BY id"))
        ]


# -- the seeds -----------------------------------------------------------------------------------------


def test_the_four_seeded_protocols_follow_the_clinical_rules(clinic: Clinic) -> None:
    offered = {t.code: t for t in clinic.protocols.templates()}
    assert sorted(offered) == list(SEEDED)
    for template in offered.values():
        spec = template.spec
        assert (template.version, template.active) == (1, True)
        assert spec.preparation_sessions >= 1
        assert (spec.integration_min_hours, spec.integration_max_hours) == (24, 72)
        assert spec.dose_min <= spec.dose_max <= spec.dose_ceiling
        assert MeasureDue("PHQ-9", Timing.BEFORE_EACH_DOSE) in spec.measures

    iv = offered["iv-induction"].spec
    assert iv.route is Route.IV
    assert [(p.doses_min, p.doses_max, p.per_week) for p in iv.phases] == [(6, 6, 3)]  # 6 infusions, 2–3 a week
    assert (iv.dose_unit, iv.dose_min, iv.dose_max) == ("mg/kg", 0.5, 1.0)
    for code, route in (("im-kap", Route.IM), ("sl-kap", Route.SUBLINGUAL)):
        kap = offered[code].spec
        assert kap.route is route
        assert (kap.doses_min, kap.doses_max) == (3, 6)
        assert kap.dosing_with_therapist
    esketamine = offered["esk-trd"].spec
    assert esketamine.route is Route.ESKETAMINE
    assert [(p.doses_min, p.doses_max, p.per_week) for p in esketamine.phases] == [(8, 8, 2), (4, 4, 1)]
    assert (esketamine.dose_unit, esketamine.dose_min, esketamine.dose_max, esketamine.dose_ceiling) == (
        "mg",
        56,
        84,
        84,
    )


def test_reading_protocols_records_nothing(clinic: Clinic) -> None:
    before = events(clinic)
    template = clinic.protocols.templates(include_retired=True)[0]
    clinic.protocols.get(template.id)
    clinic.protocols.history(template.code)
    assert events(clinic) == before


# -- saving a new version ------------------------------------------------------------------------------


def test_a_save_makes_the_next_version_and_keeps_the_edited_one_readable(clinic: Clinic) -> None:
    v1 = seeded(clinic, "iv-induction")
    edited = replace(v1.spec, dose_max=0.8, phases=(Phase("Induction", 6, 6, 2),))

    outcome = clinic.protocols.save(v1.id, v1.row_version, edited)

    v2 = outcome.value
    assert (v2.code, v2.version, v2.active, v2.spec) == ("iv-induction", 2, True, edited)
    assert v2.id != v1.id
    assert outcome.changes.protocols
    old = clinic.protocols.get(v1.id)
    assert (old.version, old.active, old.spec) == (1, False, v1.spec)  # a course planned from v1 still reads it
    assert [t.id for t in clinic.protocols.templates() if t.code == "iv-induction"] == [v2.id]
    assert {t.id for t in clinic.protocols.templates(include_retired=True)} >= {v1.id, v2.id}
    history = clinic.protocols.history("iv-induction")
    assert [(h.version, h.active) for h in history] == [(2, True), (1, False)]
    assert history[0].saved_by == "Ada Admin" and history[1].saved_by == ""
    clinic_now = to_local(datetime.now(UTC), ZoneInfo(PROFILE.time_zone))  # saved just now, on the clinic's clock
    assert abs(history[0].saved_at - clinic_now) < timedelta(minutes=5)
    action, outcome_word, summary = events(clinic)[-1]
    assert (action, outcome_word) == ("setup", "success")
    assert "dose_max" in summary and "phases" in summary
    assert "0.8" not in summary and "name" not in summary  # field names only, and only the changed ones


def test_a_second_edit_builds_on_the_latest_version(clinic: Clinic) -> None:
    v1 = seeded(clinic, "sl-kap")
    v2 = clinic.protocols.save(v1.id, v1.row_version, replace(v1.spec, dose_max=150)).value
    v3 = clinic.protocols.save(v2.id, v2.row_version, replace(v2.spec, preparation_sessions=3)).value
    assert (v3.version, v3.spec.dose_max, v3.spec.preparation_sessions) == (3, 150, 3)
    assert [h.version for h in clinic.protocols.history("sl-kap")] == [3, 2, 1]


def test_saving_without_a_change_adds_no_version(clinic: Clinic) -> None:
    v1 = seeded(clinic, "im-kap")
    before = table_rows(clinic)
    outcome = clinic.protocols.save(v1.id, v1.row_version, v1.spec)
    assert outcome.value == v1 and not outcome.changes
    assert table_rows(clinic) == before


def test_a_stale_edit_is_a_conflict_and_writes_nothing(clinic: Clinic) -> None:
    v1 = seeded(clinic, "im-kap")
    clinic.protocols.save(v1.id, v1.row_version, replace(v1.spec, dose_max=0.9))  # another PC, first
    before = table_rows(clinic)

    with pytest.raises(ConflictError) as raised:
        clinic.protocols.save(v1.id, v1.row_version, replace(v1.spec, dose_min=0.3))
    assert table_rows(clinic) == before
    assert "another computer" in raised.value.message


def test_an_old_version_is_never_edited_even_when_read_afresh(clinic: Clinic) -> None:
    v1 = seeded(clinic, "esk-trd")
    clinic.protocols.save(v1.id, v1.row_version, replace(v1.spec, preparation_sessions=2))
    old = clinic.protocols.get(v1.id)  # as the history shows it: current row_version, but superseded
    before = table_rows(clinic)

    with pytest.raises(ConflictError) as raised:
        clinic.protocols.save(old.id, old.row_version, replace(old.spec, dose_min=28))
    assert "replaced by version 2" in raised.value.message
    assert isinstance(raised.value.current, ProtocolTemplate) and raised.value.current.version == 2
    with pytest.raises(ConflictError):
        clinic.protocols.set_offered(old.id, old.row_version, True)  # nor brought back into use
    assert table_rows(clinic) == before


# -- refused input -------------------------------------------------------------------------------------


def refused_fields(call) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as raised:
        call()
    return [error.field for error in raised.value.errors]


def test_a_dose_range_above_the_ceiling_is_refused_at_the_highest_dose(clinic: Clinic) -> None:
    v1 = seeded(clinic, "esk-trd")
    before_rows, before_events = table_rows(clinic), events(clinic)
    fields = refused_fields(lambda: clinic.protocols.save(v1.id, v1.row_version, replace(v1.spec, dose_max=112)))
    assert fields == ["dose_max"]
    assert (table_rows(clinic), events(clinic)) == (before_rows, before_events)


def test_a_protocol_without_a_dosing_session_is_refused_at_the_phases(clinic: Clinic) -> None:
    v1 = seeded(clinic, "iv-induction")
    before_rows, before_events = table_rows(clinic), events(clinic)
    assert refused_fields(lambda: clinic.protocols.save(v1.id, v1.row_version, replace(v1.spec, phases=()))) == [
        "phases"
    ]
    assert refused_fields(lambda: clinic.protocols.add("iv-short", replace(v1.spec, phases=()))) == ["phases"]
    assert (table_rows(clinic), events(clinic)) == (before_rows, before_events)


def test_the_route_stays_with_the_protocol(clinic: Clinic) -> None:
    v1 = seeded(clinic, "im-kap")
    before = table_rows(clinic)
    fields = refused_fields(lambda: clinic.protocols.save(v1.id, v1.row_version, replace(v1.spec, route=Route.IV)))
    assert fields == ["route"]
    assert table_rows(clinic) == before


def test_only_an_admin_edits_protocols(clinic: Clinic) -> None:
    v1 = seeded(clinic, "iv-induction")
    sign_in_as(clinic, "pria", Role.PRESCRIBER)
    before = table_rows(clinic)
    with pytest.raises(PermissionDenied):
        clinic.protocols.save(v1.id, v1.row_version, replace(v1.spec, dose_max=0.75))
    with pytest.raises(PermissionDenied):
        clinic.protocols.add("iv-new", v1.spec)
    with pytest.raises(PermissionDenied):
        clinic.protocols.set_offered(v1.id, v1.row_version, False)
    assert table_rows(clinic) == before
    assert [e[:2] for e in events(clinic)[-3:]] == [("denied", "denied")] * 3
    assert seeded(clinic, "iv-induction") == v1  # a prescriber still reads them, for planning courses


# -- new protocols, retiring ---------------------------------------------------------------------------


def test_a_new_protocol_starts_at_version_one_under_a_unique_code(clinic: Clinic) -> None:
    base = seeded(clinic, "sl-kap").spec
    spec = replace(base, name="Sublingual maintenance", phases=(Phase("Maintenance", 1, 4, 0.25),))
    added = clinic.protocols.add("sl-maint", spec).value
    assert (added.code, added.version, added.active, added.spec) == ("sl-maint", 1, True, spec)
    assert added in clinic.protocols.templates()

    before = table_rows(clinic)
    assert refused_fields(lambda: clinic.protocols.add("sl-maint", spec)) == ["code"]
    assert refused_fields(lambda: clinic.protocols.add("SL Maint!", spec)) == ["code"]
    assert refused_fields(lambda: clinic.protocols.add("x", replace(spec, dose_max=400))) == ["code", "dose_max"]
    assert table_rows(clinic) == before


def test_a_retired_protocol_is_offered_no_more_and_can_come_back(clinic: Clinic) -> None:
    v1 = seeded(clinic, "im-kap")
    retired = clinic.protocols.set_offered(v1.id, v1.row_version, False).value
    assert not retired.active
    assert "im-kap" not in {t.code for t in clinic.protocols.templates()}
    assert "retired" in events(clinic)[-1][2]

    edited = clinic.protocols.save(retired.id, retired.row_version, replace(v1.spec, dose_min=0.5)).value
    assert (edited.version, edited.active) == (2, False)  # editing a retired protocol doesn't offer it
    with pytest.raises(ConflictError):
        clinic.protocols.set_offered(retired.id, retired.row_version, True)  # v1 was replaced by the edit
    offered = clinic.protocols.set_offered(edited.id, edited.row_version, True).value
    assert [t.id for t in clinic.protocols.templates() if t.code == "im-kap"] == [offered.id]
