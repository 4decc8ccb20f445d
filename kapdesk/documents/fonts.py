"""The one typeface every kapdesk PDF uses: DejaVu Sans, shipped in resources/fonts.

reportlab's built-in Helvetica has no glyphs for names like Łukasz, Dvořák or Ngô, so documents embed this TTF.
reportlab is imported inside `register_fonts` only: importing this module stays free at start-up.
"""

from __future__ import annotations

from pathlib import Path
from threading import Lock

FONT_DIR = Path(__file__).resolve().parents[1] / "resources" / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
_lock = Lock()  # PDF batches run on a worker thread; two first calls must not register twice
_registered = False


def register_fonts() -> None:
    """Make REGULAR and BOLD known to reportlab. Cheap after the first call."""
    global _registered
    with _lock:
        if _registered:
            return
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name, file in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
        # <b> in a Paragraph must pick the bold file, not fall back to Helvetica-Bold (no Ł there either).
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
        _registered = True
