"""A guard against PySide6 6.12.0 binding bugs on Python 3.11, for code that makes thousands of Qt calls.

Every C++ method that returns void hands back None without counting the reference, so None's count falls by one
per call (`QRect().setWidth(1)` lowers `sys.getrefcount(None)` by one; 6.11.3 does not). Emitting a signal that
carries a bool does the same to True or False, once per emit. When a count reaches zero, CPython aborts the whole
program ("none_dealloc" / "bool_dealloc"). None starts near 5,000 and one calendar paint of a busy week makes more
void calls than that. Python 3.12 makes these three immortal; this does the same once, by raising their counts out
of reach. Delete this module when the project's PySide6 no longer has the bugs.
"""

from __future__ import annotations

import ctypes
import sys

_RESERVE = 1 << 40  # a million void calls a second would take twelve days to spend it
_guarded = not sys.version_info < (3, 12)  # None is immortal from 3.12 on


def keep_none_alive() -> None:
    """Once per process: give None, True and False more references than Qt calls can take away."""
    global _guarded
    if not _guarded:
        for constant in (None, True, False):
            ctypes.c_ssize_t.from_address(id(constant)).value += _RESERVE  # ob_refcnt is every object's first field
        _guarded = True
