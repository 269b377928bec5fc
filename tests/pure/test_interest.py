"""Late-payment interest, hand-computed: facts in, amounts out (``ladder.interest``)."""

from datetime import date
from decimal import Decimal

import pytest
from ladder.interest import (
    INTEREST_PRESETS,
    InterestPreset,
    LadderInterest,
    MissingRate,
    RatePeriod,
    accrue_interest,
    half_years,
    missing_half_years,
    resolve_interest,
)

D = Decimal

ECB = [
    RatePeriod("ecb_mro", date(2023, 7, 1), D("4.00")),
    RatePeriod("ecb_mro", date(2024, 1, 1), D("4.50")),
    RatePeriod("ecb_mro", date(2024, 7, 1), D("4.25")),
]
NO = [RatePeriod("no_late_interest", date(2023, 1, 1), D("10.75"))]


def test_invoice_across_a_rate_change_with_two_partial_payments_paid_late():
    # EUR 1,000.00 due 31 May 2024; 400.00 paid on 15 June, 600.00 on 20 July.
    # EU preset: ECB rate on 1 January 2024 (4.50) / 1 July 2024 (4.25) + 8.
    #   1-15 June    15 days on 1000.00 at 12.50%: 1000 x 12.5% x 15/365 = 5.1369863
    #   16-30 June   15 days on  600.00 at 12.50%:  600 x 12.5% x 15/365 = 3.0821918
    #   1-20 July    20 days on  600.00 at 12.25%:  600 x 12.25% x 20/365 = 4.0273973
    #   total 12.2465753 -> 12.25
    residuals = [
        (date(2024, 5, 1), D("1000.00")),
        (date(2024, 6, 15), D("600.00")),
        (date(2024, 7, 20), D("0.00")),
    ]
    result = accrue_interest(
        residuals, date(2024, 5, 31), date(2024, 8, 31), ECB, "eu_late_payment", 2
    )
    assert result.amount == D("12.25")
    assert [
        (p.start, p.end, p.days, p.principal, p.annual_rate) for p in result.periods
    ] == [
        (date(2024, 6, 1), date(2024, 6, 15), 15, D("1000.00"), D("12.50")),
        (date(2024, 6, 16), date(2024, 6, 30), 15, D("600.00"), D("12.50")),
        (date(2024, 7, 1), date(2024, 7, 20), 20, D("600.00"), D("12.25")),
    ]
    assert result.days == 50  # 20 July - 31 May
    assert sum(p.amount for p in result.periods).quantize(D("0.0000001")) == D(
        "12.2465753"
    )
    assert (result.start, result.end) == (date(2024, 6, 1), date(2024, 7, 20))
    assert result.snapshot()["amount"] == "12.25"
    assert result.snapshot()["periods"][2]["annual_rate"] == "12.25"


def test_paid_ten_days_late_norway():
    # NOK 5,000 due 1 March 2023, paid 11 March: 10 days at 10.75% (the published
    # forsinkelsesrente, margin 0): 5000 x 10.75% x 10/365 = 14.7260 -> 14.73
    residuals = [(date(2023, 2, 1), D(5000)), (date(2023, 3, 11), D(0))]
    result = accrue_interest(
        residuals, date(2023, 3, 1), date(2023, 6, 30), NO, "no", 2
    )
    assert result.amount == D("14.73")
    assert result.days == 10
    assert result.periods[0].annual_rate == D("10.75")


def test_france_is_ecb_plus_ten():
    # EUR 10,000 due 31 December 2023, 31 days in January 2024 at 4.50 + 10:
    # 10000 x 14.5% x 31/365 = 123.1507 -> 123.15
    residuals = [(date(2023, 12, 1), D(10000))]
    result = accrue_interest(
        residuals, date(2023, 12, 31), date(2024, 1, 31), ECB, "fr", 2
    )
    assert result.amount == D("123.15")
    assert result.periods[0].annual_rate == D("14.50")


def test_paid_on_the_due_date_or_before_owes_nothing():
    for paid in (date(2024, 5, 20), date(2024, 5, 31)):
        residuals = [(date(2024, 5, 1), D(1000)), (paid, D(0))]
        result = accrue_interest(
            residuals, date(2024, 5, 31), date(2024, 8, 31), ECB, "eu_late_payment", 2
        )
        assert result.amount == D("0.00")
        assert result.periods == ()


def test_paid_the_day_after_the_due_date_owes_one_day():
    residuals = [(date(2024, 5, 1), D(3650)), (date(2024, 6, 1), D(0))]
    result = accrue_interest(
        residuals, date(2024, 5, 31), date(2024, 8, 31), [], D(10), 2
    )
    assert result.days == 1
    assert result.amount == D("1.00")  # 3650 x 10% / 365


def test_a_currency_with_no_decimals_rounds_half_up_once():
    # JPY 9,125 at a contract rate of 10% for 5 days: 9125 x 10% x 5/365 = 12.5
    # exactly: half up gives 13 (banker's rounding would give 12).
    terms = LadderInterest("custom", rate=D(10), basis="365")
    residuals = [(date(2024, 1, 1), D(9125))]
    result = accrue_interest(
        residuals, date(2024, 3, 31), date(2024, 4, 5), [], terms, 0
    )
    assert result.amount == D("13")
    assert result.amount.as_tuple().exponent == 0


def test_rounding_is_done_once_at_the_end_not_per_period():
    # 1 February on 20.00 at 10.95%: 20 x 10.95% / 365 = 0.006
    # 2 February on 19.00 at 10.95%: 19 x 10.95% / 365 = 0.0057
    # Rounded per period: 0.01 + 0.01 = 0.02; rounded once: 0.0117 -> 0.01.
    residuals = [
        (date(2024, 1, 1), D(20)),
        (date(2024, 2, 1), D(19)),
        (date(2024, 2, 2), D(0)),
    ]
    result = accrue_interest(
        residuals, date(2024, 1, 31), date(2024, 2, 10), [], D("10.95"), 2
    )
    assert [p.amount for p in result.periods] == [D("0.006"), D("0.0057")]
    assert result.amount == D("0.01")


def test_day_counts():
    residuals = [(date(2023, 1, 1), D(3600))]
    custom_360 = LadderInterest("custom", rate=D(10), basis="360")
    result = accrue_interest(
        residuals, date(2023, 3, 31), date(2023, 4, 1), [], custom_360, 2
    )
    assert result.amount == D("1.00")  # 3600 x 10% / 360
    actual = LadderInterest("custom", rate=D(10), basis="actual")
    # 2023: 365 days, 2024: 366 days; 31 December 2023 and 1 January 2024
    result = accrue_interest(
        [(date(2023, 1, 1), D(36600))],
        date(2023, 12, 30),
        date(2024, 1, 1),
        [],
        actual,
        4,
    )
    assert [(p.start, p.day_count) for p in result.periods] == [
        (date(2023, 12, 31), 365),
        (date(2024, 1, 1), 366),
    ]
    # 36600 x 10% / 365 + 36600 x 10% / 366 = 10.0274 + 10 = 20.0274
    assert result.amount == D("20.0274")


def test_from_date_starts_a_second_charge_after_the_last_charged_day():
    residuals = [(date(2024, 5, 1), D("1000.00"))]
    args = (date(2024, 5, 31), ECB, "eu_late_payment", 2)
    first = accrue_interest(residuals, args[0], date(2024, 6, 30), *args[1:])
    second = accrue_interest(
        residuals, args[0], date(2024, 7, 31), *args[1:], from_date=date(2024, 7, 1)
    )
    whole = accrue_interest(residuals, args[0], date(2024, 7, 31), *args[1:])
    assert first.amount == D("10.27")  # 1000 x 12.5% x 30/365 = 10.2740
    assert second.amount == D("10.40")  # 1000 x 12.25% x 31/365 = 10.4041
    assert whole.amount == D("20.68")  # 20.6781
    assert second.start == date(2024, 7, 1)
    # from_date before the day after the due date changes nothing
    early = accrue_interest(
        residuals, args[0], date(2024, 7, 31), *args[1:], from_date=date(2024, 1, 1)
    )
    assert early.amount == whole.amount


def test_a_half_year_without_a_rate_is_reported_never_guessed():
    rates = [r for r in ECB if r.date_from != date(2024, 7, 1)]
    residuals = [(date(2024, 5, 1), D(1000))]
    with pytest.raises(MissingRate) as caught:
        accrue_interest(
            residuals, date(2024, 5, 31), date(2024, 7, 2), rates, "eu_late_payment", 2
        )
    assert (caught.value.index, caught.value.half_year_start) == (
        "ecb_mro",
        date(2024, 7, 1),
    )
    assert "2024-07-01" in str(caught.value)
    assert "ecb_mro" in str(caught.value)
    # A period inside the known half-year is computed.
    inside = accrue_interest(
        residuals, date(2024, 5, 31), date(2024, 6, 30), rates, "eu_late_payment", 2
    )
    assert inside.amount == D("10.27")
    # Nothing owed in the half-year without a rate: no rate is needed.
    paid = [(date(2024, 5, 1), D(1000)), (date(2024, 6, 30), D(0))]
    done = accrue_interest(
        paid, date(2024, 5, 31), date(2024, 12, 31), rates, "eu_late_payment", 2
    )
    assert done.amount == D("10.27")
    # Rates of another index do not count.
    with pytest.raises(MissingRate):
        accrue_interest(residuals, date(2024, 5, 31), date(2024, 6, 1), NO, "gr", 2)


def test_missing_half_years():
    assert half_years(date(2023, 12, 31), date(2024, 7, 1)) == [
        date(2023, 7, 1),
        date(2024, 1, 1),
        date(2024, 7, 1),
    ]
    assert missing_half_years(ECB, "ecb_mro", date(2023, 1, 5), date(2025, 1, 1)) == [
        date(2023, 1, 1),
        date(2025, 1, 1),
    ]


def test_negative_residual_and_negative_rate_count_as_zero():
    residuals = [(date(2024, 1, 1), D(-500))]
    result = accrue_interest(
        residuals, date(2024, 1, 31), date(2024, 3, 1), [], D(8), 2
    )
    assert result.amount == D("0.00")
    riksbank = [RatePeriod("riksbank_ref", date(2017, 1, 1), D("-9.50"))]
    result = accrue_interest(
        [(date(2017, 1, 1), D(1000))],
        date(2017, 1, 31),
        date(2017, 3, 1),
        riksbank,
        "se",
        2,
    )
    assert result.amount == D("0.00")


def test_bad_input_is_refused_with_a_clear_error():
    with pytest.raises(TypeError, match="residual on 2024-01-01"):
        accrue_interest(
            [(date(2024, 1, 1), 100.5)],
            date(2024, 1, 31),
            date(2024, 3, 1),
            [],
            D(8),
            2,
        )
    with pytest.raises(ValueError, match="unknown interest preset 'xx'"):
        accrue_interest([], date(2024, 1, 31), date(2024, 3, 1), [], "xx", 2)
    with pytest.raises(ValueError, match="currency digits"):
        accrue_interest([], date(2024, 1, 31), date(2024, 3, 1), [], D(8), -1)
    with pytest.raises(ValueError, match="1 January or 1 July"):
        RatePeriod("ecb_mro", date(2024, 3, 1), D(4))
    with pytest.raises(ValueError, match="a custom interest needs its rate"):
        resolve_interest(LadderInterest("custom"))


def test_presets():
    assert set(INTEREST_PRESETS) == {"eu_late_payment", "fr", "gr", "se", "no"}
    assert {code: (p.index, p.margin) for code, p in INTEREST_PRESETS.items()} == {
        "eu_late_payment": ("ecb_mro", D(8)),
        "fr": ("ecb_mro", D(10)),
        "gr": ("ecb_mro", D(8)),
        "se": ("riksbank_ref", D(8)),
        "no": ("no_late_interest", D(0)),
    }
    assert all(p.legal_reference for p in INTEREST_PRESETS.values())
    assert INTEREST_PRESETS["eu_late_payment"].b2b_only
    assert not INTEREST_PRESETS["se"].b2b_only
    custom = resolve_interest(LadderInterest("custom", rate=D("9.5"), basis="360"))
    assert isinstance(custom, InterestPreset)
    assert (custom.index, custom.margin, custom.day_count) == (None, D("9.5"), "360")
    assert custom.describe_rate() == "9.5% a year"
    assert INTEREST_PRESETS["fr"].describe_rate() == (
        "ECB main refinancing operations rate + 10 points"
    )
    # A ladder's explicit b2b_only overrides the preset's.
    assert LadderInterest("eu_late_payment", b2b_only=False).applies_to_consumers
    assert not LadderInterest("eu_late_payment").applies_to_consumers
    assert LadderInterest("se").applies_to_consumers
