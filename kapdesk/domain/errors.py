"""Errors a user can act on. Each carries words meant for the person at the screen."""

from __future__ import annotations

from dataclasses import dataclass


class KapdeskError(Exception):
    """Base for errors whose message is written for the user, not the developer."""

    title = "kapdesk"

    def __init__(self, message: str, remedy: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        return f"{self.message} {self.remedy}".strip()


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationFailed(KapdeskError):
    title = "Please check the form"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class NotFound(KapdeskError):
    title = "Not found"


class ConflictError(KapdeskError):
    """Someone saved the same record after this user loaded it."""

    title = "Changed by someone else"

    def __init__(self, message: str, current: object) -> None:
        super().__init__(message, "Nothing you typed has been saved.")
        self.current = current


class StorageError(KapdeskError):
    """The database can't be opened or used; the app must not write anything."""

    title = "Can't open the clinic database"


class DatabaseUnavailable(StorageError):
    pass


class DatabaseCorrupt(StorageError):
    pass


class DatabaseTooNew(StorageError):
    pass


class DataDirNotWritable(StorageError):
    pass


class NetworkShareRefused(StorageError):
    pass


class DemoRefused(KapdeskError):
    title = "Demo data not added"


class NotSignedIn(KapdeskError):
    title = "Please sign in"

    def __init__(self) -> None:
        super().__init__("Nobody is signed in on this computer.", "Sign in to continue.")


class PermissionDenied(KapdeskError):
    title = "Not allowed"


class SignInFailed(KapdeskError):
    """The same words for an unknown user and a wrong password, so neither gives the other away."""

    title = "Can't sign in"

    def __init__(self) -> None:
        super().__init__("That username and password don't match.", "Check both and try again.")


class SignInThrottled(KapdeskError):
    title = "Please wait"

    def __init__(self, seconds: int) -> None:
        super().__init__(
            f"Too many unsuccessful attempts for this username. Try again in {seconds} seconds.",
            "If you have forgotten your password, your clinic admin can reset it.",
        )
        self.seconds = seconds


class AccountDisabled(KapdeskError):
    title = "Account disabled"

    def __init__(self) -> None:
        super().__init__("This account has been disabled.", "Ask your clinic admin to enable it again.")


class AuditKeyProblem(KapdeskError):
    """The audit key file is missing or is not this database's key: nothing can be recorded safely."""

    title = "Audit key problem"
