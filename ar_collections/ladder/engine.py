"""Which ladder step an invoice takes today: facts in, a decision out.

``decide`` is pure and cheap (it runs for every open invoice of a run): date
arithmetic is done on ordinals, and the ladder's step index, days and quiet
weekdays are precomputed on the ``Ladder`` itself.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from .model import Action, Ladder, Step
from .snapshot import step_signature

__all__ = [
    "LADDER_END",
    "REASONS",
    "ActionGroup",
    "Decision",
    "InvoiceFacts",
    "StepRecord",
    "decide",
    "group_actions",
    "handled_codes",
    "next_step_code",
    "select_ladder",
]

LADDER_END = date(9999, 12, 31)
"""``next_date`` when there is nothing more to do on this ladder."""

_END = LADDER_END.toordinal()

REASONS = (
    "take",  # the next step is taken
    "first_seen_late",  # taken, with the earlier due steps recorded as skipped
    "jump",  # a jump (e.g. broken promise): taken now, steps in between skipped
    "paused",  # excluded, disputed, promised...: nothing until the pause ends
    "not_due",  # the next step is not due yet
    "min_days",  # due, but the last step was taken too recently
    "quiet_day",  # due, but today is a quiet weekday
    "below_minimum",  # due, but the customer owes less overdue than the minimum
    "finished",  # every step of the ladder is behind the invoice
)


@dataclass(frozen=True)
class InvoiceFacts:
    """What the engine needs to know about one open invoice."""

    move_id: int
    due_date: date
    handled_steps: frozenset[str] = frozenset()  # executed or skipped, ever
    last_done_date: date | None = None  # when the last step was executed
    paused: bool = False
    paused_until: date | None = None  # last paused day; None: until it changes
    shift_days: int = 0  # the ladder's timing pushed back (after a pause)
    jump_to: str | None = None  # step code to go to now (after a broken promise)


@dataclass(frozen=True)
class Decision:
    """``take``: the step to execute today (None: nothing); ``skip``: steps to
    record as skipped; ``next_date``: the first day anything can happen again
    while the facts stay the same; ``reason``: one of ``REASONS``."""

    take: Step | None
    skip: tuple[Step, ...]
    next_date: date
    reason: str


@dataclass(frozen=True)
class StepRecord:
    """A step an invoice has handled (done, skipped or failed), as it was then:
    its code, its day and the signature of its actions (``step_signature``)."""

    code: str
    day: int | None = None
    signature: str | None = None


def handled_codes(ladder: Ladder, records) -> frozenset[str]:
    """The steps of ``ladder`` an invoice with this history has already handled.

    A step's identity survives edits of the ladder and moves to another ladder:

    1. a record whose code is a step of ``ladder`` handles that step;
    2. every record tells how far the invoice went: each step of ``ladder`` whose
       day is at most the record's day is handled (a renamed step keeps its day; an
       earlier step inserted later, or the earlier steps of another ladder, are
       behind the invoice);
    3. a record whose code is not in ``ladder`` (renamed, removed, or from another
       ladder) also handles the steps whose actions are the record's (same kinds and
       parameters: the same message under another code or on another day).

    The engine goes on after the most advanced handled step, so nothing the invoice
    already received is sent again.
    """
    index = ladder._index
    codes = set()
    last_day = None
    orphan_signatures = set()
    for record in records:
        if record.code in index:
            codes.add(record.code)
        elif record.signature:
            orphan_signatures.add(record.signature)
        if record.day is not None and (last_day is None or record.day > last_day):
            last_day = record.day
    if last_day is not None or orphan_signatures:
        for step in ladder.steps:
            if (last_day is not None and step.day <= last_day) or (
                orphan_signatures and step_signature(step) in orphan_signatures
            ):
                codes.add(step.code)
    return frozenset(codes)


def next_step_code(ladder: Ladder, handled, decision: Decision) -> str | None:
    """The code of the step after the most advanced one handled once ``decision``
    is carried out (None: the end of the ladder)."""
    codes = set(handled)
    if decision.take:
        codes.add(decision.take.code)
    codes.update(step.code for step in decision.skip)
    positions = [ladder._index[code] for code in codes if code in ladder._index]
    following = max(positions) + 1 if positions else 0
    return ladder.steps[following].code if following < len(ladder.steps) else None


_FINISHED = Decision(None, (), LADDER_END, "finished")
_PAUSED_FOR_NOW = Decision(None, (), LADDER_END, "paused")


def _to_date(ordinal: int) -> date:
    return LADDER_END if ordinal >= _END else date.fromordinal(ordinal)


def _not_quiet(ladder: Ladder, ordinal: int) -> int:
    """The first day on or after ``ordinal`` that is not a quiet weekday."""
    shift = ladder._quiet_shift[(ordinal - 1) % 7]  # ordinal 1 is a Monday
    return _END if shift is None else ordinal + shift


def _paused(facts: InvoiceFacts, today: date) -> Decision | None:
    until = facts.paused_until
    if until is None:
        return _PAUSED_FOR_NOW
    if until >= today:
        return Decision(None, (), _to_date(until.toordinal() + 1), "paused")
    return None  # the pause ended (its last day is behind us): the ladder goes on


def decide(
    ladder: Ladder, facts: InvoiceFacts, today: date, customer_overdue: float
) -> Decision:
    """What to do today for one invoice on ``ladder`` (see DESIGN.md, "Meaning").

    ``customer_overdue`` is what the customer owes overdue in total, compared with
    the ladder's ``minimum_overdue`` for steps after the due date.
    """
    t = today.toordinal()
    if facts.paused:
        paused = _paused(facts, today)
        if paused is not None:
            return paused

    steps = ladder.steps
    count = len(steps)
    index = ladder._index
    days = ladder._days
    position = -1
    for code in facts.handled_steps:
        found = index.get(code)
        if found is not None and found > position:
            position = found
    due = facts.due_date.toordinal() + facts.shift_days

    target = -1
    jump = facts.jump_to
    if jump is not None:
        found = index.get(jump)
        if found is not None and found > position:
            target = found
            target_due = t  # a jump means now
            reason = "jump"
    if target < 0:
        if position >= count - 1:
            return _FINISHED
        if position < 0:
            # First seen: enter at the latest due step (the first one if none is).
            target = max(bisect_right(days, t - due) - 1, 0)
            reason = "first_seen_late" if target > 0 else "take"
        else:
            target = position + 1  # one step per run, never back
            reason = "take"
        target_due = due + days[target]

    min_days = ladder.min_days_between_steps
    last = facts.last_done_date
    earliest = target_due
    # At most one step per invoice per day, even with min_days_between_steps 0:
    # running twice on a day changes nothing.
    spacing = last.toordinal() + (min_days or 1) if last is not None else None
    if spacing is not None and spacing > earliest:
        earliest = spacing
    if earliest > t or ladder._quiet_shift[(t - 1) % 7] != 0:
        if target_due > t:
            reason = "not_due"
        elif spacing is not None and spacing > t:
            reason = "min_days"
        else:
            reason = "quiet_day"
        return Decision(
            None, (), _to_date(_not_quiet(ladder, max(earliest, t + 1))), reason
        )

    step = steps[target]
    minimum = ladder.minimum_overdue
    if minimum > 0 and step.day > 0 and customer_overdue < minimum:
        return Decision(None, (), _to_date(_not_quiet(ladder, t + 1)), "below_minimum")

    if target + 1 < count:
        following = max(due + days[target + 1], t + (min_days or 1))
        next_date = _to_date(_not_quiet(ladder, following))
    else:
        next_date = LADDER_END
    return Decision(step, steps[position + 1 : target], next_date, reason)


# Around the decision: which ladder, and one message per customer and kind ----------


def select_ladder(
    candidates: Sequence[tuple[Hashable, Ladder]],
    tags: Iterable[str] | None,
    country_code: str | None,
    override: Hashable | None = None,
    default: Hashable | None = None,
    overdue: float | None = None,
) -> Hashable | None:
    """Which ladder applies to a customer: the key of one of ``candidates``.

    ``candidates``: the company's active ladders, (key, parsed ladder), in their
    sequence order. The customer's own ladder (``override``) when it is one of
    them; else the first whose ``applies_to`` matches the customer's tags,
    country and overdue total (``overdue``, company currency, against
    ``min_overdue``); else the company's ``default`` when it is one of them; else
    the first fallback ladder (no ``applies_to``); else None.
    """
    keys = {key for key, _ladder in candidates}
    if override is not None and override in keys:
        return override
    for key, ladder in candidates:
        if ladder.applies_to is not None and ladder.applies_to.matches(
            tags, country_code, overdue
        ):
            return key
    if default is not None and default in keys:
        return default
    return next((key for key, ladder in candidates if ladder.is_fallback), None)


@dataclass
class ActionGroup:
    """The actions of one kind for one customer in one run: one message (or one
    hold, one referral...) about all of ``members`` (its invoices), worded by the
    most advanced step among them (``step`` and ``action``, of the highest
    ``rank``, e.g. the step's day)."""

    customer: Hashable
    kind: str
    step: Step | None = None
    action: Action | None = None
    rank: int | None = None
    members: dict = field(default_factory=dict)  # ordered, as a set

    def add(self, member: Hashable, step: Step, rank: int, action: Action) -> None:
        self.members[member] = None
        if self.rank is None or rank > self.rank:
            self.step, self.action, self.rank = step, action, rank


def group_actions(
    entries: Iterable[tuple[Hashable, Hashable, Step, int, Iterable[Action]]],
) -> list[ActionGroup]:
    """Group the actions of the steps taken by customer and kind.

    ``entries``: (customer, invoice, step, rank, actions to carry out). Returns the
    groups in the order their first action came.
    """
    grouped: dict[tuple[Hashable, str], ActionGroup] = {}
    for customer, member, step, rank, actions in entries:
        for action in actions:
            key = (customer, action.kind)
            group = grouped.get(key)
            if group is None:
                group = grouped[key] = ActionGroup(customer, action.kind)
            group.add(member, step, rank, action)
    return list(grouped.values())
