"""Command-line interface: the same services the window uses, for admins and scheduled jobs.

Heavy modules (SQLAlchemy, alembic) are imported inside each command so that `kapdesk` alone, which
opens the window, starts fast.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from kapdesk import __version__
from kapdesk.paths import DATABASE_ENV, AppPaths, DatabaseChoice

EXIT_FAILED = 1


def build_parser() -> argparse.ArgumentParser:
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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("migrate", help="bring the database schema up to date (backs up a SQLite file first)")

    demo = commands.add_parser("demo", help="fill a new, empty database with a believable demo clinic")
    demo.add_argument("--patients", type=_positive, default=200, help="number of patients (default 200)")
    demo.add_argument("--seed", type=int, default=1, help="same seed, same clinic (default 1)")
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace, paths: AppPaths, choice: DatabaseChoice) -> int:
    from kapdesk.domain.errors import KapdeskError

    handlers: dict[str, Callable[[argparse.Namespace, AppPaths, DatabaseChoice], int]] = {
        "migrate": _migrate,
        "demo": _demo,
    }
    try:
        return handlers[args.command](args, paths, choice)
    except KapdeskError as error:
        print(f"kapdesk: {error.message}", file=sys.stderr)
        if error.remedy:
            print(f"  {error.remedy}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # a message and an exit status, never a traceback at an admin's prompt
        frames = "".join(traceback.format_tb(error.__traceback__))  # not the message: it can quote patient data
        logging.getLogger("kapdesk").error("%s failed: %s\n%s", args.command, type(error).__name__, frames)
        print(f"kapdesk: {args.command} failed unexpectedly ({type(error).__name__}); see the log.", file=sys.stderr)
        return EXIT_FAILED


def _migrate(args: argparse.Namespace, paths: AppPaths, choice: DatabaseChoice) -> int:
    from kapdesk.services.clinic import open_clinic

    clinic = open_clinic(choice.url, paths.backup_dir)
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
    from kapdesk.services.clinic import open_clinic

    clinic = open_clinic(choice.url, paths.backup_dir)
    try:
        count = demo.populate(clinic.database, patients=args.patients, seed=args.seed)
    finally:
        clinic.close()
    print(
        f"Demo clinic created in {clinic.description}: {len(demo.STAFF)} staff, {len(demo.ROOMS)} rooms, "
        f"{count} patients."
    )
    return 0
