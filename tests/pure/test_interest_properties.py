"""accrue_interest() over random invoices, payments and rates: the properties that
must hold whatever the figures."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from ladder.interest import (
    InterestPreset,
    RatePeriod,
    accrue_interest,
    half_years,
)

PROPERTIES = settings(max_examples=200, deadline=None)
ONE_DAY = timedelta(days=1)
START = date(2022, 1, 1)
END = date(2029, 12, 31)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000000), places=2)
rates = st.decimals(min_value=Decimal(-1), max_value=Decimal(20), places=2)
digits = st.sampled_from([0, 2, 3])
presets = st.sampled_from(
    [
        InterestPreset("eu", "ecb_mro", Decimal(8)),
        InterestPreset("no", "no_late_interest", Decimal(0)),
        InterestPreset("custom", None, Decimal("9.5"), day_count="360"),
        InterestPreset("actual", "ecb_mro", Decimal(8), day_count="actual"),
    ]
)


@st.composite
def reference_rates(draw):
    result = []
    for half in half_years(START, END):
        for index in ("ecb_mro", "no_late_interest"):
            result.append(RatePeriod(index, half, draw(rates)))
    return result


@st.composite
def invoices(draw):
    """(residual timeline, due date): the amount owed, then partial payments."""
    due = draw(st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31)))
    amount = draw(amounts)
    timeline = [(due - timedelta(days=30), amount)]
    residual = amount
    day = due - timedelta(days=draw(st.integers(0, 20)))
    for _ in range(draw(st.integers(0, 4))):
        day += timedelta(days=draw(st.integers(1, 120)))
        paid = draw(st.decimals(min_value=Decimal(0), max_value=residual, places=2))
        residual -= paid
        timeline.append((day, residual))
    return timeline, due


@PROPERTIES
@given(
    invoices(),
    reference_rates(),
    presets,
    digits,
    st.integers(0, 400),
    st.integers(0, 400),
)
def test_monotone_in_days_and_never_negative(invoice, rates, preset, places, a, b):
    timeline, due = invoice
    shorter, longer = sorted((a, b))
    first = accrue_interest(
        timeline, due, due + timedelta(days=shorter), rates, preset, places
    )
    second = accrue_interest(
        timeline, due, due + timedelta(days=longer), rates, preset, places
    )
    assert Decimal(0) <= first.amount <= second.amount
    assert first.amount.as_tuple().exponent == -places
    assert all(period.amount >= 0 and period.days > 0 for period in second.periods)


@PROPERTIES
@given(
    invoices(),
    st.decimals(min_value=Decimal(0), max_value=Decimal(30), places=3),
    st.decimals(min_value=Decimal(0), max_value=Decimal(30), places=3),
    st.integers(1, 700),
)
def test_monotone_in_rate(invoice, rate_a, rate_b, days):
    timeline, due = invoice
    low, high = sorted((rate_a, rate_b))
    until = due + timedelta(days=days)
    assert (
        accrue_interest(timeline, due, until, [], low, 2).amount
        <= accrue_interest(timeline, due, until, [], high, 2).amount
    )


@PROPERTIES
@given(
    amounts,
    st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31)),
    st.integers(0, 60),
    reference_rates(),
    presets,
    st.integers(0, 900),
)
def test_zero_when_paid_on_time(amount, due, early, rates, preset, days):
    paid = due - timedelta(days=early)
    timeline = [(due - timedelta(days=90), amount), (paid, Decimal(0))]
    result = accrue_interest(
        timeline, due, due + timedelta(days=days), rates, preset, 2
    )
    assert result.amount == 0
    assert result.periods == ()


@PROPERTIES
@given(invoices(), reference_rates(), presets, digits, st.integers(2, 900), st.data())
def test_splitting_at_any_day_gives_the_same_total_within_one_unit(
    invoice, rates, preset, places, days, data
):
    timeline, due = invoice
    until = due + timedelta(days=days)
    cut = due + timedelta(days=data.draw(st.integers(1, days - 1)))
    whole = accrue_interest(timeline, due, until, rates, preset, places)
    first = accrue_interest(timeline, due, cut, rates, preset, places)
    second = accrue_interest(
        timeline, due, until, rates, preset, places, from_date=cut + ONE_DAY
    )
    unit = Decimal(1).scaleb(-places)
    assert abs(first.amount + second.amount - whole.amount) <= unit
    # The periods of the two charges, exact, add up to the whole's exactly
    # (up to the 40 digits of the arithmetic).
    exact = sum(p.amount for p in first.periods) + sum(p.amount for p in second.periods)
    assert abs(exact - sum(p.amount for p in whole.periods)) < Decimal("1e-20")
    assert whole.days == first.days + second.days
