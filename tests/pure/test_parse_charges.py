"""The ladder's ``interest`` key and the ``fee`` / ``charge_interest`` actions:
parsed into the model, or refused with line, path and what was expected."""

import textwrap
from decimal import Decimal

import pytest
from ladder import (
    ACTION_SCHEMAS,
    CHARGES_SCHEMAS,
    FOUNDATION_SCHEMAS,
    LadderError,
    LadderInterest,
    describe_action,
    dump_step,
    load_step,
    parse_ladder,
)


def ladder(interest="", actions="- charge_interest: {}"):
    """A ladder with ``interest`` (YAML lines) and one step with ``actions``."""
    head = "version: 1\ncode: late\nname: Late payment\n"
    if interest:
        head += textwrap.dedent(interest).strip() + "\n"
    body = "steps:\n  - code: first\n    day: 10\n    actions:\n"
    body += textwrap.indent(textwrap.dedent(actions).strip(), "      ") + "\n"
    return head + body


def problems_of(source, **kwargs):
    with pytest.raises(LadderError) as caught:
        parse_ladder(source, **kwargs)
    return [(p.line, p.path, p.message) for p in caught.value.problems]


# The interest key -------------------------------------------------------------


@pytest.mark.parametrize("preset", ["eu_late_payment", "fr", "gr", "se", "no"])
def test_interest_presets_are_parsed(preset):
    parsed = parse_ladder(ladder(f"interest: {{preset: {preset}}}"))
    assert parsed.interest == LadderInterest(preset)
    assert parsed.interest.line == 4


def test_custom_interest_with_rate_and_basis():
    parsed = parse_ladder(
        ladder("interest: {preset: custom, rate: 9.5, basis: 360, b2b_only: false}")
    )
    assert parsed.interest == LadderInterest(
        "custom", rate=Decimal("9.5"), basis="360", b2b_only=False
    )
    preset = parsed.interest.resolve()
    assert (preset.index, preset.margin, preset.day_count) == (
        None,
        Decimal("9.5"),
        "360",
    )
    for basis in ("365", "actual", "'365'"):
        text = f"interest: {{preset: custom, rate: 8, basis: {basis}}}"
        assert parse_ladder(ladder(text)).interest.basis == basis.strip("'")


def test_a_ladder_without_interest_has_none():
    assert (
        parse_ladder(ladder(actions="- fee: {preset: eu_compensation}")).interest
        is None
    )


def test_unknown_interest_preset():
    assert problems_of(ladder("interest: {preset: eu}")) == [
        (
            4,
            "interest.preset",
            (
                "expected one of: eu_late_payment, fr, gr, se, no, custom, "
                "got a string 'eu'"
            ),
        )
    ]


def test_interest_needs_a_preset_and_known_keys():
    assert problems_of(ladder("interest: {rate: 8, bassis: 365}")) == [
        (
            4,
            "interest.bassis",
            (
                "unknown key 'bassis'; expected one of: preset, rate, basis, b2b_only "
                "(did you mean 'basis'?)"
            ),
        ),
        (4, "interest.preset", "required key 'preset' is missing"),
    ]
    assert problems_of(ladder("interest: eu_late_payment")) == [
        (
            4,
            "interest",
            (
                "expected a mapping like {preset: eu_late_payment}, got a string "
                "'eu_late_payment'"
            ),
        )
    ]


def test_custom_interest_needs_rate_and_basis():
    problems = problems_of(ladder("interest: {preset: custom}"))
    assert [(line, path) for line, path, _message in problems] == [
        (4, "interest.rate"),
        (4, "interest.basis"),
    ]
    assert "required key 'rate' is missing" in problems[0][2]
    assert "365, 360, actual" in problems[1][2]


def test_rate_and_basis_are_for_custom_only():
    assert problems_of(ladder("interest: {preset: fr, rate: 8}")) == [
        (
            4,
            "interest.rate",
            (
                "'rate' is for a custom interest only; preset 'fr' sets its own "
                "(leave 'rate' out, or use preset: custom)"
            ),
        )
    ]


def test_bad_rate_and_basis():
    interest = """\
        interest:
          preset: custom
          rate: high
          basis: 366
    """
    assert problems_of(ladder(interest)) == [
        (6, "interest.rate", "expected a number, got a string 'high'"),
        (7, "interest.basis", "expected one of: 365, 360, actual, got a string '366'"),
    ]
    assert problems_of(ladder("interest: {preset: custom, rate: 150, basis: 365}")) == [
        (4, "interest.rate", "expected a number from 0 to 100, got an integer 150")
    ]


# charge_interest -------------------------------------------------------------


def test_charge_interest_needs_the_interest_key():
    assert problems_of(ladder()) == [
        (
            8,
            "steps[0].actions[0].charge_interest",
            (
                "'charge_interest' charges the ladder's interest, and this ladder "
                "has no 'interest' key; add one, like "
                "'interest: {preset: eu_late_payment}'"
            ),
        )
    ]
    parsed = parse_ladder(ladder("interest: {preset: se}"))
    (action,) = parsed.steps[0].actions
    assert (action.kind, dict(action.params)) == ("charge_interest", {})


def test_charge_interest_with_a_bad_interest_key_reports_the_key_only():
    problems = problems_of(ladder("interest: {preset: nope}"))
    assert [path for _line, path, _message in problems] == ["interest.preset"]


def test_charge_interest_takes_no_parameters():
    problems = problems_of(
        ladder("interest: {preset: se}", "- charge_interest: {rate: 8}")
    )
    assert problems == [
        (
            9,
            "steps[0].actions[0].charge_interest.rate",
            "unknown key 'rate'; no keys are expected here",
        )
    ]


# fee -------------------------------------------------------------------------


def test_fee_preset_and_custom_fee_are_parsed():
    actions = """\
        - fee: {preset: se_reminder_fee}
        - fee: {amount: 60, currency: SEK, requires_agreement: true}
        - fee: {preset: eu_compensation, b2b_only: false}
    """
    step = parse_ladder(ladder(actions=actions)).steps[0]
    assert [dict(action.params) for action in step.actions] == [
        {"preset": "se_reminder_fee"},
        {"amount": 60.0, "currency": "SEK", "requires_agreement": True},
        {"preset": "eu_compensation", "b2b_only": False},
    ]
    # The event's snapshot of the step keeps the fee as written.
    snapshot = dump_step(step)
    assert dump_step(load_step(snapshot)) == snapshot
    assert [dict(a.params) for a in load_step(snapshot).actions] == [
        dict(a.params) for a in step.actions
    ]
    assert describe_action(step.actions[0]) == "Fee: Påminnelseavgift (60 SEK)"
    assert describe_action(step.actions[1]) == "Fee: 60.0 SEK, if agreed"


def test_unknown_fee_preset():
    assert problems_of(ladder(actions="- fee: {preset: eu_compensaton}")) == [
        (
            8,
            "steps[0].actions[0].fee.preset",
            (
                "expected one of: eu_compensation, fr_compensation, gr_compensation, "
                "se_reminder_fee, se_compensation, no_reminder_fee, "
                "no_compensation, got a string 'eu_compensaton'"
            ),
        )
    ]


def test_custom_fee_without_currency():
    assert problems_of(ladder(actions="- fee: {amount: 60}")) == [
        (
            8,
            "steps[0].actions[0].fee.currency",
            "required key 'currency' is missing (a custom fee says an ISO currency)",
        )
    ]


def test_custom_fee_with_a_bad_currency_or_amount():
    assert problems_of(ladder(actions="- fee: {amount: 60, currency: kr}")) == [
        (
            8,
            "steps[0].actions[0].fee.currency",
            (
                "expected an ISO 4217 currency code of 3 capital letters (like EUR or "
                "SEK), got a string 'kr'"
            ),
        )
    ]
    assert problems_of(ladder(actions="- fee: {amount: 0, currency: EUR}")) == [
        (
            8,
            "steps[0].actions[0].fee.amount",
            "expected a number from 0.01 to 1000000, got an integer 0",
        )
    ]


def test_fee_is_a_preset_or_an_amount_not_both_nor_neither():
    assert problems_of(
        ladder(actions="- fee: {preset: eu_compensation, amount: 5}")
    ) == [
        (
            8,
            "steps[0].actions[0].fee.amount",
            (
                "'amount' is for a custom fee; preset 'eu_compensation' sets its own "
                "amount and currency (leave out either the preset or the amount and "
                "currency)"
            ),
        )
    ]
    assert problems_of(ladder(actions="- fee: {}")) == [
        (
            8,
            "steps[0].actions[0].fee",
            (
                "expected a fee preset, like {preset: eu_compensation}, or a "
                "custom fee, like {amount: 60, currency: SEK}"
            ),
        )
    ]


def test_every_problem_is_reported_at_once():
    source = ladder(
        "interest: {preset: fr, basis: 360}",
        """\
        - fee: {amount: 60}
        - charge_interest: {}
        - fee: {preset: nope}
        """,
    )
    paths = [path for _line, path, _message in problems_of(source)]
    assert paths == [
        "interest.basis",
        "steps[0].actions[0].fee.currency",
        "steps[0].actions[2].fee.preset",
    ]


def test_the_charge_kinds_are_shipped_and_can_be_left_out():
    assert set(CHARGES_SCHEMAS) == {"fee", "charge_interest"}
    assert set(CHARGES_SCHEMAS) <= set(ACTION_SCHEMAS)
    problems = problems_of(
        ladder(actions="- fee: {preset: eu_compensation}"),
        action_kinds=FOUNDATION_SCHEMAS,
        kinds_installed=True,
    )
    assert problems[0][1] == "steps[0].actions[0].fee"
    assert "not installed" in problems[0][2]
