"""Document templates on both databases: saving an active template makes its next version and the documents made
from the old one keep it; drafts change in place until activated; bad text, stale edits and the wrong role are
refused with nothing written. The clinic's paper size and logo reach the documents it makes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from kapdesk.domain.appointments import Route
from kapdesk.domain.changes import Changes
from kapdesk.domain.document_templates import DocumentKind, DocumentTemplate, TemplateSpec, TemplateStatus
from kapdesk.domain.errors import ConflictError, PermissionDenied, ValidationFailed
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from tests.course_world import course_world, new_course
from tests.helpers import ADMIN, PASSWORD, PROFILE, sign_in_as, tiny_png

NEW_WORDING = "Kapdesk test wording for version two"
A4_POINTS = (595, 842)  # reportlab's A4, rounded
LETTER_POINTS = (612, 792)


def template(clinic: Clinic, code: str) -> DocumentTemplate:
    return next(t for t in clinic.document_templates.templates() if t.code == code)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def page_size(data: bytes) -> tuple[int, int]:
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def rows(clinic: Clinic) -> list[tuple[object, ...]]:
    with clinic.database.reading() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text("SELECT id, code, version, status, title, body, row_version FROM document_templates ORDER BY id")
            )
        ]


def summaries(clinic: Clinic) -> list[str]:
    with clinic.database.reading() as connection:
        return list(connection.execute(text("SELECT summary FROM audit_events ORDER BY id")).scalars())


def patient_with_course(clinic: Clinic) -> int:
    """A screened patient with an IV course (made by the prescriber); the admin is signed in again after."""
    world = course_world(clinic)
    patient = new_course(clinic, world).course.patient_id
    clinic.auth.sign_in(ADMIN, PASSWORD)
    return patient


def draft_spec(**changes: object) -> TemplateSpec:
    spec = TemplateSpec(
        DocumentKind.CONSENT,
        "Short consent for IV ketamine",
        frozenset({Route.IV}),
        "en",
        "# Short consent\n\nI, {patient.full_name}, agree to IV ketamine at {clinic.name}.\n",
    )
    return replace(spec, **changes)


# -- versions ------------------------------------------------------------------------------------------------


def test_saving_an_active_template_makes_version_2_and_documents_made_from_version_1_keep_it(clinic: Clinic) -> None:
    patient = patient_with_course(clinic)
    before = clinic.documents.make(patient, DocumentKind.CONSENT).value
    v1 = template(clinic, "consent-iv")
    assert before.document.template_id == v1.id
    assert NEW_WORDING not in pdf_text(before.pdf)

    body = v1.spec.body + f"\n## One more thing\n\n{NEW_WORDING}, {{patient.first_name}}.\n"
    outcome = clinic.document_templates.save(v1.id, v1.row_version, replace(v1.spec, body=body))

    v2 = outcome.value
    assert (v2.code, v2.version, v2.status) == ("consent-iv", 2, TemplateStatus.ACTIVE)
    assert outcome.changes == Changes(document_templates=True)
    assert clinic.document_templates.get(v1.id).status is TemplateStatus.RETIRED
    assert clinic.document_templates.get(v1.id).spec == v1.spec  # the old text stays as it was
    assert template(clinic, "consent-iv").id == v2.id  # only v2 is listed without the retired ones
    every = clinic.document_templates.templates(include_retired=True)
    assert [t.version for t in every if t.code == "consent-iv"] == [1, 2]
    kept = clinic.documents.open(before.document.id)
    assert (kept.intact, kept.document.template_id, kept.document.template_version) == (True, v1.id, 1)
    assert NEW_WORDING not in pdf_text(kept.pdf)

    after = clinic.documents.make(patient, DocumentKind.CONSENT).value
    assert (after.document.template_id, after.document.template_version) == (v2.id, 2)
    assert NEW_WORDING in pdf_text(after.pdf)
    # The audit names what changed, never the text.
    saved = "document template consent-iv version 2: saved as the active version, replacing 1: body"
    assert saved in summaries(clinic)
    assert not any(NEW_WORDING in s for s in summaries(clinic))


def test_history_lists_every_version_newest_first_with_who_saved_it(clinic: Clinic) -> None:
    clinic.patients._work.clock = lambda: datetime(2026, 11, 21, 17, 30, tzinfo=UTC)  # the Work services share
    v1 = template(clinic, "aftercare")
    clinic.document_templates.save(v1.id, v1.row_version, replace(v1.spec, title="After your ketamine session"))
    versions = clinic.document_templates.history("aftercare")
    assert [(v.version, v.status, v.saved_by) for v in versions] == [
        (2, TemplateStatus.ACTIVE, "Ada Admin"),
        (1, TemplateStatus.RETIRED, ""),
    ]
    assert versions[0].saved_at == datetime(2026, 11, 21, 9, 30)  # on the clinic's wall clock (Los Angeles)


def test_saving_no_change_adds_no_version(clinic: Clinic) -> None:
    v1 = template(clinic, "consent-im")
    before = rows(clinic)
    outcome = clinic.document_templates.save(v1.id, v1.row_version, v1.spec)
    assert outcome.value == v1
    assert outcome.changes == Changes()
    assert rows(clinic) == before


def test_a_draft_is_edited_in_place_and_never_used_until_activated(clinic: Clinic) -> None:
    patient = patient_with_course(clinic)
    draft = clinic.document_templates.add("consent-iv-short", draft_spec(routes=frozenset({Route.IV}))).value
    assert (draft.version, draft.status) == (1, TemplateStatus.DRAFT)

    edited = clinic.document_templates.save(draft.id, draft.row_version, draft_spec(title="Short IV consent")).value
    assert (edited.id, edited.version, edited.status) == (draft.id, 1, TemplateStatus.DRAFT)
    assert edited.row_version == draft.row_version + 1
    assert [r for r in rows(clinic) if r[1] == "consent-iv-short"] == [
        (draft.id, "consent-iv-short", 1, "draft", "Short IV consent", draft.spec.body, edited.row_version)
    ]
    made = clinic.documents.make(patient, DocumentKind.CONSENT).value
    assert made.document.template_code == "consent-iv"  # a draft is previewed, never printed for a patient

    with pytest.raises(ConflictError):  # the row_version the first save read is gone
        clinic.document_templates.save(draft.id, draft.row_version, draft_spec(title="Again"))


def test_activating_a_draft_replaces_the_active_template_it_covers(clinic: Clinic) -> None:
    patient = patient_with_course(clinic)
    old = template(clinic, "consent-iv")
    draft = clinic.document_templates.add("consent-iv-short", draft_spec()).value

    outcome = clinic.document_templates.activate(draft.id, draft.row_version)

    assert outcome.value.status is TemplateStatus.ACTIVE
    assert clinic.document_templates.get(old.id).status is TemplateStatus.RETIRED
    assert summaries(clinic)[-1].endswith("activated, replacing consent-iv version 1")
    made = clinic.documents.make(patient, DocumentKind.CONSENT).value
    assert made.document.template_code == "consent-iv-short"
    assert "agree to IV ketamine at Cedar Test Clinic" in pdf_text(made.pdf)


def test_activating_a_draft_that_shares_only_some_routes_of_an_active_one_is_refused(clinic: Clinic) -> None:
    draft = clinic.document_templates.add(
        "preparation-iv", draft_spec(kind=DocumentKind.PREPARATION, title="Preparing for IV ketamine")
    ).value
    before = rows(clinic)
    with pytest.raises(ValidationFailed) as refused:
        clinic.document_templates.activate(draft.id, draft.row_version)
    assert refused.value.errors[0].field == "routes"
    assert "“Preparing for your ketamine session” (preparation-clinic)" in refused.value.errors[0].message
    assert rows(clinic) == before


def test_retiring_stops_new_documents_and_an_edit_of_a_replaced_version_is_refused(clinic: Clinic) -> None:
    v1 = template(clinic, "aftercare")
    v2 = clinic.document_templates.save(v1.id, v1.row_version, replace(v1.spec, title="Aftercare")).value
    with pytest.raises(ConflictError, match="replaced by version 2"):
        clinic.document_templates.save(v1.id, clinic.document_templates.get(v1.id).row_version, v1.spec)

    retired = clinic.document_templates.retire(v2.id, v2.row_version).value
    assert retired.status is TemplateStatus.RETIRED
    assert all(t.code != "aftercare" for t in clinic.document_templates.templates())
    with pytest.raises(ValidationFailed) as refused:
        clinic.document_templates.save(retired.id, retired.row_version, replace(v1.spec, title="Again"))
    assert refused.value.errors[0].field == "status"
    assert "retired" in refused.value.errors[0].message


# -- bad input -----------------------------------------------------------------------------------------------


def test_an_unknown_placeholder_is_refused_at_the_body_with_its_line_and_nothing_saved(clinic: Clinic) -> None:
    v1 = template(clinic, "consent-iv")
    lines = v1.spec.body.count("\n")
    before, events = rows(clinic), summaries(clinic)
    with pytest.raises(ValidationFailed) as refused:
        clinic.document_templates.save(
            v1.id, v1.row_version, replace(v1.spec, body=v1.spec.body + "Signed by {patient.fullname}.\n")
        )
    assert [(e.field, e.message) for e in refused.value.errors] == [
        (
            "body",
            f"Line {lines + 1}: {{patient.fullname}} is not a placeholder kapdesk knows. "
            "Did you mean {patient.full_name}?",
        )
    ]
    assert rows(clinic) == before
    assert summaries(clinic) == events


def test_kind_code_and_title_are_checked_at_their_fields(clinic: Clinic) -> None:
    v1 = template(clinic, "consent-iv")
    with pytest.raises(ValidationFailed) as kind:
        clinic.document_templates.save(v1.id, v1.row_version, replace(v1.spec, kind=DocumentKind.AFTERCARE))
    assert [e.field for e in kind.value.errors] == ["kind"]
    with pytest.raises(ValidationFailed) as code:
        clinic.document_templates.add("Consent IV!", draft_spec(title=""))
    assert [e.field for e in code.value.errors] == ["code", "title"]
    with pytest.raises(ValidationFailed) as taken:
        clinic.document_templates.add("consent-iv", draft_spec())
    assert [e.field for e in taken.value.errors] == ["code"]
    with pytest.raises(ConflictError):
        clinic.document_templates.save(v1.id, v1.row_version + 1, v1.spec)


def test_front_desk_reads_templates_but_may_not_edit_preview_or_see_history(clinic: Clinic) -> None:
    v1 = template(clinic, "consent-iv")
    sign_in_as(clinic, "desk", Role.FRONT_DESK)
    assert template(clinic, "consent-iv") == v1
    before = rows(clinic)
    with pytest.raises(PermissionDenied):
        clinic.document_templates.save(v1.id, v1.row_version, replace(v1.spec, title="Mine"))
    with pytest.raises(PermissionDenied):
        clinic.document_templates.preview(v1.spec)
    with pytest.raises(PermissionDenied):
        clinic.document_templates.history("consent-iv")
    assert rows(clinic) == before


# -- preview, paper size and logo ----------------------------------------------------------------------------


def test_preview_fills_the_text_for_an_invented_patient_on_the_clinic_letterhead(clinic: Clinic) -> None:
    spec = template(clinic, "preparation-clinic").spec
    pdf = clinic.document_templates.preview(spec)
    words = pdf_text(pdf)
    assert "Zoë Ngô-Łukasiewicz" in words
    assert "KD-SAMPLE" in words
    assert PROFILE.name in words
    assert "Sunday, November 22, 2026" in words  # the sample dose: tomorrow at 9:00
    assert page_size(pdf) == LETTER_POINTS

    with pytest.raises(ValidationFailed) as refused:
        clinic.document_templates.preview(replace(spec, body=spec.body + "\n{clinic.fax}\n"))
    assert refused.value.errors[0].field == "body"


def test_paper_size_is_saved_with_the_profile_and_documents_follow_it(clinic: Clinic) -> None:
    patient = patient_with_course(clinic)
    with pytest.raises(ValidationFailed) as refused:
        clinic.admin.update_profile(replace(PROFILE, paper_size="legal"))
    assert [e.field for e in refused.value.errors] == ["paper_size"]

    clinic.admin.update_profile(replace(PROFILE, paper_size="a4"))

    assert clinic.admin.profile() == replace(PROFILE, phone="+15035550100", paper_size="a4")
    assert page_size(clinic.documents.make(patient, DocumentKind.CONSENT).value.pdf) == A4_POINTS
    assert page_size(clinic.document_templates.preview(template(clinic, "aftercare").spec)) == A4_POINTS


def test_a_logo_must_be_a_small_png_or_jpeg_that_decodes(clinic: Clinic) -> None:
    png = tiny_png()
    too_big = png + b"\0" * (2 * 1024 * 1024)
    damaged = png[:8] + b"not really a png" * 10
    for data, words in ((b"%PDF-1.4 not an image", "PNG or JPEG"), (too_big, "at most 1 MB"), (damaged, "damaged")):
        with pytest.raises(ValidationFailed) as refused:
            clinic.admin.set_logo(data)
        assert [e.field for e in refused.value.errors] == ["logo"]
        assert words in refused.value.errors[0].message
    assert clinic.admin.logo() is None


def test_a_logo_is_printed_on_the_documents_made_and_can_be_removed(clinic: Clinic) -> None:
    patient = patient_with_course(clinic)
    clinic.admin.set_logo(tiny_png())
    assert clinic.admin.logo() == tiny_png()

    made = clinic.documents.make(patient, DocumentKind.CONSENT).value
    assert _images_on_first_page(made.pdf) == 1

    clinic.admin.set_logo(None)
    assert clinic.admin.logo() is None
    assert _images_on_first_page(clinic.documents.make(patient, DocumentKind.CONSENT).value.pdf) == 0


def _images_on_first_page(data: bytes) -> int:
    resources = PdfReader(BytesIO(data)).pages[0]["/Resources"]
    objects = resources.get("/XObject", {})
    return sum(1 for ref in objects.values() if ref.get_object()["/Subtype"] == "/Image")


def test_reading_and_previewing_templates_write_no_audit_event(clinic: Clinic) -> None:
    v1 = template(clinic, "consent-iv")
    before = summaries(clinic)
    clinic.document_templates.templates(include_retired=True)
    clinic.document_templates.get(v1.id)
    clinic.document_templates.history("consent-iv")
    clinic.document_templates.preview(v1.spec)
    clinic.admin.logo()
    assert summaries(clinic) == before
