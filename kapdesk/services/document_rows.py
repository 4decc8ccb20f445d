"""Reading document templates and patients' documents into domain values."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Row, select
from sqlalchemy.orm import aliased

from kapdesk.db.models import DocumentTemplateRow, PatientDocumentRow, User
from kapdesk.domain.appointments import Route
from kapdesk.domain.document_templates import DocumentKind, DocumentTemplate, TemplateSpec, TemplateStatus
from kapdesk.domain.errors import NotFound
from kapdesk.domain.patient_documents import PatientDocument, SignMethod

_T, _D = DocumentTemplateRow.__table__, PatientDocumentRow.__table__
# Everything of a document row but its PDF bytes: lists never load them.
_DOCUMENT_COLUMNS = [c for c in _D.c if c.name != "pdf"]


def template_from_row(row: Row | DocumentTemplateRow) -> DocumentTemplate:  # type: ignore[type-arg]
    spec = TemplateSpec(
        DocumentKind(row.kind), row.title, frozenset(Route(r) for r in row.routes), row.language, row.body
    )
    return DocumentTemplate(row.id, row.code, row.version, TemplateStatus(row.status), spec, row.row_version)


def read_template(connection: Connection, template_id: int) -> DocumentTemplate:
    row = connection.execute(select(_T).where(_T.c.id == template_id)).first()
    if row is None:
        raise NotFound(f"There is no document template with id {template_id}.")
    return template_from_row(row)


def active_template(
    connection: Connection, kind: DocumentKind, route: Route | None, language: str
) -> DocumentTemplate | None:
    """The active template of this kind for the route (any route's when there is none), newest first."""
    rows = connection.execute(
        select(_T)
        .where(_T.c.kind == kind.value, _T.c.status == TemplateStatus.ACTIVE.value, _T.c.language == language)
        .order_by(_T.c.saved_at.desc(), _T.c.id.desc())
    ).all()
    templates = [template_from_row(r) for r in rows]
    if route is None:
        return templates[0] if templates else None
    return next((t for t in templates if route in t.spec.routes), None)


def read_documents(
    connection: Connection, *, patient_id: int | None = None, ids: list[int] | None = None
) -> list[PatientDocument]:
    """Newest first, without their bytes."""
    maker = aliased(User.__table__)
    query = (
        select(*_DOCUMENT_COLUMNS, _T.c.code, _T.c.version.label("template_version"), maker.c.full_name)
        .join(_T, _T.c.id == _D.c.template_id)
        .outerjoin(maker, maker.c.id == _D.c.made_by)
        .order_by(_D.c.made_at.desc(), _D.c.id.desc())
    )
    if patient_id is not None:
        query = query.where(_D.c.patient_id == patient_id)
    if ids is not None:
        query = query.where(_D.c.id.in_(ids))
    return [document_from_row(row) for row in connection.execute(query)]


def read_document(connection: Connection, document_id: int) -> PatientDocument:
    found = read_documents(connection, ids=[document_id])
    if not found:
        raise NotFound(f"There is no document with id {document_id}.")
    return found[0]


def read_pdf(connection: Connection, document_id: int) -> bytes:
    return connection.execute(select(_D.c.pdf).where(_D.c.id == document_id)).scalar_one()


def document_from_row(row: Row) -> PatientDocument:  # type: ignore[type-arg]
    return PatientDocument(
        id=row.id,
        patient_id=row.patient_id,
        course_id=row.course_id,
        kind=DocumentKind(row.kind),
        route=Route(row.route) if row.route else None,
        template_id=row.template_id,
        template_code=row.code,
        template_version=row.template_version,
        title=row.title,
        sha256=row.sha256,
        made_at=row.made_at,
        made_by_name=row.full_name or "",
        signed_method=SignMethod(row.signed_method) if row.signed_method else None,
        signed_at=row.signed_at,
        signer_name=row.signer_name,
        witness_name=row.witness_name,
        revoked_on=row.revoked_on,
        revoke_reason=row.revoke_reason,
        version=row.version,
    )


def consented(connection: Connection, patient_ids: Iterable[int]) -> set[tuple[int, Route]]:
    """(patient, route) pairs with a valid consent: the newest consent signed for the route is not revoked. (Revoking
    withdraws every consent for the route at once; this rule holds even if an older one somehow stayed valid.)"""
    newest: dict[tuple[int, str], bool] = {}
    for patient_id, route, revoked_on in connection.execute(
        select(_D.c.patient_id, _D.c.route, _D.c.revoked_on)
        .where(
            _D.c.patient_id.in_(set(patient_ids)),
            _D.c.kind == DocumentKind.CONSENT.value,
            _D.c.signed_at.is_not(None),
            _D.c.route.is_not(None),
        )
        .order_by(_D.c.signed_at, _D.c.id)
    ):
        newest[(patient_id, route)] = revoked_on is None
    return {(patient_id, Route(route)) for (patient_id, route), valid in newest.items() if valid}


def consented_routes(connection: Connection, patient_id: int) -> set[Route]:
    return {route for _, route in consented(connection, [patient_id])}
