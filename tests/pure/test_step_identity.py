"""A step's identity survives ladder edits and moves to another ladder.

``handled_codes`` maps an invoice's history (code, day and signature of each step
handled) onto the ladder as it is now; the run feeds the result to ``decide``.
"""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from ladder import (
    Action,
    InvoiceFacts,
    Ladder,
    Step,
    StepRecord,
    decide,
    handled_codes,
    next_step_code,
    step_signature,
)

DUE = date(2026, 1, 5)  # a Monday
ONE_DAY = timedelta(days=1)


def email(template):
    return (Action("email", {"template": template}),)


def ladder_of(*steps, code="l"):
    return Ladder(version=1, code=code, name=code, steps=tuple(steps))


def record(step):
    return StepRecord(step.code, step.day, step_signature(step))


FIRST = Step("first_notice", 7, "overdue", email("m.first"))
FINAL = Step("final_demand", 30, "final_demand", email("m.final"))
AGENCY = Step("agency", 60, "agency", (Action("refer_to_agency", {"agency": "x"}),))
LADDER = ladder_of(FIRST, FINAL, AGENCY)


def test_same_code_is_the_same_step():
    assert handled_codes(LADDER, [record(FIRST)]) == {"first_notice"}


def test_renamed_step_keeps_its_identity():
    history = [record(FIRST), record(FINAL)]
    renamed = ladder_of(
        FIRST, Step("last_warning", 30, "final_demand", email("m.final")), AGENCY
    )
    handled = handled_codes(renamed, history)
    assert handled == {"first_notice", "last_warning"}
    facts = InvoiceFacts(1, DUE, handled, DUE + timedelta(days=30))
    decision = decide(renamed, facts, DUE + timedelta(days=35), 100.0)
    assert decision.take is None  # not the final demand again; the agency waits
    assert decision.reason == "not_due"


def test_renamed_and_moved_step_is_recognised_by_its_actions():
    history = [record(FIRST), record(FINAL)]
    moved = ladder_of(FIRST, Step("last_warning", 40, "final_demand", email("m.final")))
    assert "last_warning" in handled_codes(moved, history)


def test_inserted_earlier_step_is_not_sent():
    history = [record(FIRST), record(FINAL)]
    inserted = ladder_of(FIRST, Step("call", 14, "overdue", email("m.call")), FINAL)
    handled = handled_codes(inserted, history)
    assert "call" in handled
    facts = InvoiceFacts(1, DUE, handled, DUE + timedelta(days=30))
    assert decide(inserted, facts, DUE + timedelta(days=40), 100.0).reason == "finished"


def test_inserted_later_step_is_sent_when_due():
    history = [record(FIRST)]
    inserted = ladder_of(FIRST, Step("call", 14, "overdue", email("m.call")), FINAL)
    handled = handled_codes(inserted, history)
    assert handled == {"first_notice"}
    facts = InvoiceFacts(1, DUE, handled, DUE + timedelta(days=7))
    assert decide(inserted, facts, DUE + timedelta(days=14), 100.0).take.code == "call"


def test_removed_step_keeps_the_invoice_where_it_was():
    history = [record(FIRST), record(FINAL)]
    removed = ladder_of(FIRST, AGENCY)
    assert handled_codes(removed, history) == {"first_notice"}
    facts = InvoiceFacts(1, DUE, frozenset({"first_notice"}), DUE + timedelta(days=30))
    assert decide(removed, facts, DUE + timedelta(days=60), 100.0).take.code == "agency"


def test_moved_to_another_ladder_enters_after_what_it_received():
    # The new ladder demands at day 25 and refers at day 32: the invoice, which had
    # its day-30 final demand on the old ladder, is not demanded again.
    history = [record(FIRST), record(FINAL)]
    strict = ladder_of(
        Step("reminder", 5, "overdue", email("m.reminder")),
        Step("demand", 25, "final_demand", email("m.demand")),
        Step("refer", 32, "agency", (Action("refer_to_agency", {"agency": "x"}),)),
        code="strict",
    )
    handled = handled_codes(strict, history)
    assert handled == {"reminder", "demand"}
    facts = InvoiceFacts(1, DUE, handled, DUE + timedelta(days=30))
    decision = decide(strict, facts, DUE + timedelta(days=36), 100.0)
    assert decision.take.code == "refer"
    assert next_step_code(strict, handled, decision) is None


def test_moved_to_a_ladder_sending_the_same_notice_later_does_not_resend_it():
    history = [record(FIRST), record(FINAL)]
    slow = ladder_of(
        Step("reminder", 10, "overdue", email("m.first")),
        Step("final", 45, "final_demand", email("m.final")),
        code="slow",
    )
    assert handled_codes(slow, history) == {"reminder", "final"}


def test_same_actions_later_in_the_same_ladder_are_still_taken():
    call = (Action("activity", {"type": "call"}),)
    repeated = ladder_of(
        Step("call", 14, None, call), Step("call_again", 45, None, call)
    )
    history = [StepRecord("call", 14, step_signature(repeated.steps[0]))]
    assert handled_codes(repeated, history) == {"call"}


def test_old_events_without_day_match_by_code():
    assert handled_codes(LADDER, [StepRecord("final_demand")]) == {"final_demand"}
    assert handled_codes(LADDER, [StepRecord("gone")]) == frozenset()


# The property: random edits and daily runs ---------------------------------------

TEMPLATES = ("m.a", "m.b", "m.c", "m.d")
STAGES = (None, "reminded", "overdue", "final_demand")

edit = st.one_of(
    st.tuples(st.just("rename"), st.integers(0, 10)),
    st.tuples(
        st.just("insert"),
        st.integers(-10, 120),
        st.sampled_from(TEMPLATES),
        st.sampled_from(STAGES),
    ),
    st.tuples(st.just("remove"), st.integers(0, 10)),
    st.tuples(st.just("stage"), st.integers(0, 10), st.sampled_from(STAGES)),
    st.tuples(st.just("switch_ladder")),
)


class World:
    """Two ladders of steps with a hidden identity (``uid``) the engine never sees."""

    def __init__(self, first, second):
        self.ladders = [first, second]  # lists of [uid, code, day, template, stage]
        self.current = 0
        self.fresh = 0

    def code(self):
        self.fresh += 1
        return f"c{self.fresh}"

    def apply(self, change):
        steps = self.ladders[self.current]
        kind = change[0]
        if kind == "switch_ladder":
            self.current = 1 - self.current
        elif kind == "rename" and steps:
            steps[change[1] % len(steps)][1] = self.code()
        elif kind == "remove" and len(steps) > 1:
            del steps[change[1] % len(steps)]
        elif kind == "stage" and steps:
            steps[change[1] % len(steps)][4] = change[2]
        elif kind == "insert" and change[1] not in {s[2] for s in steps}:
            self.fresh += 1
            steps.append(
                [f"u{self.fresh}", self.code(), change[1], change[2], change[3]]
            )
            steps.sort(key=lambda s: s[2])

    def ladder(self):
        steps = self.ladders[self.current]
        parsed = ladder_of(
            *(
                Step(code, day, stage, email(tpl))
                for _uid, code, day, tpl, stage in steps
            ),
            code=f"l{self.current}",
        )
        uids = {code: uid for uid, code, *_rest in steps}
        return parsed, uids


def ladder_steps(prefix, draw):
    days = sorted(draw(st.sets(st.integers(-10, 120), min_size=1, max_size=5)))
    return [
        [
            f"{prefix}{i}",
            f"{prefix}code{i}",
            day,
            draw(st.sampled_from(TEMPLATES)),
            None,
        ]
        for i, day in enumerate(days)
    ]


@st.composite
def worlds(draw):
    return World(ladder_steps("a", draw), ladder_steps("b", draw))


@settings(max_examples=300, deadline=None)
@given(
    world=worlds(),
    plan=st.lists(
        st.tuples(st.integers(0, 20), st.lists(edit, max_size=3)), max_size=12
    ),
    min_days=st.integers(0, 7),
)
def test_edits_and_runs_never_send_one_step_twice(world, plan, min_days):
    history = []  # StepRecord of every step taken or skipped
    sent = []  # (uid, code) of each step taken
    last_done = None
    day = DUE - timedelta(days=10)
    for gap, changes in plan:
        for change in changes:
            world.apply(change)
        for _ in range(gap + 1):
            parsed, uids = world.ladder()
            parsed = Ladder(
                version=1,
                code=parsed.code,
                name=parsed.name,
                min_days_between_steps=min_days,
                steps=parsed.steps,
            )
            handled = handled_codes(parsed, history)
            facts = InvoiceFacts(1, DUE, handled, last_done)
            decision = decide(parsed, facts, day, 100.0)
            next_step_code(parsed, handled, decision)  # never raises
            for step in decision.skip:
                history.append(record(step))
            if decision.take:
                history.append(record(decision.take))
                sent.append(uids[decision.take.code])
                last_done = day
            day += ONE_DAY
    assert len(sent) == len(set(sent)), sent


def test_signature_survives_the_snapshot(example_ladder):
    from ladder import dump_step, load_step

    for step in example_ladder.steps:
        again = load_step(dump_step(step))
        assert (again.code, again.day, again.stage) == (step.code, step.day, step.stage)
        assert step_signature(again) == step_signature(step)
