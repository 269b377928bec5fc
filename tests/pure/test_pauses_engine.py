"""Ladder pause rules (ladder/pauses.py): held or not, until when, shift days,
latest promise, broken-promise jump; examples and exhaustive properties."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from ladder.pauses import (
    Pause,
    broken_promise_jump,
    clock_start,
    held_until,
    latest_promise_states,
    pause_state,
    shift_days,
)

D = date(2026, 3, 2)


def d(offset):
    return D + timedelta(days=offset)


# Examples ----------------------------------------------------------------------------


def test_nothing_holds_without_pauses():
    assert held_until([], d(0)) == (False, None)
    assert pause_state([], d(0), d(-10), -3).held is False
    assert shift_days([], d(-10), -3, d(0)) == 0


def test_longest_pause_wins_open_ended_over_any_date():
    promise = Pause(d(-2), d(5), shifts=True)
    exclusion = Pause(None, d(9))
    dispute = Pause(d(-1), None, shifts=True)
    assert held_until([promise], d(0)) == (True, d(5))
    assert held_until([promise, exclusion], d(0)) == (True, d(9))
    assert held_until([exclusion, promise], d(0)) == (True, d(9))
    assert held_until([promise, dispute, exclusion], d(0)) == (True, None)


def test_pauses_not_started_or_over_do_not_hold():
    assert held_until([Pause(d(1), None)], d(0)) == (False, None)
    assert held_until([Pause(d(-5), d(-1))], d(0)) == (False, None)
    assert held_until([Pause(d(-5), d(0))], d(0)) == (True, d(0))
    assert held_until([Pause(None, None)], d(0)) == (True, None)


def test_shift_counts_shifting_pauses_from_clock_start_to_yesterday():
    due = d(-20)
    # Clock starts at due - 3 = d(-23); the promise d(0)..d(10) seen on d(8):
    # d(0)..d(7) = 8 days.
    promise = Pause(d(0), d(10), shifts=True)
    assert shift_days([promise], due, -3, d(8)) == 8
    # An open-ended dispute counts up to yesterday, overlaps once.
    dispute = Pause(d(2), None, shifts=True)
    assert shift_days([promise, dispute], due, -3, d(8)) == 8
    assert shift_days([promise, dispute], due, -3, d(15)) == 15
    # Exclusions, referrals, legal cases hold without shifting.
    assert shift_days([Pause(None, None)], due, -3, d(8)) == 0
    # Before the clock started: nothing held back.
    assert shift_days([Pause(d(-40), d(-24), shifts=True)], due, -3, d(8)) == 0
    assert shift_days([Pause(d(-40), d(-23), shifts=True)], due, -3, d(8)) == 1


def test_pause_state_combines():
    state = pause_state(
        [Pause(d(0), d(10), shifts=True), Pause(None, d(3))], d(4), d(-20), 0
    )
    assert (state.held, state.until, state.shift_days) == (True, d(10), 4)
    over = pause_state([Pause(d(0), d(2), shifts=True)], d(4), d(-20), 0)
    assert (over.held, over.until, over.shift_days) == (False, None, 3)


def test_latest_promise_by_date_made_then_id():
    rows = [
        (1, d(0), 10, "broken"),
        (1, d(3), 11, "open"),
        (2, d(3), 12, "kept"),
        (2, d(3), 13, "broken"),
        (3, d(5), 14, "kept"),
        (3, d(1), 15, "broken"),
    ]
    assert latest_promise_states(rows) == {1: "open", 2: "broken", 3: "kept"}
    assert latest_promise_states([]) == {}


def test_broken_promise_jump_every_case():
    for state in (None, "open", "kept", "broken"):
        for step in (None, "final_demand"):
            for handled in (frozenset(), frozenset({"call"}), {"final_demand"}):
                expected = (
                    step if state == "broken" and step and step not in handled else None
                )
                assert broken_promise_jump(state, step, handled) == expected


def test_clock_start():
    assert clock_start(d(0), -3) == d(-3)
    assert clock_start(d(0), 7) == d(7)


# Properties --------------------------------------------------------------------------

offsets = st.integers(min_value=-60, max_value=60)
pauses = st.builds(
    lambda first, length, open_ended, no_start, shifts: Pause(
        None if no_start else d(first),
        None if open_ended else d(first + length),
        shifts,
    ),
    offsets,
    st.integers(min_value=-3, max_value=40),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
pause_lists = st.lists(pauses, max_size=6)


def covers(pause, day):
    return (pause.first is None or pause.first <= day) and (
        pause.last is None or pause.last >= day
    )


@settings(max_examples=400, deadline=None)
@given(pause_lists, offsets)
def test_held_until_is_the_longest_holding_pause(found, today_offset):
    today = d(today_offset)
    holding = [pause for pause in found if covers(pause, today)]
    held, until = held_until(found, today)
    assert held == bool(holding)
    if not holding or any(pause.last is None for pause in holding):
        assert until is None
    else:
        assert until == max(pause.last for pause in holding)
    # Order does not matter.
    assert held_until(list(reversed(found)), today) == (held, until)


@settings(max_examples=400, deadline=None)
@given(pause_lists, offsets, st.integers(min_value=-10, max_value=30), offsets)
def test_shift_days_counts_each_held_day_once(found, due_offset, first_day, today):
    due, today = d(due_offset), d(today)
    start = clock_start(due, first_day)
    expected = 0
    day = start
    while day < today:
        if any(pause.shifts and covers(pause, day) for pause in found):
            expected += 1
        day += timedelta(days=1)
    assert shift_days(found, due, first_day, today) == expected
    # Counting a pause twice changes nothing; non-shifting ones never count.
    assert shift_days(found + found, due, first_day, today) == expected
    assert shift_days([p for p in found if p.shifts], due, first_day, today) == (
        expected
    )


@settings(max_examples=200, deadline=None)
@given(pause_lists, pauses, offsets)
def test_one_more_pause_never_shortens_the_hold(found, extra, today_offset):
    today = d(today_offset)
    held, until = held_until(found, today)
    more_held, more_until = held_until([*found, extra], today)
    assert more_held >= held
    if held:
        assert more_until is None or (until is not None and more_until >= until)
    assert shift_days([*found, extra], d(-20), -3, today) >= shift_days(
        found, d(-20), -3, today
    )


rows = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=4),
        offsets.map(d),
        st.integers(min_value=1, max_value=50),
        st.sampled_from(["open", "kept", "broken"]),
    ),
    max_size=12,
    unique_by=lambda row: (row[0], row[2]),
)


@settings(max_examples=300, deadline=None)
@given(rows)
def test_latest_promise_is_the_last_made(found):
    latest = latest_promise_states(found)
    assert set(latest) == {row[0] for row in found}
    for move_id, state in latest.items():
        mine = sorted(
            (row for row in found if row[0] == move_id), key=lambda r: (r[1], r[2])
        )
        assert state == mine[-1][3]
    assert latest_promise_states(reversed(found)) == latest
