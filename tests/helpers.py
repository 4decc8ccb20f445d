"""Opening real test clinics: cheap password hashing (allowed in tests only), a fixed today and workstation."""

from __future__ import annotations

import struct
import zlib
from datetime import date
from pathlib import Path

from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic, open_clinic
from kapdesk.services.passwords import TEST_POLICY, Passwords

TODAY = date(2026, 11, 21)
TEST_PASSWORDS = Passwords(TEST_POLICY, allow_weak=True)
PROFILE = ClinicProfile("Cedar Test Clinic", "1 Main St\nPortland, OR 97201", "503-555-0100", "America/Los_Angeles")
ADMIN = "admin"
PASSWORD = "correct horse battery staple"  # every test account's password


def open_test_clinic(url: str, folder: Path, **options: object) -> Clinic:
    settings: dict[str, object] = {"today": lambda: TODAY, "passwords": TEST_PASSWORDS, "workstation": "test-pc"}
    return open_clinic(url, folder / "backups", folder / "config" / "audit.key", **(settings | options))  # type: ignore[arg-type]


def set_up(clinic: Clinic) -> Clinic:
    """First-run set-up, then the admin signed in: what a clinic looks like after its first minute."""
    clinic.admin.set_up(PROFILE, ADMIN, "Ada Admin", PASSWORD)
    clinic.auth.sign_in(ADMIN, PASSWORD)
    return clinic


def add_user(clinic: Clinic, username: str, *roles: Role) -> None:
    """Add an account as the admin, leaving whoever was signed in signed in."""
    before = clinic.access.current
    if before is None or before.username != ADMIN:
        clinic.auth.sign_in(ADMIN, PASSWORD)
    clinic.users.add(username, username.title(), frozenset(roles), PASSWORD)
    if before is not None and before.username != ADMIN:
        clinic.auth.sign_in(before.username, PASSWORD)


def sign_in_as(clinic: Clinic, username: str, *roles: Role) -> None:
    """Sign in as `username`, creating the account with these roles first if needed."""
    if roles:
        add_user(clinic, username, *roles)
    clinic.auth.sign_in(username, PASSWORD)


def tiny_png(width: int = 40, height: int = 12) -> bytes:
    """A real PNG (a black stroke on white), as a signature pad hands over: enough for reportlab to draw."""
    rows = b"".join(
        b"\x00" + bytes(0 if y == height // 2 or x == y else 255 for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
