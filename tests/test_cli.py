"""The command line, run as a user would: a real process, real files, real exit codes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pg_server import PostgresServer


def kapdesk(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "KAPDESK_DATABASE_URL"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "kapdesk", *args], capture_output=True, text=True, env=full_env, timeout=120,
        input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
    )  # fmt: skip


def test_migrate_creates_the_database_in_the_data_dir(tmp_path: Path) -> None:
    result = kapdesk("--data-dir", str(tmp_path), "migrate")
    assert result.returncode == 0, result.stderr
    assert "upgraded from schema none" in result.stdout
    assert (tmp_path / "kapdesk.sqlite3").exists()
    again = kapdesk("--data-dir", str(tmp_path), "migrate")
    assert "is up to date" in again.stdout


def test_demo_fills_a_fresh_database_then_refuses_to_fill_it_twice(tmp_path: Path) -> None:
    result = kapdesk("--data-dir", str(tmp_path), "demo", "--patients", "30", "--seed", "4")
    assert result.returncode == 0, result.stderr
    assert "30 patients" in result.stdout
    with sqlite3.connect(tmp_path / "kapdesk.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM patients").fetchone() == (30,)
    second = kapdesk("--data-dir", str(tmp_path), "demo")
    assert second.returncode == 1
    assert "already holds patients" in second.stderr


def test_the_demo_option_uses_a_separate_database_even_with_a_server_configured(tmp_path: Path) -> None:
    server = {"KAPDESK_DATABASE_URL": "postgresql+psycopg://kap@127.0.0.1:1/clinic"}  # the clinic's real server
    result = kapdesk("--data-dir", str(tmp_path), "--demo", "demo", "--patients", "5", env=server)
    assert result.returncode == 0, result.stderr
    assert "SQLite:" in result.stdout
    assert (tmp_path / "demo" / "kapdesk-demo.sqlite3").exists()
    assert not (tmp_path / "kapdesk.sqlite3").exists()


def test_demo_never_follows_the_server_url_and_cannot_be_combined_with_database(tmp_path: Path) -> None:
    result = kapdesk("--data-dir", str(tmp_path), "--demo", "--database", "sqlite:////tmp/x.sqlite3", "migrate")
    assert result.returncode == 2
    assert "--demo uses its own database file" in result.stderr


def test_database_url_comes_from_the_environment_or_the_option(tmp_path: Path, postgres: PostgresServer) -> None:
    postgres.create_database("cli_env")
    try:
        url = postgres.url("cli_env")
        result = kapdesk("--data-dir", str(tmp_path), "demo", "--patients", "3", env={"KAPDESK_DATABASE_URL": url})
        assert result.returncode == 0, result.stderr
        assert "PostgreSQL:" in result.stdout and "cli_env" in result.stdout
        assert not (tmp_path / "kapdesk.sqlite3").exists()
        other = tmp_path / "explicit.sqlite3"
        result = kapdesk("--database", f"sqlite:///{other}", "migrate", env={"KAPDESK_DATABASE_URL": url})
        assert result.returncode == 0 and other.exists()  # --database beats the environment
    finally:
        postgres.drop_database("cli_env")


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("corrupt", "damaged or is not a kapdesk database"),
        ("newer", "newer version of kapdesk"),
    ],
)
def test_bad_databases_fail_with_a_message_and_a_non_zero_exit(tmp_path: Path, setup: str, words: str) -> None:
    path = tmp_path / "kapdesk.sqlite3"
    if setup == "corrupt":
        path.write_bytes(b"\x00garbage" * 512)
    else:
        assert kapdesk("--data-dir", str(tmp_path), "migrate").returncode == 0
        with sqlite3.connect(path) as db:
            db.execute("UPDATE alembic_version SET version_num='9999_future'")
    before = _content(path)
    result = kapdesk("--data-dir", str(tmp_path), "migrate")
    assert result.returncode == 1
    assert words in result.stderr
    assert _content(path) == before
    assert not (tmp_path / "backups").exists()


def _content(path: Path) -> object:
    """What a database holds (SQLite may move pages between the WAL and the file; that isn't a change)."""
    try:
        with sqlite3.connect(path) as db:
            return list(db.iterdump())
    except sqlite3.DatabaseError:
        return path.read_bytes()


def test_unreachable_server_fails_with_a_message(tmp_path: Path) -> None:
    result = kapdesk("--database", "postgresql+psycopg://kap@127.0.0.1:1/kap", "migrate")
    assert result.returncode == 1
    assert "can't reach the PostgreSQL server" in result.stderr


def test_global_options_come_before_the_command(tmp_path: Path) -> None:
    result = kapdesk("migrate", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr


def test_the_first_admin_and_staff_come_from_the_command_line(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path))
    added = kapdesk(*data, "user", "add", "dana", "--role", "admin", "--name", "Dana Whit", "--password-stdin",
                    stdin="a long admin phrase\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Added dana (admin)" in added.stdout
    assert (tmp_path / "config" / "audit.key").stat().st_mode & 0o777 == 0o600
    both = kapdesk(*data, "user", "add", "kim", "--role", "nurse", "--role", "front_desk", "--password-stdin",
                   stdin="kim's own phrase here\n")  # fmt: skip
    assert both.returncode == 0, both.stderr
    listed = kapdesk(*data, "user", "list")
    assert listed.returncode == 0
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert "admin" in lines["dana"] and "front_desk, nurse" in lines["kim"] and lines["kim"].endswith("active")
    assert kapdesk(*data, "user", "disable", "kim").returncode == 0
    assert kapdesk(*data, "user", "list").stdout.splitlines()[1].endswith("disabled")
    reset = kapdesk(*data, "user", "reset-password", "kim", "--password-stdin", stdin="temporary phrase 99\n")
    assert reset.returncode == 0 and "must choose a new one" in reset.stdout
    verified = kapdesk(*data, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "intact: 4 events verified" in verified.stdout
    with sqlite3.connect(tmp_path / "kapdesk.sqlite3") as db:
        who = {row[0] for row in db.execute("SELECT username FROM audit_events")}
    assert all(name.startswith("cli:") for name in who)


def test_user_commands_explain_bad_input(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path))
    weak = kapdesk(*data, "user", "add", "dana", "--role", "admin", "--password-stdin", stdin="password1234\n")
    assert weak.returncode == 1 and "password" in weak.stderr and "attacker would try" in weak.stderr
    no_tty = kapdesk(*data, "user", "add", "dana", "--role", "admin")
    assert no_tty.returncode == 1 and "--password-stdin" in no_tty.stderr
    bad_role = kapdesk(*data, "user", "add", "dana", "--role", "boss")
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr
    missing = kapdesk(*data, "user", "disable", "nobody")
    assert missing.returncode == 1 and "no staff account" in missing.stderr


def test_audit_verify_names_the_first_bad_event_and_a_missing_key(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path))
    assert kapdesk(*data, "demo", "--patients", "3").returncode == 0
    assert kapdesk(*data, "user", "disable", "nurse").returncode == 0
    assert kapdesk(*data, "user", "enable", "nurse").returncode == 0
    with sqlite3.connect(tmp_path / "kapdesk.sqlite3") as db:
        db.execute("DROP TRIGGER audit_events_no_update")
        db.execute("UPDATE audit_events SET summary = 'nothing happened' WHERE id = 2")
    broken = kapdesk(*data, "audit", "verify")
    assert broken.returncode == 3
    assert "first bad event: 2" in broken.stderr and "altered" in broken.stderr
    (tmp_path / "config" / "audit.key").unlink()
    keyless = kapdesk(*data, "audit", "verify")
    assert keyless.returncode == 1 and "no audit key" in keyless.stderr


def test_export_ics_writes_the_demo_schedule_with_initials_only(tmp_path: Path) -> None:
    assert kapdesk("--data-dir", str(tmp_path), "demo", "--patients", "40").returncode == 0
    out = tmp_path / "week.ics"
    result = kapdesk(
        "--data-dir", str(tmp_path), "export", "ics", "--from", "2026-11-01", "--to", "2026-12-31", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    events = data.count(b"BEGIN:VEVENT")
    assert events > 10 and f"Wrote {events} appointments" in result.stdout
    with sqlite3.connect(tmp_path / "kapdesk.sqlite3") as db:
        last_names = [row[0] for row in db.execute("SELECT last_name FROM patients")]
        uid = db.execute("SELECT uid FROM appointments ORDER BY starts_at DESC LIMIT 1").fetchone()[0]
    text = data.decode()
    assert f"UID:{uid}@kapdesk" in text
    assert not [name for name in last_names if name in text]  # initials only, by default
    mine = tmp_path / "mine.ics"
    one = kapdesk(
        "--data-dir", str(tmp_path), "export", "ics", "--clinician", "prescriber",
        "--from", "2026-11-01", "--to", "2026-12-31", "-o", str(mine),
    )  # fmt: skip
    assert one.returncode == 0, one.stderr
    assert 0 < mine.read_bytes().count(b"BEGIN:VEVENT") < events


def test_export_ics_explains_bad_dates_and_unknown_clinicians(tmp_path: Path) -> None:
    assert kapdesk("--data-dir", str(tmp_path), "demo", "--patients", "5").returncode == 0
    out = str(tmp_path / "x.ics")
    backwards = kapdesk(
        "--data-dir", str(tmp_path), "export", "ics", "--from", "2026-12-02", "--to", "2026-12-01", "-o", out
    )
    assert backwards.returncode == 1 and "last day is before the first" in backwards.stderr
    nobody = kapdesk(
        "--data-dir", str(tmp_path), "export", "ics", "--clinician", "ghost",
        "--from", "2026-12-01", "--to", "2026-12-02", "-o", out,
    )  # fmt: skip
    assert nobody.returncode == 1 and "no staff account “ghost”" in nobody.stderr
    not_a_date = kapdesk(
        "--data-dir", str(tmp_path), "export", "ics", "--from", "12/01/2026", "--to", "2026-12-02", "-o", out
    )
    assert not_a_date.returncode == 2 and "YYYY-MM-DD" in not_a_date.stderr
    assert not (tmp_path / "x.ics").exists()


def test_document_prints_a_patients_consent_for_their_course_route(tmp_path: Path) -> None:
    assert kapdesk("--data-dir", str(tmp_path), "demo", "--patients", "60").returncode == 0
    with sqlite3.connect(tmp_path / "kapdesk.sqlite3") as db:
        chart, first, last, route = db.execute(
            "SELECT p.chart_number, p.first_name, p.last_name, t.route FROM patients p JOIN courses c "
            "ON c.patient_id = p.id JOIN protocol_templates t ON t.id = c.template_id "
            "WHERE c.status = 'active' ORDER BY p.id LIMIT 1"
        ).fetchone()
        without = db.execute(
            "SELECT chart_number FROM patients WHERE archived_at IS NULL AND id NOT IN "
            "(SELECT patient_id FROM courses) ORDER BY id LIMIT 1"
        ).fetchone()[0]

    def stored() -> int:
        with sqlite3.connect(tmp_path / "kapdesk.sqlite3") as db:
            return db.execute("SELECT count(*) FROM patient_documents").fetchone()[0]

    before = stored()
    nowhere = tmp_path / "missing" / "consent.pdf"
    refused = kapdesk("--data-dir", str(tmp_path), "document", "consent", "--patient", chart, "-o", str(nowhere))
    assert refused.returncode == 1 and "can't write" in refused.stderr
    assert stored() == before  # nothing kept on the record that never reached a file
    out = tmp_path / "consent.pdf"
    made = kapdesk("--data-dir", str(tmp_path), "document", "consent", "--patient", chart.lower(), "-o", str(out))
    assert made.returncode == 0, made.stderr
    assert f"consent-{route}" in made.stdout and str(out) in made.stdout
    from tests.documents.samples import pdf_pages

    pages = pdf_pages(out.read_bytes())
    assert all(f"{first} {last}" in page for page in pages) and f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert stored() == before + 1  # kept on the record, as if made from the chart

    none = kapdesk("--data-dir", str(tmp_path), "document", "consent", "--patient", without, "-o", str(out))
    assert none.returncode == 1 and "no open treatment course" in none.stderr
    assert "course kapdesk" not in none.stderr  # the sentence, not a field name glued to it
    assert not out.exists() or out.stat().st_size > 0
    ghost = kapdesk("--data-dir", str(tmp_path), "document", "aftercare", "--patient", "KD-999999", "-o", str(out))
    assert ghost.returncode == 1 and "no patient has the chart number KD-999999" in ghost.stderr
