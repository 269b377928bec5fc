"""Around the decision: which ladder applies to a customer, the next step, and one
message per customer and kind worded by its most advanced step."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from ladder import (
    Action,
    AppliesTo,
    Decision,
    Ladder,
    Step,
    group_actions,
    next_step_code,
    select_ladder,
)

STEPS = (Step("a", 1), Step("b", 5), Step("c", 9))


def ladder(code, applies_to=None):
    return Ladder(version=1, code=code, name=code, applies_to=applies_to, steps=STEPS)


B2B = ladder("b2b", AppliesTo(partner_tags={"B2B"}))
SWEDEN = ladder("se", AppliesTo(countries={"SE"}))
FALLBACK = ladder("fallback")
OTHER_FALLBACK = ladder("other")
CANDIDATES = [(1, B2B), (2, SWEDEN), (3, FALLBACK), (4, OTHER_FALLBACK)]


def test_override_wins_when_it_is_a_candidate():
    assert select_ladder(CANDIDATES, ["B2B"], "SE", override=4) == 4
    # An archived ladder or one of another company is not a candidate.
    assert select_ladder(CANDIDATES, ["B2B"], "SE", override=99) == 1


def test_first_matching_ladder_by_sequence():
    assert select_ladder(CANDIDATES, ["b2b "], "SE") == 1
    assert select_ladder(CANDIDATES, ["B2C"], "SE") == 2
    assert select_ladder(list(reversed(CANDIDATES)), ["B2B"], "SE") == 2


def test_default_then_first_fallback():
    assert select_ladder(CANDIDATES, [], "FR", default=4) == 4
    assert select_ladder(CANDIDATES, [], "FR", default=99) == 3
    assert select_ladder(CANDIDATES, [], "FR") == 3
    assert select_ladder([(1, B2B)], [], "FR") is None
    assert select_ladder([], ["B2B"], "SE", override=1, default=1) is None


@given(
    st.lists(st.sampled_from(["B2B", "B2C", "x"]), max_size=3),
    st.sampled_from(["SE", "FR", None]),
    st.sampled_from([None, 1, 2, 3, 4, 99]),
    st.sampled_from([None, 1, 2, 3, 4, 99]),
)
def test_selection_is_always_a_candidate_or_none(tags, country, override, default):
    key = select_ladder(CANDIDATES, tags, country, override=override, default=default)
    assert key in {1, 2, 3, 4}  # FALLBACK always catches the rest


def test_next_step_code():
    steps = B2B.steps
    assert (
        next_step_code(B2B, frozenset(), Decision(steps[0], (), date.max, "take"))
        == "b"
    )
    taken_late = Decision(steps[1], (steps[0],), date.max, "first_seen_late")
    assert next_step_code(B2B, frozenset(), taken_late) == "c"
    assert next_step_code(B2B, {"c"}, Decision(None, (), date.max, "finished")) is None
    assert next_step_code(B2B, {"gone"}, Decision(None, (), date.max, "not_due")) == "a"


EMAIL_1 = Action("email", {"template": "m.first"})
EMAIL_2 = Action("email", {"template": "m.final"})
HOLD = Action("credit_hold", {"reason": "x"})
FIRST = Step("first", 7, actions=(EMAIL_1,))
FINAL = Step("final", 30, actions=(EMAIL_2, HOLD))


def test_one_group_per_customer_and_kind_worded_by_the_latest_step():
    groups = group_actions(
        [
            ("acme", 1, FIRST, FIRST.day, FIRST.actions),
            ("acme", 2, FINAL, FINAL.day, FINAL.actions),
            ("acme", 3, FIRST, FIRST.day, FIRST.actions),
            ("zeta", 4, FIRST, FIRST.day, FIRST.actions),
        ]
    )
    summary = [
        (g.customer, g.kind, g.step.code, g.action, list(g.members)) for g in groups
    ]
    assert summary == [
        ("acme", "email", "final", EMAIL_2, [1, 2, 3]),
        ("acme", "credit_hold", "final", HOLD, [2]),
        ("zeta", "email", "first", EMAIL_1, [4]),
    ]


def test_negative_days_rank_too():
    early = Step("courtesy", -3, actions=(EMAIL_1,))
    (group,) = group_actions([("acme", 1, early, early.day, early.actions)])
    assert group.step == early
    assert group_actions([("acme", 1, early, early.day, ())]) == []
