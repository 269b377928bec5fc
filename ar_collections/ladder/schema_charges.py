"""The ladder format's charges: the ``interest`` key and the ``fee`` action's
cross-checks (a preset, or a custom amount with its currency).

Used by ``schema._Parser``; kept apart so that the parser stays one readable file.
"""

from __future__ import annotations

from decimal import Decimal

from .checks import Checker, describe_value
from .fees import CURRENCY_PATTERN
from .interest import DAY_COUNTS, INTEREST_PRESETS, LadderInterest
from .yaml_source import child_path

__all__ = [
    "FEE_KINDS",
    "INTEREST_CHOICES",
    "INTEREST_KEYS",
    "INTEREST_KINDS",
    "check_fee",
    "parse_interest",
]

INTEREST_KEYS = ("preset", "rate", "basis", "b2b_only")
INTEREST_CHOICES = (*INTEREST_PRESETS, "custom")
FEE_KINDS = ("fee",)  # action kinds checked with ``check_fee``
INTEREST_KINDS = ("charge_interest",)  # need the ladder's ``interest`` key


def parse_interest(c: Checker, value, path: str) -> LadderInterest | None:
    """The ladder's ``interest:`` key, or None after recording its problems."""
    mapping = c.expect_mapping(
        value,
        path,
        allowed=INTEREST_KEYS,
        required=("preset",),
        what="a mapping like {preset: eu_late_payment}",
    )
    if mapping is None:
        return None
    ok = True
    preset = c.get(mapping, "preset", path, lambda v, p: _interest_preset(c, v, p))
    rate = c.get(
        mapping,
        "rate",
        path,
        lambda v, p: c.expect_number(v, p, minimum=0, maximum=100),
    )
    basis = c.get(mapping, "basis", path, lambda v, p: _interest_basis(c, v, p))
    b2b_only = c.get(mapping, "b2b_only", path, c.expect_bool)
    if preset is None:
        return None
    if preset == "custom":
        for key, found in (("rate", rate), ("basis", basis)):
            if key not in mapping:
                c.add(
                    child_path(path, key),
                    f"required key {key!r} is missing (a custom interest says "
                    "its rate, percent a year, and its basis: "
                    f"{', '.join(DAY_COUNTS)})",
                )
                ok = False
            elif found is None:
                ok = False
    else:
        for key in ("rate", "basis"):
            if key in mapping:
                c.add(
                    child_path(path, key),
                    f"{key!r} is for a custom interest only; preset "
                    f"{preset!r} sets its own (leave {key!r} out, or use "
                    "preset: custom)",
                )
                ok = False
    if not ok or ("b2b_only" in mapping and b2b_only is None):
        return None
    return LadderInterest(
        preset=preset,
        rate=Decimal(repr(rate)) if rate is not None else None,
        basis=basis,
        b2b_only=b2b_only,
        line=c.line(path),
    )


def _interest_preset(c: Checker, value, path: str) -> str | None:
    # ``preset: no`` (Norway) is read by YAML as false: take it as written.
    if not isinstance(value, str) and c.text(path) is not None:
        value = c.text(path)
    return c.expect_choice(value, path, INTEREST_CHOICES)


def _interest_basis(c: Checker, value, path: str) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # basis: 365 (an integer in YAML)
    return c.expect_choice(value, path, DAY_COUNTS)


def check_fee(c: Checker, params, path: str) -> bool:
    """A ``fee`` says either a ``preset`` or a custom ``amount`` and
    ``currency``."""
    if "preset" in params:
        for key in ("amount", "currency"):
            if key in params:
                c.add(
                    child_path(path, key),
                    f"{key!r} is for a custom fee; preset "
                    f"{params['preset']!r} sets its own amount and currency "
                    "(leave out either the preset or the amount and currency)",
                )
                return False
        return True
    if "amount" not in params and "currency" not in params:
        c.add(
            path,
            "expected a fee preset, like {preset: eu_compensation}, or a "
            "custom fee, like {amount: 60, currency: SEK}",
        )
        return False
    ok = True
    for key, what in (("amount", "an amount"), ("currency", "an ISO currency")):
        if key not in params:
            c.add(
                child_path(path, key),
                f"required key {key!r} is missing (a custom fee says {what})",
            )
            ok = False
    currency = params.get("currency")
    if isinstance(currency, str) and not CURRENCY_PATTERN.fullmatch(currency):
        c.add(
            child_path(path, "currency"),
            f"expected an ISO 4217 currency code of 3 capital letters (like "
            f"EUR or SEK), got {describe_value(currency)}",
        )
        ok = False
    return ok
