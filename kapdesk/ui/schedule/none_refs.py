"""A guard against a PySide6 6.12.0 binding bug on Python 3.11, for code that makes thousands of Qt calls.

Every C++ method that returns void hands back None without counting the reference, so None's count falls by one
per call (`QRect().setWidth(1)` lowers `sys.getrefcount(None)` by one; 6.11.3 does not). Near zero, CPython aborts
the whole program ("none_dealloc: deallocating None"). A full calendar paint makes tens of thousands of such calls,
so without this the clinic's app would die within a few repaints. Python 3.12 makes None immortal, and there the
guard does nothing. Delete this module when the project's PySide6 no longer has the bug.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_MORTAL_NONE = sys.version_info < (3, 12)
_NONE_REFCOUNT = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is the first field of every CPython object


@contextmanager
def none_kept_alive() -> Iterator[None]:
    """Give None back the references the block lost. Giving back too many is harmless: None is never freed."""
    if not _MORTAL_NONE:
        yield
        return
    before = sys.getrefcount(None)
    try:
        yield
    finally:
        lost = before - sys.getrefcount(None)
        if lost > 0:
            _NONE_REFCOUNT.value += lost
