"""The hash chain on plain values: what verification catches, without a database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from kapdesk.domain.audit import GENESIS_MAC, AuditEvent, ChainVerifier, chain_mac, head_mac

KEY = bytes(range(32))


def chain(count: int) -> list[tuple[AuditEvent, str]]:
    events, previous = [], GENESIS_MAC
    for n in range(1, count + 1):
        event = AuditEvent(n, datetime(2026, 11, 21, 9, n, tzinfo=UTC), 1, "ada", "pc1", "view", "demographics",
                           "patient", str(n), n, "success", f"opened record {n}")  # fmt: skip
        previous = chain_mac(KEY, previous, event)
        events.append((event, previous))
    return events


def verify(events: list[tuple[AuditEvent, str]], head: tuple[int, str] | None = None, key: bytes = KEY):  # type: ignore[no-untyped-def]
    verifier = ChainVerifier(key)
    for event, mac in events:
        if not verifier.feed(event, mac):
            break
    last, last_mac = head if head else (events[-1][0].sequence, events[-1][1])
    return verifier.finish(last, last_mac, head_mac(KEY, last, last_mac))


def test_an_untouched_chain_verifies() -> None:
    report = verify(chain(5))
    assert report.intact and report.events == 5


def test_every_field_is_covered_by_the_mac() -> None:
    original = chain(3)
    for field in dataclasses.fields(AuditEvent):
        if field.name == "sequence":
            continue
        event, mac = original[1]
        value = getattr(event, field.name)
        changed = value.replace(minute=59) if isinstance(value, datetime) else (
            value + 1 if isinstance(value, int) else f"{value}x")  # fmt: skip
        tampered = [original[0], (dataclasses.replace(event, **{field.name: changed}), mac), original[2]]
        assert verify(tampered).problem.sequence == 2, field.name


def test_a_wrong_key_fails_at_the_first_event() -> None:
    assert verify(chain(3), key=bytes(32)).problem.sequence == 1


def test_a_missing_middle_event_is_named() -> None:
    events = chain(5)
    report = verify(events[:2] + events[3:])
    assert report.problem.sequence == 3 and "missing" in report.problem.message


def test_the_head_catches_a_cut_end() -> None:
    events = chain(5)
    report = verify(events[:3], head=(5, events[4][1]))
    assert report.problem.sequence == 4 and "cut short" in report.problem.message
