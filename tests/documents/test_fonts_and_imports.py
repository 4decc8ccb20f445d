"""Documents cost nothing at start-up, and the font they need ships with the package."""

from __future__ import annotations

import subprocess
import sys

from kapdesk.documents import fonts


def test_importing_the_document_modules_loads_neither_reportlab_nor_icalendar() -> None:
    probe = (
        "import sys\n"
        "import kapdesk.documents.day_sheet, kapdesk.documents.call_list, kapdesk.documents.ics\n"
        "import kapdesk.documents.fonts, kapdesk.domain.call_list\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'icalendar')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_font_files_and_their_licence_ship_in_resources() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVu-LICENSE.txt"):
        assert (fonts.FONT_DIR / name).is_file(), name
    assert "Bitstream Vera" in (fonts.FONT_DIR / "DejaVu-LICENSE.txt").read_text(encoding="utf-8")


def test_registering_twice_is_harmless_and_leaves_both_faces_known() -> None:
    from reportlab.lib.fonts import tt2ps
    from reportlab.pdfbase import pdfmetrics

    fonts.register_fonts()
    fonts.register_fonts()
    assert {fonts.REGULAR, fonts.BOLD} <= set(pdfmetrics.getRegisteredFontNames())
    # The family mapping is what makes <b> inside a paragraph pick the bold DejaVu file.
    assert tt2ps(fonts.REGULAR, 1, 0) == fonts.BOLD
