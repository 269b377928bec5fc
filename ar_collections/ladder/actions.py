"""Action kinds: the schema types, and the schemas of the kinds shipped with the addon.

The parser does not know which kinds exist: it validates against the schemas it is
given (``parse_ladder(action_kinds=...)``). In Odoo those are the kinds registered
on ``ar.collection.action`` by the installed capabilities; each capability's
registration picks its schemas from here (``FOUNDATION_SCHEMAS``,
``CREDIT_HOLD_SCHEMAS``, ``AGENCY_SCHEMAS``, ``WRITE_OFF_SCHEMAS``), and another
addon registers its own ``ActionSchema``. ``ACTION_SCHEMAS`` is the union of the
shipped ones, the default of pure tools and tests.

Each schema may carry ``describe(params) -> str``: a short English text, used
outside Odoo (Odoo's registrations describe actions with translatable texts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .write_off_policy import REASONS

__all__ = [
    "ACTION_SCHEMAS",
    "ACTIVITY_TYPE_CHOICES",
    "AGENCY_SCHEMAS",
    "CREDIT_HOLD_SCHEMAS",
    "FOUNDATION_SCHEMAS",
    "PARAM_TYPES",
    "WRITE_OFF_REASONS",
    "WRITE_OFF_SCHEMAS",
    "ActionSchema",
    "ParamSpec",
]

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
    describe: Callable[[Mapping], str] | None = field(
        default=None, compare=False, repr=False
    )

    def __post_init__(self):
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __hash__(self) -> int:
        return hash((self.kind, tuple(self.params.items())))

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name, spec in self.params.items() if spec.required)


DAYS_LIMIT = 3650
"""Largest number of days any ladder value may say (ten years)."""

ACTIVITY_TYPE_CHOICES = ("call", "email", "meeting", "todo")
WRITE_OFF_REASONS = REASONS  # one list, with the write-off policy format

_ACTIVITY_LABELS = {
    "call": "Call",
    "email": "E-mail",
    "meeting": "Meeting",
    "todo": "To-do",
}
_ASSIGNEES = {"collector": "the collector", "salesperson": "the salesperson"}
_WRITE_OFF_LABELS = {
    "uncollectible": "uncollectible",
    "insolvent": "customer insolvent",
    "small_balance": "small balance",
    "dispute_settlement": "dispute settlement",
    "allowed_deduction": "allowed deduction",
    "agency_returned": "returned by the agency",
}


def _assignee(login: object) -> str:
    return _ASSIGNEES.get(login, f"user {login}")


def _describe_attachments(params):
    attached = [
        label
        for key, label in (
            ("attach_statement", "the statement"),
            ("attach_invoices", "the invoices"),
        )
        if params.get(key)
    ]
    text = f" with {' and '.join(attached)} attached" if attached else ""
    if params.get("letterhead"):
        text += f", on the letterhead of {params['letterhead']}"
    return text


def _describe_email(params):
    return f"E-mail ({params.get('template')})" + _describe_attachments(params)


def _describe_letter(params):
    return f"Letter ({params.get('template')})" + _describe_attachments(params)


def _describe_activity(params):
    activity = _ACTIVITY_LABELS.get(params.get("type", "call"), "To-do")
    days = params.get("due_in_days") or 0
    due = "due today" if days == 0 else f"due in {days} day{'s' if days != 1 else ''}"
    return (
        f"{activity} activity for {_assignee(params.get('assign', 'collector'))}, {due}"
    )


def _describe_credit_hold(params):
    text = f"Credit hold: {params.get('reason')}"
    if params.get("release") == "manual":
        text += " (released by hand)"
    return text


def _describe_refer_to_agency(params):
    agency = params.get("agency")
    text = (
        "Refer to the default collection agency"
        if agency == "default"
        else f"Refer to collection agency {agency}"
    )
    if params.get("confirm"):
        text += ", sent at once"
    return text


def _describe_legal(params):
    text = "Hand over to legal"
    if params.get("assign"):
        text += f" ({_assignee(params['assign'])})"
    if params.get("note"):
        text += f": {params['note']}"
    return text


def _describe_request_write_off(params):
    reason = params.get("reason")
    return f"Write-off request: {_WRITE_OFF_LABELS.get(reason, reason)}"


def _by_kind(*schemas: ActionSchema) -> dict[str, ActionSchema]:
    return {schema.kind: schema for schema in schemas}


FOUNDATION_SCHEMAS = _by_kind(
    ActionSchema(
        "email",
        {
            "template": ParamSpec("template", required=True),
            "attach_statement": ParamSpec("bool", default=False),
            "attach_invoices": ParamSpec("bool"),
            "letterhead": ParamSpec("string"),
        },
        describe=_describe_email,
    ),
    ActionSchema(
        "letter",
        {
            "template": ParamSpec("template", required=True),
            "attach_statement": ParamSpec("bool"),
            "attach_invoices": ParamSpec("bool"),
            "letterhead": ParamSpec("string"),
        },
        describe=_describe_letter,
    ),
    ActionSchema(
        "activity",
        {
            "type": ParamSpec("choice", choices=ACTIVITY_TYPE_CHOICES, default="call"),
            "assign": ParamSpec("string", default="collector"),
            "summary": ParamSpec("string"),
            "note": ParamSpec("string"),
            "due_in_days": ParamSpec("int", default=0, minimum=0, maximum=DAYS_LIMIT),
        },
        describe=_describe_activity,
    ),
)
CREDIT_HOLD_SCHEMAS = _by_kind(
    ActionSchema(
        "credit_hold",
        {
            "reason": ParamSpec("string", required=True),
            "release": ParamSpec(
                "choice", choices=("when_paid", "manual"), default="when_paid"
            ),
        },
        describe=_describe_credit_hold,
    ),
)
AGENCY_SCHEMAS = _by_kind(
    ActionSchema(
        "refer_to_agency",
        {
            "agency": ParamSpec("string", required=True),
            "confirm": ParamSpec("bool", default=False),
        },
        describe=_describe_refer_to_agency,
    ),
    ActionSchema(
        "legal",
        {"note": ParamSpec("string"), "assign": ParamSpec("string")},
        describe=_describe_legal,
    ),
)
WRITE_OFF_SCHEMAS = _by_kind(
    ActionSchema(
        "request_write_off",
        {"reason": ParamSpec("choice", required=True, choices=WRITE_OFF_REASONS)},
        describe=_describe_request_write_off,
    ),
)

ACTION_SCHEMAS: dict[str, ActionSchema] = {
    **FOUNDATION_SCHEMAS,
    **CREDIT_HOLD_SCHEMAS,
    **AGENCY_SCHEMAS,
    **WRITE_OFF_SCHEMAS,
}
"""The kinds shipped with the addon (every capability installed)."""
