"""The machine's own time zone, offered as the clinic's default at set-up."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

LOCALTIME = Path("/etc/localtime")


def local_time_zone(
    known: Collection[str], *, environ: dict[str, str] | None = None, localtime: Path = LOCALTIME
) -> str:
    """An IANA name from TZ or the /etc/localtime link (e.g. …/zoneinfo/America/Chicago), if it is one of
    `known`; otherwise "" so the person chooses rather than accepting a guess."""
    env = os.environ if environ is None else environ
    candidates = [env.get("TZ", "").lstrip(":")]
    try:
        target = str(localtime.resolve()) if localtime.is_symlink() else ""
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        candidates.append(target.split("zoneinfo/", 1)[1])
    return next((name for name in candidates if name in known), "")
