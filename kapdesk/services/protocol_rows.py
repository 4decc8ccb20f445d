"""Reading protocol templates: rows into domain values, shared by the protocol editor and course planning."""

from __future__ import annotations

from sqlalchemy import Connection, Row, select

from kapdesk.db.models import ProtocolTemplateRow
from kapdesk.domain.appointments import Route
from kapdesk.domain.errors import NotFound
from kapdesk.domain.protocols import MeasureDue, Phase, ProtocolSpec, ProtocolTemplate, Timing

_P = ProtocolTemplateRow.__table__


def template_from_row(row: ProtocolTemplateRow | Row) -> ProtocolTemplate:
    spec = ProtocolSpec(
        name=row.name,
        route=Route(row.route),
        dose_unit=row.dose_unit,
        dose_min=row.dose_min,
        dose_max=row.dose_max,
        dose_ceiling=row.dose_ceiling,
        preparation_sessions=row.preparation_sessions,
        preparation_minutes=row.preparation_minutes,
        dosing_minutes=row.dosing_minutes,
        integration_minutes=row.integration_minutes,
        integration_min_hours=row.integration_min_hours,
        integration_max_hours=row.integration_max_hours,
        min_spacing_hours=row.min_spacing_hours,
        prep_lead_days=row.prep_lead_days,
        dosing_with_therapist=row.dosing_with_therapist,
        phases=tuple(
            Phase(str(p["name"]), int(p["doses_min"]), int(p["doses_max"]), float(p["per_week"])) for p in row.phases
        ),
        measures=tuple(MeasureDue(m["instrument"], Timing(m["timing"])) for m in row.measures),
    )
    return ProtocolTemplate(row.id, row.code, row.version, row.active, spec, row.row_version)


def spec_columns(spec: ProtocolSpec) -> dict[str, object]:
    """The row's columns for a spec (the inverse of template_from_row)."""
    return {
        "name": spec.name.strip(),
        "route": spec.route.value,
        "dose_unit": spec.dose_unit,
        "dose_min": spec.dose_min,
        "dose_max": spec.dose_max,
        "dose_ceiling": spec.dose_ceiling,
        "preparation_sessions": spec.preparation_sessions,
        "preparation_minutes": spec.preparation_minutes,
        "dosing_minutes": spec.dosing_minutes,
        "integration_minutes": spec.integration_minutes,
        "integration_min_hours": spec.integration_min_hours,
        "integration_max_hours": spec.integration_max_hours,
        "min_spacing_hours": spec.min_spacing_hours,
        "prep_lead_days": spec.prep_lead_days,
        "dosing_with_therapist": spec.dosing_with_therapist,
        "phases": [
            {"name": p.name.strip(), "doses_min": p.doses_min, "doses_max": p.doses_max, "per_week": p.per_week}
            for p in spec.phases
        ],
        "measures": [{"instrument": m.instrument, "timing": m.timing.value} for m in spec.measures],
    }


def read_template(connection: Connection, template_id: int) -> ProtocolTemplate:
    row = connection.execute(select(_P).where(_P.c.id == template_id)).first()
    if row is None:
        raise NotFound(f"There is no protocol template with id {template_id}.")
    return template_from_row(row)


def read_templates(connection: Connection, *, include_retired: bool = False) -> list[ProtocolTemplate]:
    query = select(_P).order_by(_P.c.name, _P.c.version.desc())
    if not include_retired:
        query = query.where(_P.c.active.is_(True))
    return [template_from_row(row) for row in connection.execute(query)]
