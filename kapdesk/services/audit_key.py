"""The audit key file: 32 random bytes kept outside the database, readable by the owner only.

Every PC of a clinic that shares one PostgreSQL server needs a copy of the same file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from kapdesk.domain.audit import KEY_BYTES
from kapdesk.domain.errors import AuditKeyProblem


class AuditKeyFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> bytes | None:
        """The key, or None when there is no file. A damaged file is an error, never silently replaced."""
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise AuditKeyProblem(
                f"kapdesk can't read the audit key file {self.path} ({error.__class__.__name__}).",
                "Check that the file belongs to this account, or restore it from the clinic's key backup.",
            ) from error
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) != KEY_BYTES:
            raise AuditKeyProblem(
                f"The audit key file {self.path} is damaged.",
                "Restore it from the clinic's key backup or copy it from another of the clinic's computers.",
            )
        return key

    def create(self) -> bytes:
        """Write a new random key with owner-only permissions. Refuses to replace an existing file."""
        key = secrets.token_bytes(KEY_BYTES)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes setting up at once can't both write; 0o600: nobody else can read it.
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return key
