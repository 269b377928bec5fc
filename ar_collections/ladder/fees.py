"""Recovery fees: statutory presets and the rule that says whether one is due.

Pure (stdlib only): ``fee_decision(preset_or_params, facts)`` says whether a step's
``fee`` action charges its fee to one invoice, and why not when it does not
(a consumer and a B2B fee, a fee that needs an agreement there is not, the cap
reached, too early, already charged once for this invoice).

Amounts are ``Decimal`` in the preset's currency; converting to the invoice's
currency (the EUR 40 of the directive charged on a NOK invoice) is Odoo's job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType

__all__ = [
    "FEE_PRESETS",
    "FEE_REASONS",
    "FeeDecision",
    "FeeFacts",
    "FeePreset",
    "fee_decision",
    "fee_from_params",
]

CURRENCY_PATTERN = re.compile(r"[A-Z]{3}")

FEE_REASONS = (
    "charge",  # the fee is charged
    "consumer",  # a B2B fee and the customer is an individual
    "not_agreed",  # the fee needs an agreement made when the debt arose
    "too_early",  # fewer days since the due date than the law requires
    "already_charged",  # charged once for this invoice already (once per invoice)
    "cap_reached",  # charged as many times as the law allows for this claim
)


@dataclass(frozen=True)
class FeePreset:
    """A recovery fee: ``amount`` in ``currency`` (ISO code); ``b2b_only``: only
    businesses owe it; ``requires_agreement``: only when agreed when the debt
    arose; ``once_per_invoice``: however many reminders; ``max_per_claim``: at
    most that many times for one invoice (None: no cap); ``min_days_after_due``:
    not before that many days after the due date."""

    code: str
    amount: Decimal
    currency: str
    legal_reference: str = ""
    b2b_only: bool = False
    requires_agreement: bool = False
    once_per_invoice: bool = False
    max_per_claim: int | None = None
    min_days_after_due: int = 0
    label: str = ""

    def __post_init__(self):
        if isinstance(self.amount, bool) or not isinstance(
            self.amount, Decimal | int | str
        ):
            raise TypeError(f"fee {self.code}: expected a Decimal amount")
        object.__setattr__(self, "amount", Decimal(self.amount))
        if not self.amount.is_finite() or self.amount <= 0:
            raise ValueError(f"fee {self.code}: the amount must be above zero")
        if not isinstance(self.currency, str) or not CURRENCY_PATTERN.fullmatch(
            self.currency
        ):
            raise ValueError(
                f"fee {self.code}: expected an ISO currency code, got {self.currency!r}"
            )

    @property
    def limit(self) -> int | None:
        """How many times the fee may be charged for one invoice (None: no cap)."""
        if self.once_per_invoice:
            return 1 if self.max_per_claim is None else min(1, self.max_per_claim)
        return self.max_per_claim


FEE_PRESETS: Mapping[str, FeePreset] = MappingProxyType(
    {
        preset.code: preset
        for preset in (
            FeePreset(
                "eu_compensation",
                Decimal(40),
                "EUR",
                legal_reference="Directive 2011/7/EU, art. 6",
                b2b_only=True,
                once_per_invoice=True,
                label="Compensation for recovery costs",
            ),
            FeePreset(
                "fr_compensation",
                Decimal(40),
                "EUR",
                legal_reference="Code de commerce, art. L441-10 and D441-5",
                b2b_only=True,
                once_per_invoice=True,
                label="Indemnité forfaitaire pour frais de recouvrement",
            ),
            FeePreset(
                "gr_compensation",
                Decimal(40),
                "EUR",
                legal_reference="Law 4152/2013 (Greece), subparagraph Z.5",
                b2b_only=True,
                once_per_invoice=True,
                label="Compensation for recovery costs",
            ),
            FeePreset(
                # Lag (1981:739) 2 §: only if agreed when the debt arose; 4 §
                # (SFS 2013:56): at most 60 kronor (riksdagen.se, checked).
                "se_reminder_fee",
                Decimal(60),
                "SEK",
                legal_reference=(
                    "Lag (1981:739) om ersättning för inkassokostnader m.m., "
                    "2 § and 4 §"
                ),
                requires_agreement=True,
                label="Påminnelseavgift",
            ),
            FeePreset(
                # 4 a § (SFS 2013:56): between businesses, with the right to
                # dröjsmålsränta; 450 kronor (riksdagen.se).
                "se_compensation",
                Decimal(450),
                "SEK",
                legal_reference=(
                    "Lag (1981:739) om ersättning för inkassokostnader m.m., 4 a §"
                ),
                b2b_only=True,
                once_per_invoice=True,
                label="Förseningsersättning",
            ),
            FeePreset(
                # Inkassoforskriften § 1-1 (since 1 October 2020): 35 kroner,
                # at most twice per claim, not before 14 days after the due date.
                # 35 kroner is the figure published for 2024 and 2025 (Kredinor,
                # Kreditorforeningen); the 2026 figure was not verified.
                "no_reminder_fee",
                Decimal(35),
                "NOK",
                legal_reference="Inkassoloven § 10, inkassoforskriften § 1-1",
                max_per_claim=2,
                min_days_after_due=14,
                label="Purregebyr",
            ),
            FeePreset(
                # § 3a: compensation "tilsvarende 40 euro", fixed in kroner each
                # half-year by regulation: 470 kroner in 2024 and H1 2025
                # (regjeringen.no, lovdata FOR-2024-12-19-3279), 460 kroner
                # from 1 January 2026 (Kreditorforeningen, not the official text).
                "no_compensation",
                Decimal(460),
                "NOK",
                legal_reference=(
                    "Forsinkelsesrenteloven § 3a; forskrift om forsinkelsesrente "
                    "og kompensasjon for inndrivelseskostnader"
                ),
                b2b_only=True,
                once_per_invoice=True,
                label="Standardkompensasjon",
            ),
        )
    }
)
"""The statutory fees (figures and sources: README, "Late-payment interest and
fees")."""


@dataclass(frozen=True)
class FeeFacts:
    """What the rule needs about one invoice: its due date and the day of the
    decision, whether the customer is a company (False: an individual), whether
    the fee was agreed when the debt arose, and how many times this fee (the same
    preset, or the same custom fee) was already charged for this invoice."""

    due_date: date
    today: date
    is_company: bool = True
    agreed: bool = False
    already_charged: int = 0


@dataclass(frozen=True)
class FeeDecision:
    """``charge``: the fee is charged (``amount`` in ``currency``); ``reason``: one
    of ``FEE_REASONS``; ``message``: the same, in English, for logs and tests."""

    charge: bool
    reason: str
    fee: FeePreset
    message: str

    @property
    def amount(self) -> Decimal | None:
        return self.fee.amount if self.charge else None

    @property
    def currency(self) -> str:
        return self.fee.currency


def fee_from_params(params: Mapping | FeePreset | str) -> FeePreset:
    """The fee a ``fee`` action's parameters say: ``{preset: <code>}`` (with an
    optional ``b2b_only`` / ``requires_agreement`` that overrides the preset's),
    or ``{amount, currency, requires_agreement, b2b_only}`` (a custom fee, charged
    at every step that has it, to companies and individuals unless
    ``b2b_only: true``)."""
    if isinstance(params, FeePreset):
        return params
    if isinstance(params, str):
        params = {"preset": params}
    code = params.get("preset")
    if code is not None:
        try:
            preset = FEE_PRESETS[code]
        except KeyError:
            raise ValueError(
                f"unknown fee preset {code!r}; expected one of: "
                + ", ".join(FEE_PRESETS)
            ) from None
        changes = {
            name: bool(params[name])
            for name in ("b2b_only", "requires_agreement")
            if params.get(name) is not None
        }
        if params.get("label"):
            changes["label"] = params["label"]
        if not changes:
            return preset
        return replace(preset, **changes)
    amount = params.get("amount")
    if amount is None or params.get("currency") is None:
        raise ValueError("a custom fee needs its amount and its currency")
    if isinstance(amount, float):
        amount = Decimal(repr(amount))
    return FeePreset(
        "custom",
        Decimal(amount),
        params["currency"],
        b2b_only=bool(params.get("b2b_only") or False),
        requires_agreement=bool(params.get("requires_agreement") or False),
        label=params.get("label") or "Fee",
    )


def fee_decision(preset_or_params: Mapping | FeePreset | str, facts: FeeFacts):
    """Whether the fee is charged to the invoice of ``facts``, and why not."""
    fee = fee_from_params(preset_or_params)
    if fee.b2b_only and not facts.is_company:
        return FeeDecision(
            False,
            "consumer",
            fee,
            f"{fee.code}: only businesses owe this fee, and the customer is an "
            "individual",
        )
    if fee.requires_agreement and not facts.agreed:
        return FeeDecision(
            False,
            "not_agreed",
            fee,
            f"{fee.code}: this fee is due only when it was agreed when the debt "
            "arose, and it was not",
        )
    late = (facts.today - facts.due_date).days
    if late < fee.min_days_after_due:
        return FeeDecision(
            False,
            "too_early",
            fee,
            f"{fee.code}: not before {fee.min_days_after_due} days after the due "
            f"date; {max(late, 0)} days have passed",
        )
    if late <= 0:
        return FeeDecision(
            False,
            "too_early",
            fee,
            f"{fee.code}: the invoice is not overdue",
        )
    limit = fee.limit
    if limit is not None and facts.already_charged >= limit:
        if fee.once_per_invoice:
            return FeeDecision(
                False,
                "already_charged",
                fee,
                f"{fee.code}: charged once per invoice, and already charged",
            )
        return FeeDecision(
            False,
            "cap_reached",
            fee,
            f"{fee.code}: at most {limit} times per claim; charged "
            f"{facts.already_charged} times already",
        )
    return FeeDecision(
        True,
        "charge",
        fee,
        f"{fee.code}: {fee.amount} {fee.currency} ({fee.legal_reference or 'fee'})",
    )
