"""How a screening looks wherever it is shown (the chart tab, the form's live preview, the signing question): one
colour per result and per standing, and every reason in words, absolute ones marked."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from kapdesk.domain.intake import MedicationClass
from kapdesk.domain.screening import Pregnancy, Reason, Result, Standing, Verdict
from kapdesk.domain.screening_items import Item, Severity
from kapdesk.domain.screening_record import ScreeningRecord
from kapdesk.ui.formatting import show_date, show_timestamp

# (background, text, border): green for go, amber for "go, carefully" or "not yet", red for stop, grey for nothing.
GREEN = ("#e8f5e9", "#1b5e20", "#81c784")
AMBER = ("#fff4e5", "#7a4f01", "#f0a202")
RED = ("#fdecea", "#8e1b1b", "#e0a3a3")
GREY = ("#f2f2f2", "#444444", "#bbbbbb")
RESULT_COLOURS = {Result.ELIGIBLE: GREEN, Result.PRECAUTIONS: AMBER, Result.NOT_ELIGIBLE: RED}


def box_style(colours: tuple[str, str, str], selector: str = "QFrame") -> str:
    background, text, border = colours
    return f"{selector} {{ background: {background}; color: {text}; border: 1px solid {border}; border-radius: 6px; }}"


def standing_colours(verdict: Verdict) -> tuple[str, str, str]:
    if verdict.standing is Standing.CURRENT and verdict.result is not None:
        return RESULT_COLOURS[verdict.result]
    if verdict.standing in (Standing.EXPIRED, Standing.OUTDATED):
        return RED
    return AMBER if verdict.standing is Standing.UNSIGNED else GREY


def standing_headline(verdict: Verdict) -> str:
    if verdict.standing is Standing.CURRENT and verdict.result is not None:
        return f"{verdict.result.label} · screening current"
    return verdict.standing.label


def reasons_html(reasons: Sequence[Reason]) -> str:
    if not reasons:
        return "<p>No contraindications, flags or precautions.</p>"
    rows = []
    for reason in reasons:
        tag = "<b>Absolute</b>" if reason.severity is Severity.ABSOLUTE else "Precaution"
        fixed = " <i>(can't be overridden)</i>" if not reason.overridable else ""
        rows.append(f"<li>{tag}: {escape(reason.text)}{fixed}</li>")
    return f"<ul style='margin-left: -20px;'>{''.join(rows)}</ul>"


def status_of(record: ScreeningRecord) -> str:
    if record.signed_at is None:
        return "Unsigned"
    return f"Signed {show_timestamp(record.signed_at)} by {record.signed_by_name}"


def record_html(record: ScreeningRecord) -> str:
    """Everything recorded, for the chart's detail pane."""
    a = record.answers
    colours = RESULT_COLOURS[record.assessment.result]
    lines = [
        f"<h3 style='color: {colours[1]};'>{record.assessment.result.label}</h3>",
        f"<p>Recorded {show_timestamp(record.created_at)} by {escape(record.created_by_name)} · "
        f"{escape(status_of(record))}"
        + (" · precautions acknowledged" if record.precautions_acknowledged else "")
        + "</p>",
        reasons_html(record.assessment.reasons),
        "<table cellspacing='0' cellpadding='2'>",
        _row("Blood pressure", f"{a.systolic}/{a.diastolic} mmHg"),
        _row("Heart rate", f"{a.heart_rate} bpm" if a.heart_rate is not None else "not taken"),
        _row("SpO2", f"{a.spo2}%" if a.spo2 is not None else "not taken"),
        _row("Pregnancy", "not asked" if a.pregnancy is Pregnancy.NOT_ASKED else a.pregnancy.label),
        _row("Checklist", "; ".join(i.label for i in Item if i in a.items) or "nothing ticked"),
        _row("Medications", ", ".join(c.label for c in MedicationClass if c in a.medication_classes) or "none flagged"),
        _row("Route considered", a.route.label if a.route else "not decided"),
    ]
    if a.rems_enrolled:
        rems = f"enrolled {show_date(record.rems_enrolled_on)}"
        lines.append(_row("REMS", rems + (f", patient ID {record.rems_patient_id}" if record.rems_patient_id else "")))
    if record.notes:
        lines.append(_row("Notes", record.notes))
    lines.append("</table>")
    return "".join(lines)


def _row(label: str, value: str) -> str:
    text = escape(value).replace("\n", "<br>")
    return f"<tr><td style='color: #555555; padding-right: 10px;' valign='top'>{label}</td><td>{text}</td></tr>"
