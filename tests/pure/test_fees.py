"""Recovery fees: whether a step's ``fee`` action charges, and why not."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from ladder.fees import (
    FEE_PRESETS,
    FEE_REASONS,
    FeeFacts,
    FeePreset,
    fee_decision,
    fee_from_params,
)

DUE = date(2026, 3, 1)


def facts(days_late=30, **values):
    return FeeFacts(due_date=DUE, today=DUE + timedelta(days=days_late), **values)


def test_eu_compensation_once_per_invoice_without_a_reminder():
    first = fee_decision({"preset": "eu_compensation"}, facts(days_late=1))
    assert (first.charge, first.reason) == (True, "charge")
    assert (first.amount, first.currency) == (Decimal(40), "EUR")
    assert "Directive 2011/7/EU, art. 6" in first.message
    again = fee_decision("eu_compensation", facts(already_charged=1))
    assert (again.charge, again.reason, again.amount) == (
        False,
        "already_charged",
        None,
    )


def test_a_consumer_is_not_charged_a_b2b_compensation():
    for code in ("eu_compensation", "fr_compensation", "gr_compensation"):
        decision = fee_decision(code, facts(is_company=False))
        assert (decision.charge, decision.reason) == (False, "consumer")
        assert "individual" in decision.message
    se = fee_decision("se_compensation", facts(is_company=False))
    assert se.reason == "consumer"
    no = fee_decision("no_compensation", facts(is_company=False))
    assert no.reason == "consumer"
    # ... unless the ladder says so explicitly.
    explicit = fee_decision(
        {"preset": "eu_compensation", "b2b_only": False}, facts(is_company=False)
    )
    assert (explicit.charge, explicit.amount) == (True, Decimal(40))


def test_swedish_reminder_fee_not_agreed_no_fee():
    decision = fee_decision("se_reminder_fee", facts(agreed=False))
    assert (decision.charge, decision.reason) == (False, "not_agreed")
    agreed = fee_decision("se_reminder_fee", facts(agreed=True, is_company=False))
    assert (agreed.charge, agreed.amount, agreed.currency) == (
        True,
        Decimal(60),
        "SEK",
    )
    # The reminder fee is not a B2B-only fee: an agreed consumer pays it, and it
    # may be charged at each reminder.
    assert fee_decision("se_reminder_fee", facts(agreed=True, already_charged=3)).charge


def test_norway_reminder_fee_cap_reached():
    fee = FEE_PRESETS["no_reminder_fee"]
    assert (fee.amount, fee.currency, fee.max_per_claim) == (Decimal(35), "NOK", 2)
    assert fee_decision(fee, facts(already_charged=0)).charge
    assert fee_decision(fee, facts(already_charged=1)).charge
    capped = fee_decision(fee, facts(already_charged=2))
    assert (capped.charge, capped.reason) == (False, "cap_reached")
    assert "at most 2 times per claim" in capped.message
    # Individuals pay it too (inkassoloven is not B2B-only).
    assert fee_decision(fee, facts(is_company=False)).charge


def test_norway_reminder_fee_only_once_14_days_have_passed():
    early = fee_decision("no_reminder_fee", facts(days_late=13))
    assert (early.charge, early.reason) == (False, "too_early")
    assert "14 days" in early.message
    assert fee_decision("no_reminder_fee", facts(days_late=14)).charge


def test_no_fee_on_an_invoice_that_is_not_overdue():
    for days in (0, -5):
        decision = fee_decision("eu_compensation", facts(days_late=days))
        assert (decision.charge, decision.reason) == (False, "too_early")


def test_custom_fee():
    fee = fee_from_params(
        {"amount": 60.0, "currency": "SEK", "requires_agreement": True}
    )
    assert (fee.code, fee.amount, fee.currency) == ("custom", Decimal("60.0"), "SEK")
    assert fee.requires_agreement and not fee.b2b_only and fee.limit is None
    assert fee_decision(fee, facts(agreed=False)).reason == "not_agreed"
    assert fee_decision(fee, facts(agreed=True, is_company=False)).charge
    # A float amount keeps its written digits (no binary noise).
    assert fee_from_params({"amount": 12.3, "currency": "EUR"}).amount == Decimal(
        "12.3"
    )
    b2b = fee_from_params({"amount": 25, "currency": "EUR", "b2b_only": True})
    assert fee_decision(b2b, facts(is_company=False)).reason == "consumer"


def test_bad_fee_parameters_are_refused():
    with pytest.raises(ValueError, match="unknown fee preset 'eu_compensaton'"):
        fee_from_params({"preset": "eu_compensaton"})
    with pytest.raises(ValueError, match="amount and its currency"):
        fee_from_params({"amount": 10})
    with pytest.raises(ValueError, match="ISO currency"):
        FeePreset("x", Decimal(1), "eur")
    with pytest.raises(ValueError, match="above zero"):
        FeePreset("x", Decimal(0), "EUR")


def test_presets_have_their_statutory_amounts_and_sources():
    assert {code: (fee.amount, fee.currency) for code, fee in FEE_PRESETS.items()} == {
        "eu_compensation": (Decimal(40), "EUR"),
        "fr_compensation": (Decimal(40), "EUR"),
        "gr_compensation": (Decimal(40), "EUR"),
        "se_reminder_fee": (Decimal(60), "SEK"),
        "se_compensation": (Decimal(450), "SEK"),
        "no_reminder_fee": (Decimal(35), "NOK"),
        "no_compensation": (Decimal(460), "NOK"),
    }
    assert all(fee.legal_reference for fee in FEE_PRESETS.values())
    once = {code for code, fee in FEE_PRESETS.items() if fee.once_per_invoice}
    assert once == {
        "eu_compensation",
        "fr_compensation",
        "gr_compensation",
        "se_compensation",
        "no_compensation",
    }
    assert {d for d in FEE_REASONS} >= {
        "charge",
        "consumer",
        "not_agreed",
        "too_early",
        "already_charged",
        "cap_reached",
    }
