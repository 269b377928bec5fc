"""Days an invoice spent paused: the union of pause intervals, counted once.

Pure helper for ``ar.collection.run._get_shift_days``: promises, disputes and
payment plans each pause an invoice over an interval of days; overlapping
intervals count once, so the ladder's timing is pushed back by the days the
invoice was really held.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

__all__ = ["paused_days"]


def paused_days(intervals: Iterable[tuple[date, date]], start: date, end: date) -> int:
    """Days of ``[start, end]`` (inclusive) covered by at least one interval.

    Each interval is ``(first paused day, last paused day)``, inclusive; empty or
    reversed intervals count nothing.
    """
    lo, hi = start.toordinal(), end.toordinal()
    if hi < lo:
        return 0
    clipped = sorted(
        (max(first.toordinal(), lo), min(last.toordinal(), hi))
        for first, last in intervals
    )
    total = 0
    current_first = current_last = None
    for first, last in clipped:
        if last < first:
            continue
        if current_last is not None and first <= current_last + 1:
            current_last = max(current_last, last)
            continue
        if current_last is not None:
            total += current_last - current_first + 1
        current_first, current_last = first, last
    if current_last is not None:
        total += current_last - current_first + 1
    return total
