"""Composition root: arguments, paths, logging, then either a command or the window."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kapdesk import cli
from kapdesk.paths import AppPaths, ConflictingOptions, DatabaseChoice, choose_database, describe_database

if TYPE_CHECKING:
    from kapdesk.services.clinic import Clinic

log = logging.getLogger("kapdesk")


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = cli.build_parser(argv)
    args = parser.parse_args(argv)
    paths = AppPaths.resolve(args.data_dir)
    try:
        choice = choose_database(paths, args.database, args.demo)
    except ConflictingOptions as error:
        parser.error(str(error))
    if args.command:
        setup_logging(paths)
        return cli.run(args, paths, choice)

    from kapdesk.ui.launch import LaunchPlan, run_gui  # Qt only when there is a window to show

    return run_gui(
        LaunchPlan(
            settings_file=paths.settings_file,
            database_label=describe_database(choice.url),
            is_demo=choice.is_demo,
            open_clinic=lambda: open_for_window(choice, paths),
        )
    )


def open_for_window(choice: DatabaseChoice, paths: AppPaths) -> Clinic:
    """Runs off the UI thread after the window is up: the slow imports and the migration happen here."""
    setup_logging(paths)
    from kapdesk.services.clinic import open_clinic

    clinic = open_clinic(choice.url, paths.backup_dir, paths.audit_key_file)
    if choice.is_demo and clinic.demo.ensure_populated():
        log.info("demo clinic created")
    return clinic


def setup_logging(paths: AppPaths) -> None:
    """A rotating file in the log folder. Only events and tracebacks, never patient data."""
    from logging.handlers import RotatingFileHandler

    root = logging.getLogger("kapdesk")
    if root.handlers:
        return
    root.setLevel(logging.INFO)
    try:
        paths.log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            paths.log_dir / "kapdesk.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler(sys.stderr)  # an unwritable folder is reported when the database opens
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
