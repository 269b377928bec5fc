"""Ladder pause rules: pure Python, no Odoo.

The run gathers, per invoice, the pauses its cases and exclusions put on it and asks
this module three questions:

- ``pause_state``: is the invoice held today, until when (the longest pause wins;
  ``None`` means until something changes), and by how many days its ladder's
  timing is pushed back (the days spent paused by causes that shift the ladder,
  counted once, from the day its ladder's clock started up to yesterday);
- ``latest_promise_states``: the state of the latest promise on each invoice;
- ``broken_promise_jump``: the step a broken promise sends the invoice to, if any.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "Pause",
    "PauseState",
    "broken_promise_jump",
    "clock_start",
    "held_until",
    "latest_promise_states",
    "pause_state",
    "paused_days",
    "shift_days",
]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Pause:
    """One cause holding one invoice's ladder over ``[first, last]`` (inclusive).

    ``first`` None: since always (an exclusion); ``last`` None: open-ended, until the
    cause changes. ``shifts``: once over, the days it held push the ladder's timing
    back (promises, disputes, payment plans); exclusions, referrals and legal cases
    hold the ladder without shifting it.
    """

    first: date | None
    last: date | None
    shifts: bool = False

    def holds(self, today: date) -> bool:
        return (self.first is None or self.first <= today) and (
            self.last is None or self.last >= today
        )


@dataclass(frozen=True, slots=True)
class PauseState:
    """``held``: nothing happens today; ``until``: last held day (None: until a
    cause changes; meaningless when not held); ``shift_days``: timing push-back."""

    held: bool
    until: date | None
    shift_days: int


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


def held_until(pauses: Iterable[Pause], today: date) -> tuple[bool, date | None]:
    """(held today, last held day): of the pauses holding today the longest wins,
    an open-ended one (None) over any date."""
    held = False
    until = None
    for pause in pauses:
        if not pause.holds(today):
            continue
        if pause.last is None:
            return True, None
        if not held or pause.last > until:
            held, until = True, pause.last
    return held, until


def clock_start(due_date: date, first_step_day: int) -> date:
    """The day the invoice's ladder starts counting: its first step's day."""
    return due_date + timedelta(days=first_step_day)


def shift_days(
    pauses: Iterable[Pause], due_date: date, first_step_day: int, today: date
) -> int:
    """Days the ladder's timing is pushed back: the days from the ladder's clock
    start up to yesterday held by pauses that shift it, overlaps counted once.

    Pauses before the clock started held nothing back; an open-ended pause counts
    up to yesterday.
    """
    start = clock_start(due_date, first_step_day)
    yesterday = today - _ONE_DAY
    spans = [
        (pause.first or start, pause.last or yesterday)
        for pause in pauses
        if pause.shifts
    ]
    if not spans:
        return 0
    return paused_days(spans, start, yesterday)


def pause_state(
    pauses: Iterable[Pause], today: date, due_date: date, first_step_day: int
) -> PauseState:
    """Everything the engine needs to know about one invoice's pauses today."""
    pauses = tuple(pauses)
    held, until = held_until(pauses, today)
    return PauseState(
        held=held,
        until=until if held else None,
        shift_days=shift_days(pauses, due_date, first_step_day, today),
    )


def latest_promise_states(
    promises: Iterable[tuple[int, date, int, str]],
) -> dict[int, str]:
    """{invoice: state of its latest promise} from rows (invoice, made on, promise
    id, state): the latest is the one made last, the higher id breaking ties."""
    latest = {}
    for move_id, made_on, promise_id, state in promises:
        key = (made_on, promise_id)
        current = latest.get(move_id)
        if current is None or key > current[0]:
            latest[move_id] = (key, state)
    return {move_id: state for move_id, (_key, state) in latest.items()}


def broken_promise_jump(
    latest_state: str | None, on_broken_promise: str | None, handled_steps
) -> str | None:
    """The step to jump to now: the ladder's ``on_broken_promise`` step when the
    invoice's latest promise was broken and that step was not handled yet."""
    if latest_state != "broken" or not on_broken_promise:
        return None
    if on_broken_promise in handled_steps:
        return None
    return on_broken_promise
