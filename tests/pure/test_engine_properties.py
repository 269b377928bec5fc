"""decide() over whole lives of invoices: daily runs on random ladders."""

import dataclasses
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from ladder import LADDER_END, InvoiceFacts, Ladder, Step, decide

SIMULATION = settings(max_examples=300, deadline=None)
ONE_DAY = timedelta(days=1)


@st.composite
def ladders(draw, max_day=100):
    count = draw(st.integers(1, 6))
    days = sorted(
        draw(st.sets(st.integers(-20, max_day), min_size=count, max_size=count))
    )
    return Ladder(
        version=1,
        code="random",
        name="Random",
        minimum_overdue=draw(st.sampled_from([0.0, 25.0])),
        min_days_between_steps=draw(st.integers(0, 7)),
        quiet_weekdays=frozenset(draw(st.sets(st.integers(0, 6), max_size=6))),
        steps=tuple(Step(f"s{index}", day) for index, day in enumerate(days)),
    )


due_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def simulate(ladder, due, first_day, last_day, overdue, pause=None, until_known=True):
    """Run ``decide`` every day, apply its decisions, check every rule on the way.

    ``pause``: (first, last) paused days. Returns the log of (day, decision).
    """
    handled: set[str] = set()
    last_done = None
    log = []
    not_before = first_day  # the last next_date, while the outside facts hold
    outside = None
    day = first_day
    while day <= last_day:
        paused = pause is not None and pause[0] <= day <= pause[1]
        paused_until = pause[1] if paused and until_known else None
        if (paused, paused_until) != outside:  # the world changed: look again
            outside = (paused, paused_until)
            not_before = day
        facts = InvoiceFacts(
            move_id=1,
            due_date=due,
            handled_steps=frozenset(handled),
            last_done_date=last_done,
            paused=paused,
            paused_until=paused_until,
        )
        decision = decide(ladder, facts, day, overdue)
        assert decision.next_date > day
        if decision.take is None:
            assert decision.skip == ()
            if paused:
                assert decision.reason == "paused"
        else:
            step = decision.take
            assert not paused
            # next_date never promised a later day than one on which a step comes
            assert day >= not_before, (day, not_before)
            # never twice; never before it is due
            assert step.code not in handled
            assert due + timedelta(days=step.day) <= day
            # spacing, quiet days, minimum overdue
            if last_done is not None:
                assert (day - last_done).days >= max(ladder.min_days_between_steps, 1)
            assert day.weekday() not in ladder.quiet_weekdays
            if step.day > 0:
                assert overdue >= ladder.minimum_overdue
            # skips: only when first seen late, every earlier step, all of them due
            if decision.skip:
                assert decision.reason == "first_seen_late"
                assert not handled
                index = ladder.step_index(step.code)
                assert decision.skip == ladder.steps[:index]
                for skipped in decision.skip:
                    assert due + timedelta(days=skipped.day) <= day
            else:
                assert decision.reason == "take"
            handled.update(s.code for s in decision.skip)
            handled.add(step.code)
            last_done = day
            # running again on the same day changes nothing
            again = InvoiceFacts(1, due, frozenset(handled), last_done)
            assert decide(ladder, again, day, overdue).take is None
        not_before = decision.next_date
        log.append((day, decision))
        day += ONE_DAY
    return handled, log


@SIMULATION
@given(ladders(), due_dates, st.integers(-30, 150))
def test_daily_runs_climb_the_whole_ladder(ladder, due, first_seen):
    handled, log = simulate(
        ladder,
        due,
        due + timedelta(days=first_seen),
        due + timedelta(days=200),
        overdue=ladder.minimum_overdue,
    )
    # without pauses every step is behind the invoice: taken, or skipped on entry
    assert handled == set(ladder.step_codes)
    assert log[-1][1].reason == "finished"
    assert log[-1][1].next_date == LADDER_END
    taken = [decision.take.code for _day, decision in log if decision.take]
    assert len(taken) == len(set(taken))
    # skipping happens at most once: on entering the ladder late
    assert sum(1 for _day, decision in log if decision.skip) <= 1


@SIMULATION
@given(ladders(), due_dates, st.integers(-30, 150))
def test_below_the_minimum_only_pre_due_steps_go_out(ladder, due, first_seen):
    ladder = dataclasses.replace(ladder, minimum_overdue=25.0)
    _handled, log = simulate(
        ladder,
        due,
        due + timedelta(days=first_seen),
        due + timedelta(days=200),
        overdue=10.0,
    )
    for _day, decision in log:
        if decision.take is not None:
            assert decision.take.day <= 0
    if any(step.day > 0 for step in ladder.steps):
        assert log[-1][1].reason in {"below_minimum", "quiet_day", "min_days"}


@SIMULATION
@given(
    ladders(),
    due_dates,
    st.integers(-30, 60),
    st.integers(-20, 150),
    st.integers(0, 60),
    st.booleans(),
)
def test_nothing_while_paused(ladder, due, first_seen, pause_start, length, known):
    start = due + timedelta(days=pause_start)
    end = start + timedelta(days=length)
    first_day = due + timedelta(days=first_seen)
    # long enough for the whole ladder after the pause: 6 steps, one a week at worst
    last_day = max(due + timedelta(days=200), end + timedelta(days=60))
    handled, log = simulate(
        ladder,
        due,
        first_day,
        last_day,
        overdue=100.0,
        pause=(start, end),
        until_known=known,
    )
    # nothing happens during the pause (checked day by day in simulate)...
    assert not [d for d, decision in log if start <= d <= end and decision.take]
    # ...and the ladder resumes after it: every step is behind the invoice at the end
    assert handled == set(ladder.step_codes)
    assert log[-1][1].reason == "finished"
    # a step that was due during the pause is taken soon after it ends: once it is
    # due and spaced from the last one, within a week (the quiet days)
    pending = [step for step in ladder.steps if step.code not in done_by(log, start)]
    if pending and first_day <= end:
        resumed = next(d for d, decision in log if d > end and decision.take)
        last_done = max(
            (d for d, decision in log if d < start and decision.take), default=None
        )
        due_again = max(end + ONE_DAY, due + timedelta(days=pending[0].day))
        if last_done is not None:
            spacing = max(ladder.min_days_between_steps, 1)
            due_again = max(due_again, last_done + timedelta(days=spacing))
        assert resumed <= due_again + timedelta(days=6), (resumed, due_again)


def done_by(log, day):
    """Codes taken or skipped before ``day``."""
    codes = set()
    for logged_day, decision in log:
        if logged_day < day and decision.take:
            codes.add(decision.take.code)
            codes.update(step.code for step in decision.skip)
    return codes
