"""Command-line interface: the same services the window uses, for admins and scheduled jobs.

Heavy modules (SQLAlchemy, alembic) are imported inside each command so that `kapdesk` alone, which
opens the window, starts fast. Commands act as "cli:<login name>": whoever holds the database and its
audit key already holds an admin's power, and the trail records which login used it.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kapdesk import __version__
from kapdesk.paths import DATABASE_ENV, AppPaths, DatabaseChoice

if TYPE_CHECKING:
    from kapdesk.services.clinic import Clinic

EXIT_FAILED = 1
EXIT_TAMPERED = 3  # `audit verify`: the chain is broken


class CommandError(Exception):
    """A problem with how the command was called, reported as a message and exit status 1."""


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`. Plain `kapdesk` (the window) gets only the global options: building every
    command's parser costs start-up time the window doesn't need."""
    parser = argparse.ArgumentParser(
        prog="kapdesk",
        description="Practice management for ketamine-assisted psychotherapy clinics. "
        "Without a command, opens the kapdesk window.",
    )
    parser.add_argument("--version", action="version", version=f"kapdesk {__version__}")
    parser.add_argument("--data-dir", type=Path, help="keep the database, settings, logs and backups in DIR")
    parser.add_argument(
        "--database",
        metavar="URL",
        help=f"database URL, e.g. postgresql+psycopg://user@server/kapdesk (default: ${DATABASE_ENV}, "
        "else a SQLite file in the data folder)",
    )
    parser.add_argument("--demo", action="store_true", help="use the separate demo clinic database")
    if argv is not None and not _names_a_command(argv):
        parser.set_defaults(command=None)
        return parser
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("migrate", help="bring the database schema up to date (backs up a SQLite file first)")

    demo = commands.add_parser("demo", help="fill a new, empty database with a believable demo clinic")
    demo.add_argument("--patients", type=_positive, default=200, help="number of patients (default 200)")
    demo.add_argument("--seed", type=int, default=1, help="same seed, same clinic (default 1)")

    user = commands.add_parser("user", help="manage staff accounts").add_subparsers(
        dest="user_command", metavar="ACTION", required=True
    )
    add = user.add_parser("add", help="add a staff account")
    add.add_argument("username")
    add.add_argument("--role", action="append", required=True, choices=_role_names(), help="repeat for several")
    add.add_argument("--name", dest="full_name", help="full name as shown in kapdesk (default: the username)")
    add.add_argument("--credentials", default="", help="e.g. MD, RN, LCSW")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.add_parser("list", help="list staff accounts")
    for name, text in (("disable", "stop an account from signing in"), ("enable", "let a disabled account sign in")):
        user.add_parser(name, help=text).add_argument("username")
    reset = user.add_parser("reset-password", help="set a temporary password the user must change at sign-in")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    audit = commands.add_parser("audit", help="the audit trail").add_subparsers(
        dest="audit_command", metavar="ACTION", required=True
    )
    audit.add_parser("verify", help="check the whole hash chain; exit 0 if intact, 3 if not")

    export = commands.add_parser("export", help="export data").add_subparsers(
        dest="export_command", metavar="FORMAT", required=True
    )
    ics = export.add_parser("ics", help="the schedule as an iCalendar (.ics) file")
    ics.add_argument("--clinician", metavar="USERNAME", help="only this clinician's appointments")
    ics.add_argument(
        "--from", dest="first", required=True, type=_iso_date, metavar="DATE", help="first day, YYYY-MM-DD"
    )
    ics.add_argument("--to", dest="last", required=True, type=_iso_date, metavar="DATE", help="last day, YYYY-MM-DD")
    ics.add_argument("-o", "--output", required=True, type=Path, metavar="FILE", help="where to write the .ics file")
    ics.add_argument(
        "--names", action="store_true", help="full patient names instead of initials (keep such files private)"
    )

    document = commands.add_parser(
        "document", help="make a patient's consent form or handout as a PDF, from their current course's route"
    )
    document.add_argument("kind", choices=("consent", "preparation", "aftercare"), help="which document")
    document.add_argument("--patient", required=True, metavar="CHART_NUMBER", help="e.g. KD-000123")
    document.add_argument("-o", "--output", required=True, type=Path, metavar="FILE", help="where to write the PDF")
    return parser


def _names_a_command(argv: Sequence[str]) -> bool:
    """True if the arguments hold a command word (or ask for help, which lists the commands)."""
    value_follows = False
    for arg in argv:
        if value_follows:
            value_follows = False
        elif arg in ("--data-dir", "--database"):
            value_follows = True
        elif arg in ("-h", "--help") or not arg.startswith("-"):
            return True
    return False


def _role_names() -> list[str]:
    return ["admin", "prescriber", "nurse", "therapist", "front_desk"]


def _iso_date(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a date; write it as YYYY-MM-DD") from None


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace, paths: AppPaths, choice: DatabaseChoice) -> int:
    from kapdesk.domain.errors import KapdeskError, ValidationFailed

    handlers: dict[str, Callable[[argparse.Namespace, AppPaths, DatabaseChoice], int]] = {
        "migrate": _migrate,
        "demo": _demo,
        "user": _user,
        "audit": _audit,
        "export": _export,
        "document": _document,
    }
    try:
        return handlers[args.command](args, paths, choice)
    except ValidationFailed as error:
        for problem in error.errors:
            # "name is required" reads with its field; a whole sentence ("No escort is recorded…") stands alone.
            field = "" if problem.message[:1].isupper() else f"{problem.field.replace('_', ' ')} "
            print(f"kapdesk: {field}{problem.message}", file=sys.stderr)
        return EXIT_FAILED
    except KapdeskError as error:
        print(f"kapdesk: {error.message}", file=sys.stderr)
        if error.remedy:
            print(f"  {error.remedy}", file=sys.stderr)
        return EXIT_FAILED
    except CommandError as error:
        print(f"kapdesk: {error}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # a message and an exit status, never a traceback at an admin's prompt
        frames = "".join(traceback.format_tb(error.__traceback__))  # not the message: it can quote patient data
        logging.getLogger("kapdesk").error("%s failed: %s\n%s", args.command, type(error).__name__, frames)
        print(f"kapdesk: {args.command} failed unexpectedly ({type(error).__name__}); see the log.", file=sys.stderr)
        return EXIT_FAILED


def _open(paths: AppPaths, choice: DatabaseChoice) -> Clinic:
    """Open the clinic and act as the command line's user."""
    from kapdesk.domain.access import command_line_actor
    from kapdesk.services.clinic import open_clinic

    clinic = open_clinic(choice.url, paths.backup_dir, paths.audit_key_file)
    clinic.access.become(command_line_actor(getpass.getuser(), clinic.access.workstation))
    return clinic


def _migrate(args: argparse.Namespace, paths: AppPaths, choice: DatabaseChoice) -> int:
    clinic = _open(paths, choice)
    report = clinic.migration
    if report.before == report.after:
        print(f"{clinic.description} is up to date (schema {report.after}).")
    else:
        print(f"{clinic.description} upgraded from schema {report.before or 'none'} to {report.after}.")
        if report.backup:
            print(f"Backup of the previous file: {report.backup}")
    clinic.close()
    return 0


def _demo(args: argparse.Namespace, paths: AppPaths, choice: DatabaseChoice) -> int:
    from kapdesk.services import demo

    clinic = _open(paths, choice)
    try:
        count = clinic.demo.populate(patients=args.patients, seed=args.seed)
    finally:
        clinic.close()
    print(
        f"Demo clinic created in {clinic.description}: {len(demo.STAFF)} staff, {len(demo.ROOMS)} rooms, "
        f"{count} patients, and ten weeks of appointments around today. Some patients have an intake, "
        "screenings of every result (eligible, with precautions, not eligible, unsigned, expired) and treatment "
        "courses on each protocol, in every state."
    )
    print(f"Sign in as admin, prescriber, nurse, therapist or frontdesk with the password “{demo.DEMO_PASSWORD}”.")
    return 0


def _user(args: argparse.Namespace, paths: AppPaths, choice: DatabaseChoice) -> int:
    from kapdesk.domain.staff import Role

    clinic = _open(paths, choice)
    try:
        if args.user_command == "list":
            for member in clinic.users.list():
                state = "active" if member.active else "disabled"
                if member.active and not member.can_sign_in:
                    state = "no password"
                roles = ", ".join(sorted(r.value for r in member.roles))
                print(f"{member.username:<20} {member.full_name:<28} {roles:<28} {state}")
            return 0
        if args.user_command == "add":
            password = _new_password(args.password_stdin)
            member = clinic.users.add(
                args.username,
                args.full_name or args.username,
                frozenset(Role(r) for r in args.role),
                password,
                credentials=args.credentials,
            ).value
            print(f"Added {member.username} ({', '.join(sorted(r.value for r in member.roles))}).")
        elif args.user_command in ("disable", "enable"):
            change = clinic.users.disable if args.user_command == "disable" else clinic.users.enable
            member = change(args.username).value
            print(f"{member.username} is now {'enabled' if member.active else 'disabled'}.")
        elif args.user_command == "reset-password":
            clinic.users.find(args.username)  # say "no such account" before asking for a password
            member = clinic.users.reset_password(args.username, _new_password(args.password_stdin)).value
            print(f"Password of {member.username} reset; they must choose a new one when they next sign in.")
        return 0
    finally:
        clinic.close()


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CommandError("no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError("standard input is not a terminal; pass the password with --password-stdin")
    first = getpass.getpass("New password (12 characters or more): ")
    if getpass.getpass("Type it again: ") != first:
        raise CommandError("the two passwords differ; nothing was changed")
    return first


def _audit(args: argparse.Namespace, paths: AppPaths, choice: DatabaseChoice) -> int:
    clinic = _open(paths, choice)
    try:
        report = clinic.audit.verify()
    finally:
        clinic.close()
    if report.intact:
        print(f"Audit trail intact: {report.events} events verified.")
        return 0
    assert report.problem is not None
    where = f" (first bad event: {report.problem.sequence})" if report.problem.sequence else ""
    print(f"kapdesk: AUDIT TRAIL BROKEN{where}: {report.problem.message}", file=sys.stderr)
    print(f"  {report.events} events before it verified.", file=sys.stderr)
    return EXIT_TAMPERED


def _export(args: argparse.Namespace, paths: AppPaths, choice: DatabaseChoice) -> int:
    clinic = _open(paths, choice)
    try:
        data = clinic.schedule_print.export_ics(
            args.first, args.last, clinician_username=args.clinician, include_names=args.names
        )
    finally:
        clinic.close()
    try:
        args.output.write_bytes(data)
    except OSError as error:
        raise CommandError(f"can't write {args.output}: {error.strerror}") from error
    events = data.count(b"BEGIN:VEVENT")
    print(f"Wrote {events} appointments ({args.first} to {args.last}) to {args.output}.")
    return 0


def _document(args: argparse.Namespace, paths: AppPaths, choice: DatabaseChoice) -> int:
    """Scripted printing: the document is kept on the patient's record as if made from the chart."""
    from kapdesk.domain.document_templates import DocumentKind

    chart = args.patient.strip().upper()
    try:  # the file first: a document kept on the record must also reach the printer
        out = args.output.open("xb" if not args.output.exists() else "r+b")
    except OSError as error:
        raise CommandError(f"can't write {args.output}: {error.strerror}") from error
    clinic = _open(paths, choice)
    made = None
    try:
        found = [p for p in clinic.patients.search(chart, include_archived=True) if p.chart_number == chart]
        if not found:
            raise CommandError(f"no patient has the chart number {chart}")
        made = clinic.documents.make(found[0].id, DocumentKind(args.kind)).value
        out.truncate(0)
        out.write(made.pdf)
    finally:
        out.close()
        clinic.close()
        if made is None and args.output.stat().st_size == 0:
            args.output.unlink()
    kept = made.document
    print(f"Wrote {kept.title} for {chart} ({kept.template_code} v{kept.template_version}) to {args.output}.")
    return 0
