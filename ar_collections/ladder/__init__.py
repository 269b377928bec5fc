"""The dunning ladder rules engine: pure Python (stdlib and PyYAML), no Odoo.

- ``parse_ladder(source, ...)`` reads and validates the YAML ladder format into an
  immutable ``Ladder``, or raises ``LadderError`` listing every ``Problem``.
- ``decide(ladder, facts, today, customer_overdue)`` says which step one invoice
  takes today, which it skips, and when to look at it again.
- ``load_yaml`` and ``Checker`` are the reusable pieces for other YAML formats.
"""

from .actions import (
    ACTION_SCHEMAS,
    ACTIVITY_TYPE_CHOICES,
    AGENCY_SCHEMAS,
    CHARGES_SCHEMAS,
    CREDIT_HOLD_SCHEMAS,
    FOUNDATION_SCHEMAS,
    NOTIFY_SCHEMAS,
    PARAM_TYPES,
    WRITE_OFF_REASONS,
    WRITE_OFF_SCHEMAS,
    ActionSchema,
    ParamSpec,
)
from .checks import MISSING, Checker, describe_value
from .engine import (
    LADDER_END,
    REASONS,
    ActionGroup,
    Decision,
    InvoiceFacts,
    StepRecord,
    decide,
    group_actions,
    handled_codes,
    next_step_code,
    select_ladder,
)
from .errors import LadderError, Problem
from .fees import FEE_PRESETS, FeeDecision, FeeFacts, FeePreset, fee_decision
from .interest import (
    INTEREST_PRESETS,
    InterestComputation,
    InterestPeriod,
    InterestPreset,
    LadderInterest,
    MissingRate,
    RatePeriod,
    accrue_interest,
)
from .model import Action, AppliesTo, FrozenParams, Ladder, Step, step_label
from .schema import WEEKDAYS, parse_ladder
from .snapshot import describe_action, dump_step, load_step, step_signature
from .yaml_source import SourceMap, load_yaml

__all__ = [
    "ACTION_SCHEMAS",
    "ACTIVITY_TYPE_CHOICES",
    "AGENCY_SCHEMAS",
    "CHARGES_SCHEMAS",
    "CREDIT_HOLD_SCHEMAS",
    "FEE_PRESETS",
    "FOUNDATION_SCHEMAS",
    "INTEREST_PRESETS",
    "LADDER_END",
    "MISSING",
    "NOTIFY_SCHEMAS",
    "PARAM_TYPES",
    "REASONS",
    "WEEKDAYS",
    "WRITE_OFF_REASONS",
    "WRITE_OFF_SCHEMAS",
    "Action",
    "ActionGroup",
    "ActionSchema",
    "AppliesTo",
    "Checker",
    "Decision",
    "FeeDecision",
    "FeeFacts",
    "FeePreset",
    "FrozenParams",
    "InterestComputation",
    "InterestPeriod",
    "InterestPreset",
    "InvoiceFacts",
    "Ladder",
    "LadderError",
    "LadderInterest",
    "MissingRate",
    "ParamSpec",
    "Problem",
    "RatePeriod",
    "SourceMap",
    "Step",
    "StepRecord",
    "accrue_interest",
    "decide",
    "describe_action",
    "describe_value",
    "dump_step",
    "fee_decision",
    "group_actions",
    "handled_codes",
    "load_step",
    "load_yaml",
    "next_step_code",
    "parse_ladder",
    "select_ladder",
    "step_label",
    "step_signature",
]
