"""Who and what is already taken when: sorted spans per key, asked "is this free?" in logarithmic time, so
planning a whole course on a busy clinic's calendar stays fast."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Hashable, Iterable
from datetime import datetime, timedelta

from kapdesk.domain.opening_hours import Span


class BusyIndex:
    """Half-open spans per key (a patient, a clinician, a room). `reach` bounds how long any span is, so a lookup
    only scans the spans starting within `reach` before the asked end."""

    def __init__(self, spans: dict[Hashable, Iterable[Span]], reach: timedelta) -> None:
        self._reach = reach
        self._spans: dict[Hashable, list[Span]] = {key: sorted(found) for key, found in spans.items()}

    def copy(self) -> BusyIndex:
        """An independent index to plan into, leaving this one as the calendar read."""
        return BusyIndex({key: list(spans) for key, spans in self._spans.items()}, self._reach)

    def add(self, key: Hashable, span: Span) -> None:
        insort(self._spans.setdefault(key, []), span)

    def holding(self, key: Hashable, start: datetime, end: datetime) -> Span | None:
        """The first span of `key` overlapping [start, end), if any."""
        spans = self._spans.get(key)
        if not spans:
            return None
        low = bisect_left(spans, (start - self._reach,))
        for span in spans[low:]:
            if span[0] >= end:
                break
            if span[1] > start:
                return span
        return None

    def free(self, keys: Iterable[Hashable], start: datetime, end: datetime) -> bool:
        return all(self.holding(key, start, end) is None for key in keys)
