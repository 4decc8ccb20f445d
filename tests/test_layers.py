"""The four layers only depend downwards (DESIGN.md). A wrong import fails the build."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kapdesk"

# For each area, the top-level modules it must never import.
FORBIDDEN = {
    "domain": {"PySide6", "sqlalchemy", "alembic", "reportlab", "kapdesk.db", "kapdesk.services", "kapdesk.ui",
               "kapdesk.documents"},
    "db": {"PySide6", "kapdesk.services", "kapdesk.ui", "kapdesk.documents"},
    "documents": {"PySide6", "sqlalchemy", "kapdesk.db", "kapdesk.services", "kapdesk.ui"},
    "services": {"PySide6", "kapdesk.ui"},
    "ui": {"sqlalchemy", "alembic", "kapdesk.db"},
    "": {"PySide6", "sqlalchemy"},  # app.py, cli.py, paths.py: Qt and the ORM only inside functions
}  # fmt: skip


def _imports(path: Path, top_level_only: bool) -> set[str]:
    """Absolute names of everything imported; relative imports are resolved against the module's package."""
    tree = ast.parse(path.read_text(), str(path))
    package = ["kapdesk", *path.resolve().relative_to(PACKAGE).parts[:-1]] if path.is_relative_to(PACKAGE) else []
    nodes = tree.body if top_level_only else ast.walk(tree)
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            base = package[: len(package) - (node.level - 1)]
            found.add(".".join([*base, node.module] if node.module else base))
    return found


def _area(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else ""


def _violations(area: str, modules: set[str]) -> list[str]:
    banned = FORBIDDEN[area]
    return sorted(m for m in modules if any(m == b or m.startswith(b + ".") for b in banned))


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_respects_its_layer(path: Path) -> None:
    area = _area(path)
    # Root modules may import Qt lazily inside a function (to start the window); elsewhere any import counts.
    modules = _imports(path, top_level_only=(area == ""))
    assert _violations(area, modules) == []


def test_pyside6_is_imported_only_under_ui() -> None:
    outside = [
        str(p.relative_to(PACKAGE))
        for p in SOURCES
        if _area(p) != "ui" and any(m.startswith("PySide6") for m in _imports(p, top_level_only=False))
    ]
    assert outside == []


def test_the_checker_resolves_relative_imports() -> None:
    sample = PACKAGE / "domain" / "_layer_probe.py"
    sample.write_text("from ..db.models import Patient\n")
    try:
        assert _violations("domain", _imports(sample, False)) == ["kapdesk.db.models"]
    finally:
        sample.unlink()


def test_the_checker_catches_a_violation(tmp_path: Path) -> None:
    """Guard against a checker that silently passes everything."""
    sample = tmp_path / "sample.py"
    sample.write_text("from sqlalchemy import select\nimport PySide6.QtWidgets\n")
    assert _violations("ui", _imports(sample, False)) == ["sqlalchemy"]
    assert _violations("domain", _imports(sample, False)) == ["PySide6.QtWidgets", "sqlalchemy"]
