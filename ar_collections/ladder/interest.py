"""Late-payment interest: statutory presets and the exact day-by-day arithmetic.

Pure (stdlib only), ``Decimal`` throughout, never float sums:

- ``INTEREST_PRESETS``: the statutory rules (reference index + margin, day count,
  legal reference, whether only businesses owe it);
- ``accrue_interest(residuals, due_date, until, rates, preset_or_rate, digits)``:
  the interest one invoice has accrued, day by day on the residual actually
  outstanding, split where the residual or the rate changes, rounded once at the
  end (``ROUND_HALF_UP`` to the currency's digits);
- ``MissingRate``: raised when a half-year the computation needs has no reference
  rate; the function never guesses a rate.

Conventions (the same for every preset):

- interest runs from the day after the due date (or ``from_date``, the first day
  not charged yet) to ``until`` included;
- the interest of day ``d`` is on the residual outstanding at the start of ``d``:
  a payment made on day ``d`` lowers the residual from ``d + 1``, so an invoice
  paid ``n`` days after its due date owes ``n`` days of interest, and one paid on
  its due date owes nothing;
- the annual rate of day ``d`` is the reference rate in force on the 1 January or
  1 July that starts ``d``'s half-year, plus the preset's margin (the rule of
  Directive 2011/7/EU art. 2(6), C. com. L441-10, law 4152/2013, räntelagen 9 §;
  Norway publishes its rate per half-year likewise). A reference rate is given as
  a ``RatePeriod`` dated on the first day of its half-year;
- a day's interest is ``residual * annual rate / 100 / days in the year`` with
  ``365`` (every statutory preset), ``360`` or ``actual`` (365 or 366, the
  calendar year of the day) days in the year; a negative annual rate counts as 0.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

__all__ = [
    "DAY_COUNTS",
    "INDEXES",
    "INTEREST_PRESETS",
    "InterestComputation",
    "InterestPeriod",
    "InterestPreset",
    "LadderInterest",
    "MissingRate",
    "RatePeriod",
    "accrue_interest",
    "half_year_start",
    "half_years",
    "missing_half_years",
    "resolve_interest",
]

INDEXES = {
    "ecb_mro": "ECB main refinancing operations rate",
    "riksbank_ref": "Riksbank reference rate (referensränta)",
    "no_late_interest": "Norway's late-payment interest rate (forsinkelsesrente)",
}
"""The reference indexes (codes shared with ``ar.reference.rate.index``)."""

DAY_COUNTS = ("365", "360", "actual")
"""Days in the year a day's interest divides by (``actual``: 365 or 366)."""

_CONTEXT = decimal.Context(prec=40, rounding=ROUND_HALF_UP)


def _decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"{what}: expected a Decimal, an int or text, got {value!r}")
    try:
        result = Decimal(value)
    except decimal.InvalidOperation:
        raise ValueError(f"{what}: {value!r} is not a number") from None
    if not result.is_finite():
        raise ValueError(f"{what}: {value!r} is not a finite number")
    return result


@dataclass(frozen=True)
class RatePeriod:
    """A reference rate (percent a year) in force from ``date_from`` (1 January or
    1 July) for its half-year."""

    index: str
    date_from: date
    rate: Decimal

    def __post_init__(self):
        object.__setattr__(self, "rate", _decimal(self.rate, "rate"))
        if (self.date_from.month, self.date_from.day) not in ((1, 1), (7, 1)):
            raise ValueError(
                f"reference rate {self.index} from {self.date_from.isoformat()}: "
                "a reference rate applies from 1 January or 1 July"
            )


@dataclass(frozen=True)
class InterestPreset:
    """A rule for late-payment interest: ``index`` (a key of ``INDEXES``; None for
    a fixed rate) + ``margin`` percentage points (for a fixed rate: the rate),
    divided over ``day_count`` days a year; ``b2b_only``: the law gives it only
    against businesses."""

    code: str
    index: str | None
    margin: Decimal
    day_count: str = "365"
    legal_reference: str = ""
    b2b_only: bool = False
    label: str = ""

    def __post_init__(self):
        object.__setattr__(self, "margin", _decimal(self.margin, "margin"))
        if self.index is not None and self.index not in INDEXES:
            raise ValueError(f"unknown reference index {self.index!r}")
        if self.day_count not in DAY_COUNTS:
            raise ValueError(
                f"unknown day count {self.day_count!r}; expected one of "
                + ", ".join(DAY_COUNTS)
            )

    def describe_rate(self) -> str:
        """``ECB main refinancing operations rate + 8 points`` or ``8.5%``."""
        if self.index is None:
            return f"{self.margin.normalize():f}% a year"
        margin = f" + {self.margin.normalize():f} points" if self.margin else ""
        return f"{INDEXES[self.index]}{margin}"


INTEREST_PRESETS: Mapping[str, InterestPreset] = MappingProxyType(
    {
        preset.code: preset
        for preset in (
            InterestPreset(
                "eu_late_payment",
                "ecb_mro",
                Decimal(8),
                legal_reference="Directive 2011/7/EU, art. 2(6) and (7), art. 3",
                b2b_only=True,
                label="EU Late Payment Directive",
            ),
            InterestPreset(
                "fr",
                "ecb_mro",
                Decimal(10),
                legal_reference="Code de commerce, art. L441-10",
                b2b_only=True,
                label="France",
            ),
            InterestPreset(
                "gr",
                "ecb_mro",
                Decimal(8),
                legal_reference="Law 4152/2013 (Greece), subparagraph Z.5",
                b2b_only=True,
                label="Greece",
            ),
            InterestPreset(
                "se",
                "riksbank_ref",
                Decimal(8),
                legal_reference="Räntelag (1975:635), 6 § and 9 §",
                b2b_only=False,
                label="Sweden",
            ),
            InterestPreset(
                # The published rate already includes the margin (policy rate
                # on 1 January / 1 July + 8 points).
                "no",
                "no_late_interest",
                Decimal(0),
                legal_reference="Forsinkelsesrenteloven (LOV-1976-12-17-100), § 3",
                b2b_only=False,
                label="Norway",
            ),
        )
    }
)
"""The statutory presets (``custom`` is built from the ladder: ``resolve_interest``)."""


@dataclass(frozen=True)
class LadderInterest:
    """The ladder's ``interest:`` key as parsed: a preset code, or ``custom`` with
    its fixed ``rate`` (percent a year) and ``basis`` (a ``DAY_COUNTS`` value);
    ``b2b_only`` None: the preset's own rule."""

    preset: str
    rate: Decimal | None = None
    basis: str | None = None
    b2b_only: bool | None = None
    line: int | None = field(default=None, compare=False)

    def resolve(self) -> InterestPreset:
        return resolve_interest(self)

    @property
    def applies_to_consumers(self) -> bool:
        """Whether individuals (not companies) are charged this interest."""
        if self.b2b_only is not None:
            return not self.b2b_only
        return not self.resolve().b2b_only


def resolve_interest(value: object) -> InterestPreset:
    """An ``InterestPreset`` from a preset, a preset code, a ``LadderInterest`` or a
    fixed rate (percent a year, 365 days)."""
    if isinstance(value, InterestPreset):
        return value
    if isinstance(value, LadderInterest):
        if value.preset == "custom":
            if value.rate is None:
                raise ValueError("a custom interest needs its rate")
            return InterestPreset(
                "custom",
                None,
                value.rate,
                day_count=value.basis or "365",
                legal_reference="",
                b2b_only=bool(value.b2b_only),
                label="Contract rate",
            )
        preset = resolve_interest(value.preset)
        if value.b2b_only is not None and value.b2b_only != preset.b2b_only:
            preset = replace(preset, b2b_only=value.b2b_only)
        return preset
    if isinstance(value, str):
        try:
            return INTEREST_PRESETS[value]
        except KeyError:
            raise ValueError(
                f"unknown interest preset {value!r}; expected one of: "
                + ", ".join([*INTEREST_PRESETS, "custom"])
            ) from None
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return InterestPreset("custom", None, Decimal(value), label="Contract rate")
    raise TypeError(f"expected an interest preset or a rate, got {value!r}")


class MissingRate(LookupError):
    """No reference rate for ``index`` in the half-year starting ``half_year_start``."""

    def __init__(self, index: str, half_year_start: date):
        self.index = index
        self.half_year_start = half_year_start
        super().__init__(index, half_year_start)

    def __str__(self) -> str:
        return (
            f"no {INDEXES.get(self.index, self.index)} ({self.index}) for the "
            f"half-year from {self.half_year_start.isoformat()}; add it to the "
            "reference rates"
        )


@dataclass(frozen=True)
class InterestPeriod:
    """Days ``start`` to ``end`` (both included) on the same ``principal`` at the
    same ``annual_rate`` (percent): ``amount`` is exact (not rounded)."""

    start: date
    end: date
    days: int
    principal: Decimal
    annual_rate: Decimal
    amount: Decimal
    day_count: int = 365


@dataclass(frozen=True)
class InterestComputation:
    """The interest accrued (``amount``, rounded to the currency) and how: the
    periods, the preset, the first and last day counted (None when none was)."""

    amount: Decimal
    periods: tuple[InterestPeriod, ...] = ()
    preset: InterestPreset | None = None
    start: date | None = None
    end: date | None = None

    @property
    def days(self) -> int:
        return sum(period.days for period in self.periods)

    def snapshot(self) -> dict:
        """Plain data (text and numbers as text) for an event's snapshot."""
        preset = self.preset
        return {
            "amount": str(self.amount),
            "preset": preset.code if preset else None,
            "rate": preset.describe_rate() if preset else None,
            "legal_reference": preset.legal_reference if preset else None,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "periods": [
                {
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                    "days": period.days,
                    "principal": str(period.principal),
                    "annual_rate": str(period.annual_rate),
                    "day_count": period.day_count,
                    "amount": str(period.amount),
                }
                for period in self.periods
            ],
        }


def half_year_start(day: date) -> date:
    """The 1 January or 1 July that starts ``day``'s half-year."""
    return date(day.year, 1 if day.month < 7 else 7, 1)


def half_years(start: date, end: date) -> list[date]:
    """The starts of the half-years that days ``start``..``end`` touch."""
    result = []
    current = half_year_start(start)
    while current <= end:
        result.append(current)
        current = (
            date(current.year, 7, 1)
            if current.month == 1
            else date(current.year + 1, 1, 1)
        )
    return result


def missing_half_years(
    rates: Iterable[RatePeriod], index: str, start: date, end: date
) -> list[date]:
    """The half-years from ``start`` to ``end`` with no rate of ``index``."""
    known = {rate.date_from for rate in rates if rate.index == index}
    return [half for half in half_years(start, end) if half not in known]


def accrue_interest(
    residuals: Sequence[tuple[date, Decimal]],
    due_date: date,
    until: date,
    rates: Iterable[RatePeriod],
    preset_or_rate: object,
    currency_digits: int,
    *,
    from_date: date | None = None,
) -> InterestComputation:
    """The interest an invoice has accrued from the day after ``due_date`` (or
    from ``from_date``, when later) to ``until`` included.

    ``residuals``: the residual timeline, ``(date, residual)`` pairs: from that
    date on, after that day's payments, the invoice's residual is that amount;
    the first pair is the amount before any payment (date at or before the due
    date). Amounts are ``Decimal`` or ``int`` (a ``float`` is refused). Pairs with
    the same date: the last counts. A residual below zero counts as zero.

    ``rates``: the reference rates (other indexes are ignored); ``MissingRate``
    when a half-year with something owed has none. ``preset_or_rate``: see
    ``resolve_interest``. ``currency_digits``: decimal places of the currency
    (0 for JPY, 2 for EUR).
    """
    preset = resolve_interest(preset_or_rate)
    if not isinstance(currency_digits, int) or currency_digits < 0:
        raise ValueError(f"currency digits must be 0 or more, got {currency_digits!r}")
    timeline = _timeline(residuals)
    first = due_date + timedelta(days=1)
    if from_date is not None and from_date > first:
        first = from_date
    if first > until or not timeline:
        return InterestComputation(_round(Decimal(0), currency_digits), (), preset)
    rate_by_half = _rates_by_half_year(rates, preset)

    # Boundaries where principal or rate may change: half-year starts, the days
    # after a residual change, 1 January (actual day count).
    cuts = set()
    for half in half_years(first, until):
        cuts.add(half)
    for changed, _amount in timeline:
        cuts.add(changed + timedelta(days=1))
    cuts = sorted(cut for cut in cuts if first < cut <= until)

    periods: list[InterestPeriod] = []
    total = Decimal(0)
    start = first
    for end_exclusive in [*cuts, until + timedelta(days=1)]:
        if end_exclusive <= start:
            continue
        principal = _residual_at_start_of(timeline, start)
        if principal <= 0:  # nothing owed: no rate needed
            start = end_exclusive
            continue
        annual = _annual_rate(preset, rate_by_half, start)
        days = (end_exclusive - start).days
        day_count = _day_count(preset.day_count, start)
        if annual > 0:
            amount = _CONTEXT.divide(
                _CONTEXT.multiply(_CONTEXT.multiply(principal, annual), days),
                Decimal(100 * day_count),
            )
            total = _CONTEXT.add(total, amount)
            end = end_exclusive - timedelta(days=1)
            if (
                periods
                and periods[-1].end + timedelta(days=1) == start
                and periods[-1].principal == principal
                and periods[-1].annual_rate == annual
                and periods[-1].day_count == day_count
            ):
                last = periods.pop()
                start_merged = last.start
                days += last.days
                amount = _CONTEXT.add(amount, last.amount)
            else:
                start_merged = start
            periods.append(
                InterestPeriod(
                    start_merged, end, days, principal, annual, amount, day_count
                )
            )
        start = end_exclusive
    return InterestComputation(
        _round(total, currency_digits),
        tuple(periods),
        preset,
        periods[0].start if periods else None,
        periods[-1].end if periods else None,
    )


def _round(amount: Decimal, digits: int) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _timeline(residuals) -> list[tuple[date, Decimal]]:
    by_date: dict[date, Decimal] = {}
    for item in residuals:
        changed, amount = item
        if not isinstance(changed, date):
            raise TypeError(f"residual timeline: expected a date, got {changed!r}")
        by_date[changed] = _decimal(amount, f"residual on {changed.isoformat()}")
    return sorted(by_date.items())


def _residual_at_start_of(timeline, day: date) -> Decimal:
    """The residual after the last change before ``day``; before the first change,
    the first pair's amount (what is owed from the start)."""
    residual = timeline[0][1]
    for changed, amount in timeline:
        if changed >= day:
            break
        residual = amount
    return max(residual, Decimal(0))


def _rates_by_half_year(rates, preset) -> dict[date, Decimal]:
    if preset.index is None:
        return {}
    return {rate.date_from: rate.rate for rate in rates if rate.index == preset.index}


def _annual_rate(preset, rate_by_half, day) -> Decimal:
    """The annual rate of ``day``; ``MissingRate`` when its half-year has none."""
    if preset.index is None:
        annual = preset.margin
    else:
        half = half_year_start(day)
        if half not in rate_by_half:
            raise MissingRate(preset.index, half)
        annual = rate_by_half[half] + preset.margin
    return max(annual, Decimal(0))


def _day_count(day_count: str, day: date) -> int:
    if day_count == "actual":
        return 366 if _is_leap(day.year) else 365
    return int(day_count)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
