"""decide(): each rule of DESIGN.md ("Meaning") with hand-computed dates.

The invoice is due on Friday 14 March 2025 (D). Weekdays of the dates used:
Tue 11/3 (D-3), Fri 21/3 (D+7), Sat 22/3, Mon 24/3 (D+10), Wed 26/3, Fri 28/3
(D+14), Sat 29/3, Mon 31/3, Sun 13/4 (D+30), Mon 14/4, Mon 28/4 (D+45),
Tue 13/5 (D+60), Wed 10/9 (D+180), Tue 30/9 (D+200).
"""

import dataclasses
import textwrap
from datetime import date

import pytest
from ladder import LADDER_END, REASONS, InvoiceFacts, decide, parse_ladder

D = date(2025, 3, 14)


def d(month, day):
    return date(2025, month, day)


PLAIN = parse_ladder(
    textwrap.dedent(
        """\
        version: 1
        code: plain
        name: No minimum, no spacing, no quiet days
        steps:
          - {code: courtesy, day: -3, actions: [{email: {template: m.courtesy}}]}
          - {code: first_notice, day: 7, actions: [{email: {template: m.first}}]}
          - {code: call, day: 14, actions: [{activity: {}}]}
          - {code: final_demand, day: 30, actions: [{credit_hold: {reason: Final}}]}
          - {code: agency, day: 60, actions: [{refer_to_agency: {agency: default}}]}
          - code: write_off_review
            day: 180
            actions: [{request_write_off: {reason: uncollectible}}]
        """
    )
)
ALL = ("courtesy", "first_notice", "call", "final_demand", "agency", "write_off_review")


def test_the_dates_in_these_tests_fall_on_the_weekdays_they_say():
    weekdays = {
        d(3, 11): "Tue",
        d(3, 14): "Fri",
        d(3, 15): "Sat",
        d(3, 17): "Mon",
        d(3, 18): "Tue",
        d(3, 21): "Fri",
        d(3, 22): "Sat",
        d(3, 24): "Mon",
        d(3, 25): "Tue",
        d(3, 26): "Wed",
        d(3, 28): "Fri",
        d(3, 29): "Sat",
        d(3, 31): "Mon",
        d(4, 13): "Sun",
        d(4, 14): "Mon",
        d(4, 28): "Mon",
        d(5, 13): "Tue",
        d(9, 10): "Wed",
        d(9, 30): "Tue",
    }
    assert {day: day.strftime("%a") for day in weekdays} == weekdays
    assert (d(4, 13) - D).days == 30
    assert (d(4, 28) - D).days == 45
    assert (d(5, 13) - D).days == 60
    assert (d(9, 10) - D).days == 180


def run(ladder, today, overdue=1000.0, due=D, handled=(), **facts):
    return decide(
        ladder,
        InvoiceFacts(
            move_id=1, due_date=due, handled_steps=frozenset(handled), **facts
        ),
        today,
        overdue,
    )


def check(decision, take, skip, next_date, reason):
    assert (decision.take.code if decision.take else None) == take
    assert tuple(step.code for step in decision.skip) == tuple(skip)
    assert decision.next_date == next_date
    assert decision.reason == reason
    assert decision.reason in REASONS


# (id, today, facts, take, skip, next_date, reason) on the plain ladder
PLAIN_CASES = [
    ("before the courtesy", d(3, 10), {}, None, (), d(3, 11), "not_due"),
    ("courtesy on its day", d(3, 11), {}, "courtesy", (), d(3, 21), "take"),
    (
        "first seen late enters at the latest due step",
        d(3, 24),
        {},
        "first_notice",
        ("courtesy",),
        d(3, 28),
        "first_seen_late",
    ),
    (
        "first seen very late",
        d(4, 28),
        {},
        "final_demand",
        ("courtesy", "first_notice", "call"),
        d(5, 13),
        "first_seen_late",
    ),
    (
        "first seen after the last step",
        d(9, 30),
        {},
        "write_off_review",
        ALL[:-1],
        LADDER_END,
        "first_seen_late",
    ),
    (
        "on the ladder: only the next step, one per run",
        d(4, 28),
        {"handled": {"courtesy"}},
        "first_notice",
        (),
        d(4, 29),  # call is already due: tomorrow
        "take",
    ),
    (
        "next step not due yet",
        d(3, 20),
        {"handled": {"courtesy"}},
        None,
        (),
        d(3, 21),
        "not_due",
    ),
    (
        "steps before the position are never sent later",
        d(3, 24),
        {"handled": {"call"}},
        None,
        (),
        d(4, 13),
        "not_due",
    ),
    (
        "a gap in the handled steps is not filled",
        d(4, 28),
        {"handled": {"courtesy", "call"}},
        "final_demand",
        (),
        d(5, 13),
        "take",
    ),
    (
        "the last step",
        d(9, 10),
        {"handled": ALL[:-1]},
        "write_off_review",
        (),
        LADDER_END,
        "take",
    ),
    ("finished", d(9, 30), {"handled": ALL}, None, (), LADDER_END, "finished"),
    (
        "finished once the last step is handled",
        d(9, 30),
        {"handled": {"write_off_review"}},
        None,
        (),
        LADDER_END,
        "finished",
    ),
    (
        "handled codes not in the ladder are ignored",
        d(3, 11),
        {"handled": {"old_reminder", "legacy_call"}},
        "courtesy",
        (),
        d(3, 21),
        "take",
    ),
    (
        "handled codes not in the ladder: still first seen",
        d(3, 24),
        {"handled": {"old_reminder"}},
        "first_notice",
        ("courtesy",),
        d(3, 28),
        "first_seen_late",
    ),
    (
        "shift_days pushes the timing back",
        d(3, 24),
        {"handled": {"courtesy"}, "shift_days": 10},
        None,
        (),
        d(3, 31),
        "not_due",
    ),
    (
        "shift_days: due at the shifted date",
        d(3, 31),
        {"handled": {"courtesy"}, "shift_days": 10},
        "first_notice",
        (),
        d(4, 7),
        "take",
    ),
    (
        "paused until a date",
        d(3, 25),
        {"handled": {"courtesy"}, "paused": True, "paused_until": d(3, 30)},
        None,
        (),
        d(3, 31),
        "paused",
    ),
    (
        "paused: its last day is still paused",
        d(3, 30),
        {"handled": {"courtesy"}, "paused": True, "paused_until": d(3, 30)},
        None,
        (),
        d(3, 31),
        "paused",
    ),
    (
        "paused until something changes",
        d(3, 25),
        {"handled": {"courtesy"}, "paused": True},
        None,
        (),
        LADDER_END,
        "paused",
    ),
    (
        "a pause whose last day has passed no longer holds",
        d(3, 31),
        {"handled": {"courtesy"}, "paused": True, "paused_until": d(3, 30)},
        "first_notice",
        (),
        d(4, 1),
        "take",
    ),
    (
        "jump: taken now, the steps in between skipped",
        d(3, 24),
        {"handled": {"courtesy"}, "jump_to": "final_demand"},
        "final_demand",
        ("first_notice", "call"),
        d(5, 13),
        "jump",
    ),
    (
        "jump before the first step",
        d(3, 5),
        {"jump_to": "call"},
        "call",
        ("courtesy", "first_notice"),
        d(4, 13),
        "jump",
    ),
    (
        "jump to the next step: taken although not due",
        d(3, 12),
        {"handled": {"courtesy"}, "jump_to": "first_notice"},
        "first_notice",
        (),
        d(3, 28),
        "jump",
    ),
    (
        "jump to a handled step is ignored",
        d(3, 24),
        {"handled": {"courtesy", "first_notice"}, "jump_to": "first_notice"},
        None,
        (),
        d(3, 28),
        "not_due",
    ),
    (
        "jump backwards is ignored",
        d(3, 24),
        {"handled": {"courtesy", "call"}, "jump_to": "first_notice"},
        None,
        (),
        d(4, 13),
        "not_due",
    ),
    (
        "jump to a code not in the ladder is ignored",
        d(3, 11),
        {"jump_to": "nope"},
        "courtesy",
        (),
        d(3, 21),
        "take",
    ),
    (
        "never two steps on one day, even without min_days_between_steps",
        d(4, 28),
        {"handled": {"courtesy"}, "last_done_date": d(4, 28)},
        None,
        (),
        d(4, 29),
        "min_days",
    ),
]


@pytest.mark.parametrize(
    "today, facts, take, skip, next_date, reason",
    [case[1:] for case in PLAIN_CASES],
    ids=[case[0] for case in PLAIN_CASES],
)
def test_plain_ladder(today, facts, take, skip, next_date, reason):
    check(run(PLAIN, today, **facts), take, skip, next_date, reason)


# (id, today, overdue, facts, take, skip, next_date, reason) on the DESIGN.md example:
# minimum_overdue 25, min_days_between_steps 5, quiet_weekdays [sat, sun]
EXAMPLE_CASES = [
    (
        "courtesy: a pre-due step ignores minimum_overdue",
        d(3, 11),
        0.0,
        {},
        "courtesy",
        (),
        d(3, 21),
        "take",
    ),
    (
        "min_days satisfied; the next due date (a Sunday) moves to Monday",
        d(3, 28),
        100.0,
        {"handled": {"courtesy", "first_notice"}, "last_done_date": d(3, 21)},
        "call",
        (),
        d(4, 14),
        "take",
    ),
    (
        "min_days not satisfied",
        d(3, 28),
        100.0,
        {"handled": {"courtesy", "first_notice"}, "last_done_date": d(3, 26)},
        None,
        (),
        d(3, 31),
        "min_days",
    ),
    (
        "min_days ends on a Saturday: Monday",
        d(3, 28),
        100.0,
        {"handled": {"courtesy", "first_notice"}, "last_done_date": d(3, 24)},
        None,
        (),
        d(3, 31),
        "min_days",
    ),
    (
        "after a take, the next step waits min_days",
        d(3, 24),
        100.0,
        {"handled": {"courtesy"}, "last_done_date": d(3, 11)},
        "first_notice",
        (),
        d(3, 31),  # call is due on 28/3, but 24/3 + 5 = Sat 29/3: Monday
        "take",
    ),
    (
        "quiet day",
        d(3, 22),
        100.0,
        {"handled": {"courtesy"}, "last_done_date": d(3, 11)},
        None,
        (),
        d(3, 24),
        "quiet_day",
    ),
    (
        "below the minimum overdue",
        d(3, 21),
        10.0,
        {"handled": {"courtesy"}, "last_done_date": d(3, 11)},
        None,
        (),
        d(3, 24),  # tomorrow is a Saturday
        "below_minimum",
    ),
    (
        "below the minimum overdue, on a Monday",
        d(3, 24),
        0.0,
        {"handled": {"courtesy"}, "last_done_date": d(3, 11)},
        None,
        (),
        d(3, 25),
        "below_minimum",
    ),
    (
        "at the minimum overdue",
        d(3, 21),
        25.0,
        {"handled": {"courtesy"}, "last_done_date": d(3, 11)},
        "first_notice",
        (),
        d(3, 28),
        "take",
    ),
    (
        "first seen late below the minimum: nothing, not even the courtesy",
        d(3, 24),
        10.0,
        {},
        None,
        (),
        d(3, 25),
        "below_minimum",
    ),
    (
        "not due: its due date is a Sunday, so Monday",
        d(4, 1),
        100.0,
        {"handled": {"courtesy", "first_notice", "call"}, "last_done_date": d(3, 28)},
        None,
        (),
        d(4, 14),
        "not_due",
    ),
    (
        "jump on a quiet day waits",
        d(3, 22),
        100.0,
        {"handled": {"courtesy"}, "jump_to": "final_demand"},
        None,
        (),
        d(3, 24),
        "quiet_day",
    ),
    (
        "jump waits for min_days",
        d(3, 24),
        100.0,
        {
            "handled": {"courtesy", "first_notice"},
            "last_done_date": d(3, 21),
            "jump_to": "agency",
        },
        None,
        (),
        d(3, 26),
        "min_days",
    ),
    (
        "jump below the minimum overdue waits",
        d(3, 24),
        10.0,
        {"handled": {"courtesy"}, "jump_to": "final_demand"},
        None,
        (),
        d(3, 25),
        "below_minimum",
    ),
    (
        "jump",
        d(3, 24),
        100.0,
        {
            "handled": {"courtesy"},
            "last_done_date": d(3, 11),
            "jump_to": "final_demand",
        },
        "final_demand",
        ("first_notice", "call"),
        d(5, 13),
        "jump",
    ),
]


@pytest.mark.parametrize(
    "today, overdue, facts, take, skip, next_date, reason",
    [case[1:] for case in EXAMPLE_CASES],
    ids=[case[0] for case in EXAMPLE_CASES],
)
def test_example_ladder(
    example_ladder, today, overdue, facts, take, skip, next_date, reason
):
    check(run(example_ladder, today, overdue, **facts), take, skip, next_date, reason)


def test_courtesy_on_a_saturday_waits_for_monday(example_ladder):
    due = d(3, 18)  # a Tuesday: the courtesy day (-3) is Saturday 15/3
    check(run(example_ladder, d(3, 15), 0.0, due=due), None, (), d(3, 17), "quiet_day")
    check(run(example_ladder, d(3, 16), 0.0, due=due), None, (), d(3, 17), "quiet_day")
    # Monday: still the courtesy (not first seen late: nothing else is due)
    check(run(example_ladder, d(3, 17), 0.0, due=due), "courtesy", (), d(3, 25), "take")


def test_rerun_on_the_same_day_changes_nothing(example_ladder):
    facts = InvoiceFacts(1, D)
    first = decide(example_ladder, facts, d(3, 24), 100.0)
    assert first.take.code == "first_notice"
    assert decide(example_ladder, facts, d(3, 24), 100.0) == first  # pure
    after = dataclasses.replace(
        facts,
        handled_steps=frozenset({"courtesy", "first_notice"}),
        last_done_date=d(3, 24),
    )
    again = decide(example_ladder, after, d(3, 24), 100.0)
    assert again.take is None
    assert again.next_date == first.next_date


def test_a_ladder_without_steps_is_finished():
    empty = dataclasses.replace(PLAIN, steps=())
    check(run(empty, d(3, 24)), None, (), LADDER_END, "finished")


def test_dates_near_the_end_of_the_calendar():
    late = date(9999, 12, 1)
    decision = run(PLAIN, late, due=late, handled={"courtesy"})
    assert decision.take is None
    assert decision.next_date == date(9999, 12, 8)
    decision = run(PLAIN, date(9999, 12, 30), due=late, handled={"courtesy"})
    assert decision.take.code == "first_notice"
    assert decision.next_date == LADDER_END
    paused = run(PLAIN, late, paused=True, paused_until=date(9999, 12, 31))
    assert paused.next_date == LADDER_END
