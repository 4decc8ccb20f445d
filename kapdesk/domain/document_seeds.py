"""The document templates kapdesk ships (resources/templates/*.md): a small header, then the body in the markup of
document_templates. The migration that seeds them reads each file and hands its text to `parse_seed`.

    ---
    code: consent-iv
    kind: consent
    title: Informed consent for IV ketamine infusion
    routes: iv
    language: en
    ---
    # Informed consent ...
"""

from __future__ import annotations

import re

from kapdesk.domain.appointments import Route
from kapdesk.domain.document_templates import DocumentKind, TemplateSpec

FENCE = "---"
KEYS = ("code", "kind", "title", "routes", "language")
_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def parse_seed(text: str) -> tuple[str, TemplateSpec]:
    """The template's code and what it says. A malformed file raises ValueError naming the line, so a broken
    seed stops the migration with a message a developer can act on, never a half-seeded table."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise ValueError(f"line 1: a seed starts with a “{FENCE}” line, then its header")
    header: dict[str, tuple[int, str]] = {}
    end = None
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if line == FENCE:
            end = number
            break
        if not line:
            continue
        key, colon, value = line.partition(":")
        key = key.strip().lower()
        if not colon or not value.strip():
            raise ValueError(f"line {number}: write the header as “key: value”, not “{line}”")
        if key not in KEYS:
            raise ValueError(f"line {number}: unknown header key “{key}” (known: {', '.join(KEYS)})")
        if key in header:
            raise ValueError(f"line {number}: “{key}” is already given on line {header[key][0]}")
        header[key] = (number, value.strip())
    if end is None:
        raise ValueError(f"line {len(lines)}: the header never ends: close it with a “{FENCE}” line")
    missing = [key for key in KEYS if key not in header]
    if missing:
        raise ValueError(f"line {end}: the header lacks {', '.join(missing)}")

    line, code = header["code"]
    if not _CODE.match(code):
        raise ValueError(f"line {line}: a code is lower-case letters, digits and dashes (consent-iv), not “{code}”")
    line, name = header["kind"]
    try:
        kind = DocumentKind(name)
    except ValueError:
        raise ValueError(f"line {line}: unknown kind “{name}” (one of {', '.join(DocumentKind)})") from None
    line, names = header["routes"]
    routes: set[Route] = set()
    for name in filter(None, re.split(r"[\s,]+", names)):
        try:
            routes.add(Route(name))
        except ValueError:
            raise ValueError(f"line {line}: unknown route “{name}” (one of {', '.join(Route)})") from None
    body = "\n".join(lines[end:]).strip("\n") + "\n"
    spec = TemplateSpec(
        kind=kind,
        title=header["title"][1],
        routes=frozenset(routes),
        language=header["language"][1],
        body=body,
    )
    return code, spec
