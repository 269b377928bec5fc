"""``applies_to: {min_overdue: <amount>}``: large accounts get another ladder."""

import textwrap

import pytest
from ladder import (
    ACTION_SCHEMAS,
    NOTIFY_SCHEMAS,
    AppliesTo,
    Ladder,
    LadderError,
    Step,
    parse_ladder,
    select_ladder,
)

STEPS = (Step("a", 1), Step("b", 5))


def source(applies_to):
    return textwrap.dedent(
        f"""\
        version: 1
        code: large
        name: Large accounts
        applies_to: {applies_to}
        steps:
          - code: call
            day: 3
            actions:
              - activity: {{type: call}}
        """
    )


def problems(text):
    with pytest.raises(LadderError) as caught:
        parse_ladder(text)
    return [str(problem) for problem in caught.value.problems]


def ladder(code, applies_to=None):
    return Ladder(version=1, code=code, name=code, applies_to=applies_to, steps=STEPS)


def test_parsed_alone_or_with_other_criteria():
    alone = parse_ladder(source("{min_overdue: 10000}")).applies_to
    assert alone == AppliesTo(min_overdue=10000.0)
    both = parse_ladder(source("{partner_tags: [B2B], min_overdue: 2500.50}"))
    assert both.applies_to.partner_tags == frozenset({"B2B"})
    assert both.applies_to.min_overdue == 2500.5
    assert parse_ladder(source("{countries: [SE]}")).applies_to.min_overdue is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-1", "line 4, applies_to.min_overdue: expected a number >= 0"),
        ("lots", "line 4, applies_to.min_overdue: expected a number"),
        ("true", "line 4, applies_to.min_overdue: expected a number"),
    ],
)
def test_bad_amount_says_where_and_what(value, expected):
    found = problems(source(f"{{min_overdue: {value}}}"))
    assert len(found) == 1
    assert found[0].startswith(expected), found


def test_unknown_key_still_refused():
    found = problems(source("{min_overdue: 5, max_overdue: 9}"))
    assert any("unknown key 'max_overdue'" in problem for problem in found), found


def test_matches_from_the_amount_inclusive():
    large = AppliesTo(min_overdue=10000.0)
    assert large.matches([], None, 10000.0)
    assert large.matches(["B2B"], "FR", 25000.0)
    assert not large.matches([], None, 9999.99)
    assert not large.matches([], None, None)  # unknown: taken as nothing overdue
    tagged = AppliesTo(partner_tags=frozenset({"B2B"}), min_overdue=100.0)
    assert not tagged.matches(["B2C"], None, 500.0)
    assert not tagged.matches(["B2B"], None, 50.0)
    assert tagged.matches(["b2b"], None, 100.0)


def test_large_accounts_get_another_route():
    candidates = [
        (1, ladder("large", AppliesTo(min_overdue=10000.0))),
        (2, ladder("b2b", AppliesTo(partner_tags=frozenset({"B2B"})))),
        (3, ladder("fallback")),
    ]
    assert select_ladder(candidates, ["B2B"], "SE", overdue=12000.0) == 1
    assert select_ladder(candidates, ["B2B"], "SE", overdue=800.0) == 2
    assert select_ladder(candidates, [], "SE", overdue=800.0) == 3
    assert select_ladder(candidates, [], "SE") == 3
    # The customer's own ladder still wins.
    assert select_ladder(candidates, [], "SE", override=2, overdue=12000.0) == 2


NOTIFY_LADDER = """\
version: 1
code: large
name: Large accounts
applies_to: {min_overdue: 10000}
steps:
  - code: tell_sales
    day: 1
    actions:
      - notify: %s
"""
KINDS = {**ACTION_SCHEMAS, **NOTIFY_SCHEMAS}


def test_large_account_ladder_notifies_sales():
    parsed = parse_ladder(
        NOTIFY_LADDER % "{who: salesperson, summary: Large account overdue}",
        action_kinds=KINDS,
    )
    action = parsed.steps[0].actions[0]
    assert action.kind == "notify"
    assert action.params["who"] == "salesperson"
    assert action.params["summary"] == "Large account overdue"
    default = parse_ladder(NOTIFY_LADDER % "{}", action_kinds=KINDS)
    assert default.steps[0].actions[0].params["who"] == "salesperson"
    described = NOTIFY_SCHEMAS["notify"].describe({"who": "manager"})
    assert described == "Notify the collections managers"


def test_notify_parameters_checked():
    with pytest.raises(LadderError) as caught:
        parse_ladder(NOTIFY_LADDER % "{who: 5, colour: red}", action_kinds=KINDS)
    found = " | ".join(str(problem) for problem in caught.value.problems)
    assert "steps[0].actions[0].notify.who" in found
    assert "unknown key 'colour'" in found
