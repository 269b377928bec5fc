"""The registry of action kinds a ladder step may name, with their parameters.

Each capability of the addon adds its kinds here; the Odoo layer passes the kinds
that are actually installed to ``parse_ladder(action_kinds=...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["ACTION_SCHEMAS", "PARAM_TYPES", "ActionSchema", "ParamSpec"]

PARAM_TYPES = ("string", "int", "number", "bool", "template", "choice", "user_ref")
"""``string``: text (not blank when required); ``int`` / ``number``: not
true/false, within ``minimum``/``maximum``; ``bool``: true or false;
``template``: the XML id of a mail template (``module.name``); ``choice``: one of
``choices``; ``user_ref``: ``collector``, ``salesperson`` or a user login."""


@dataclass(frozen=True)
class ParamSpec:
    type: str
    required: bool = False
    choices: tuple = ()
    default: object = None
    minimum: float | None = None  # for int and number
    maximum: float | None = None  # for int and number

    def __post_init__(self):
        if self.type not in PARAM_TYPES:
            raise ValueError(f"unknown parameter type {self.type!r}")
        if self.type == "choice" and not self.choices:
            raise ValueError("a choice parameter needs its choices")


@dataclass(frozen=True)
class ActionSchema:
    kind: str
    params: Mapping[str, ParamSpec] = field(default_factory=dict)
    customer_level: bool = False  # acts once per customer per run

    def __post_init__(self):
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __hash__(self) -> int:
        return hash((self.kind, tuple(self.params.items()), self.customer_level))

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name, spec in self.params.items() if spec.required)


DAYS_LIMIT = 3650
"""Largest number of days any ladder value may say (ten years)."""

ACTION_SCHEMAS: dict[str, ActionSchema] = {
    schema.kind: schema
    for schema in (
        ActionSchema(
            "email",
            {
                "template": ParamSpec("template", required=True),
                "attach_statement": ParamSpec("bool", default=False),
            },
            customer_level=True,
        ),
        ActionSchema(
            "letter",
            {"template": ParamSpec("template", required=True)},
            customer_level=True,
        ),
        ActionSchema(
            "activity",
            {
                "type": ParamSpec(
                    "choice",
                    choices=("call", "email", "meeting", "todo"),
                    default="call",
                ),
                "assign": ParamSpec("string", default="collector"),
                "summary": ParamSpec("string"),
                "note": ParamSpec("string"),
                "due_in_days": ParamSpec(
                    "int", default=0, minimum=0, maximum=DAYS_LIMIT
                ),
            },
            customer_level=True,
        ),
        ActionSchema(
            "credit_hold",
            {
                "reason": ParamSpec("string", required=True),
                "release": ParamSpec(
                    "choice", choices=("when_paid", "manual"), default="when_paid"
                ),
            },
            customer_level=True,
        ),
        ActionSchema(
            "refer_to_agency",
            {
                "agency": ParamSpec("string", required=True),
                "confirm": ParamSpec("bool", default=False),
            },
            customer_level=False,
        ),
        ActionSchema(
            "legal",
            {"note": ParamSpec("string"), "assign": ParamSpec("string")},
            customer_level=False,
        ),
        ActionSchema(
            "request_write_off",
            {
                "reason": ParamSpec(
                    "choice",
                    required=True,
                    choices=(
                        "uncollectible",
                        "insolvent",
                        "small_balance",
                        "dispute_settlement",
                        "allowed_deduction",
                        "agency_returned",
                    ),
                ),
            },
            customer_level=False,
        ),
    )
}
