"""The write-off approval policy (format version 1): parsing and validation.

Pure Python like the rest of this package. ``parse_write_off_policy`` reads the
YAML text of ``res.company.ar_write_off_policy`` into an immutable
``WriteOffPolicy`` or raises ``LadderError`` (titled "The write-off policy is not
valid") listing every problem with its line, key path and what was expected.

Meaning (DESIGN.md, "The write-off policy format"):

- the first band whose ``max`` (company currency, inclusive; none: no limit) is
  at least the request's amount and whose ``reasons`` (none: every reason)
  include the request's reason applies; its ``approvals`` are the groups (XML
  ids) whose members must approve, in that order, each a different user and
  none of them the requester; no approvals: approved at once;
- an amount that no band covers cannot be written off (the policy's maximum);
- the reasons under ``posting.credit_note`` post a credit note, the others a
  journal entry to the bad-debt account ``posting.bad_debt_account`` (an account
  code; when left out, the company's bad-debt account setting is used);
- a posted write-off above ``postmortem_required_above`` needs a post-mortem;
- with ``auto_approval_period_days: N``, the amount that decides a request's band
  is its own amount plus the customer's write-offs approved without any approval
  (auto-approved) and posted in the last N days, so that a balance split into
  many small requests does not escape the policy.

``REASON_LABELS`` is the one list of write-off reasons (code and English label):
the request's selection, the dispute's and the ladder's ``request_write_off``
choices are built from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from .checks import MISSING, Checker
from .errors import LadderError, Problem
from .yaml_source import child_path, item_path

__all__ = [
    "BAD_DEBT",
    "CREDIT_NOTE",
    "DEFAULT_CREDIT_NOTE_REASONS",
    "POLICY_TITLE",
    "REASONS",
    "REASON_LABELS",
    "Band",
    "WriteOffPolicy",
    "parse_write_off_policy",
    "policy_problems",
]

POLICY_TITLE = "The write-off policy is not valid"
SUPPORTED_VERSION = 1
# code: label (the model's selection; translated through the field's selection).
REASON_LABELS = {
    "uncollectible": "Uncollectible",
    "insolvent": "Customer insolvent",
    "small_balance": "Small balance",
    "dispute_settlement": "Dispute settlement",
    "allowed_deduction": "Allowed deduction",
    "agency_returned": "Returned by the agency",
    "goods_returned": "Goods taken back",
}
REASONS = tuple(REASON_LABELS)
CREDIT_NOTE = "credit_note"
BAD_DEBT = "bad_debt"
DEFAULT_CREDIT_NOTE_REASONS = ("allowed_deduction", "dispute_settlement")

TOP_KEYS = ("version", "bands", "posting", "postmortem_required_above")
# Optional keys added to format 1 later; accepted at the top level besides TOP_KEYS
# (the "unknown key" message lists the keys of the original format).
ADDED_TOP_KEYS = ("auto_approval_period_days",)
TOP_REQUIRED = ("version", "bands")
BAND_KEYS = ("max", "reasons", "approvals")
BAND_REQUIRED = ("approvals",)
POSTING_KEYS = ("credit_note", "bad_debt_account")
XMLID_PATTERN = re.compile(r"[A-Za-z0-9_]+\.[A-Za-z0-9_.\-]+")
XMLID_WHAT = "the XML id of a user group (module.name)"

GroupCheck = Callable[[str], "str | None"] | Collection[str] | None
AccountCheck = Callable[[str], "str | None"] | None


@dataclass(frozen=True)
class Band:
    """One amount band: up to ``max`` (None: no limit), for ``reasons`` (empty:
    every reason), approved by members of ``approvals`` in that order."""

    max: float | None
    reasons: frozenset[str] = frozenset()
    approvals: tuple[str, ...] = ()
    line: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "reasons", frozenset(self.reasons))
        object.__setattr__(self, "approvals", tuple(self.approvals))

    def matches(self, amount: float, reason: str) -> bool:
        if self.reasons and reason not in self.reasons:
            return False
        return self.max is None or amount <= self.max

    def describe(self) -> str:
        """``up to 5000, every reason`` for messages and the request's log."""
        limit = "any amount" if self.max is None else f"up to {self.max:g}"
        reasons = ", ".join(sorted(self.reasons)) if self.reasons else "every reason"
        return f"{limit}, {reasons}"


@dataclass(frozen=True)
class WriteOffPolicy:
    version: int
    bands: tuple[Band, ...]
    credit_note_reasons: frozenset[str] = frozenset(DEFAULT_CREDIT_NOTE_REASONS)
    bad_debt_account: str | None = None
    postmortem_required_above: float | None = None
    auto_approval_period_days: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "bands", tuple(self.bands))
        object.__setattr__(
            self, "credit_note_reasons", frozenset(self.credit_note_reasons)
        )

    def band_for(self, amount: float, reason: str) -> Band | None:
        """The first band covering ``amount`` for ``reason``; None when the
        amount is above every band that takes this reason (not allowed)."""
        if reason not in REASONS:
            raise ValueError(f"unknown write-off reason {reason!r}")
        return next((band for band in self.bands if band.matches(amount, reason)), None)

    def posting_method(self, reason: str) -> str:
        """``credit_note`` or ``bad_debt``."""
        if reason not in REASONS:
            raise ValueError(f"unknown write-off reason {reason!r}")
        return CREDIT_NOTE if reason in self.credit_note_reasons else BAD_DEBT

    def postmortem_required(self, amount: float) -> bool:
        threshold = self.postmortem_required_above
        return threshold is not None and amount > threshold


def parse_write_off_policy(
    source: str,
    *,
    known_groups: GroupCheck = None,
    check_account: AccountCheck = None,
) -> WriteOffPolicy:
    """Read and validate a write-off policy; raise ``LadderError`` with every
    problem.

    ``known_groups``: the group XML ids an approval may name, as a collection, or
    a function ``xmlid -> error message or None`` (None: any well-formed XML id).
    ``check_account(code)``: an error message when the bad-debt account code does
    not name a usable account, or None.
    """
    data, checker = Checker.load(source, title=POLICY_TITLE)
    policy = _Parser(checker, known_groups, check_account).parse(data)
    checker.raise_if_problems()
    assert policy is not None
    return policy


class _Parser:
    def __init__(self, checker: Checker, known_groups, check_account):
        self.c = checker
        self.known_groups = known_groups
        self.check_account = check_account

    def parse(self, data: object) -> WriteOffPolicy | None:
        c = self.c
        if data is None:
            c.add(
                "",
                "the document is empty; expected a mapping with at least version "
                "and bands",
            )
            return None
        if isinstance(data, Mapping):
            added = {key: data[key] for key in ADDED_TOP_KEYS if key in data}
            data = {key: value for key, value in data.items() if key not in added}
        else:
            added = {}
        doc = c.expect_mapping(
            data,
            "",
            allowed=TOP_KEYS,
            required=TOP_REQUIRED,
            what="a mapping (version, bands, posting, postmortem_required_above)",
        )
        if doc is None:
            return None
        version = self.c.get(doc, "version", "", self._version)
        bands = self.c.get(doc, "bands", "", self._bands)
        posting = self.c.get(doc, "posting", "", self._posting)
        threshold = self.c.get(
            doc,
            "postmortem_required_above",
            "",
            lambda v, p: c.expect_number(v, p, minimum=0),
        )
        period = self.c.get(
            added,
            "auto_approval_period_days",
            "",
            lambda v, p: c.expect_int(v, p, minimum=1, maximum=3660),
        )
        if c.problems:
            return None
        credit_note, account = posting if posting else (None, None)
        return WriteOffPolicy(
            version=version,
            bands=tuple(bands),
            credit_note_reasons=frozenset(
                DEFAULT_CREDIT_NOTE_REASONS if credit_note is None else credit_note
            ),
            bad_debt_account=account,
            postmortem_required_above=threshold,
            auto_approval_period_days=period,
        )

    def _version(self, value, path):
        return self.c.expect_version(value, path, SUPPORTED_VERSION)

    # Bands -------------------------------------------------------------------------

    def _bands(self, value, path):
        c = self.c
        items = c.expect_list(value, path, non_empty=True, what="a list of bands")
        if items is None:
            return None
        bands: list[Band] = []
        open_ended: str | None = None  # path of a band without max, once seen
        previous: tuple[str, float, bool] | None = None  # label, max, has reasons
        for index, item in enumerate(items):
            sub = item_path(path, index)
            label = f"band {index + 1}"
            mapping = c.expect_mapping(
                item,
                sub,
                allowed=BAND_KEYS,
                required=BAND_REQUIRED,
                what="a band: a mapping with max (optional), reasons (optional) "
                "and approvals",
            )
            if mapping is None:
                continue
            if open_ended is not None:
                c.add(
                    sub,
                    f"this band can never apply: {open_ended} has no max, so it "
                    "must be the last band (give it a max or move it to the end)",
                )
            raw_max = mapping.get("max", MISSING)
            no_limit = raw_max is MISSING or raw_max is None
            limit = None if no_limit else self._max(raw_max, child_path(sub, "max"))
            if no_limit and open_ended is None:
                open_ended = label
            if limit is not None and previous is not None:
                prev_label, prev_max, prev_has_reasons = previous
                if limit < prev_max or (limit == prev_max and not prev_has_reasons):
                    c.add(
                        child_path(sub, "max"),
                        f"bands must be in increasing order of max: {label} (max "
                        f"{limit:g}) comes after {prev_label} (max {prev_max:g})",
                    )
            reasons = self.c.get(mapping, "reasons", sub, self._reasons)
            approvals = self.c.get(mapping, "approvals", sub, self._approvals)
            if limit is not None:
                previous = (label, limit, bool(reasons))
            if approvals is not None and (no_limit or limit is not None):
                bands.append(
                    Band(
                        max=limit,
                        reasons=reasons or frozenset(),
                        approvals=approvals,
                        line=c.line(sub),
                    )
                )
        return bands

    def _max(self, value, path):
        return self.c.expect_number(value, path, minimum=0)

    def _reasons(self, value, path):
        c = self.c
        items = c.expect_list(
            value,
            path,
            non_empty=True,
            what=f"a list of reasons ({', '.join(REASONS)})",
        )
        if items is None:
            return None
        reasons = set()
        for index, item in enumerate(items):
            reason = self._reason(item, item_path(path, index))
            if reason is not None:
                reasons.add(reason)
        return frozenset(reasons)

    def _reason(self, value, path):
        return self.c.expect_choice(value, path, REASONS)

    def _approvals(self, value, path):
        c = self.c
        if value is None:
            value = []
        items = c.expect_list(
            value, path, what="a list of group XML ids ([] for no approval)"
        )
        if items is None:
            return None
        groups = []
        ok = True
        for index, item in enumerate(items):
            sub = item_path(path, index)
            xmlid = c.expect_string(item, sub, pattern=XMLID_PATTERN, what=XMLID_WHAT)
            if xmlid is None:
                ok = False
                continue
            error = self._check_group(xmlid)
            if error:
                c.add(sub, error)
                ok = False
                continue
            groups.append(xmlid)
        return tuple(groups) if ok else None

    def _check_group(self, xmlid: str) -> str | None:
        known = self.known_groups
        if known is None:
            return None
        if callable(known):
            error = known(xmlid)
            return str(error) if error else None
        if xmlid in known:
            return None
        return f"unknown group {xmlid!r}; known groups: {', '.join(sorted(known))}"

    # Posting -----------------------------------------------------------------------

    def _posting(self, value, path):
        c = self.c
        mapping = c.expect_mapping(
            value,
            path,
            allowed=POSTING_KEYS,
            what="a mapping with credit_note and/or bad_debt_account",
        )
        if mapping is None:
            return None
        credit_note = self.c.get(mapping, "credit_note", path, self._credit_note)
        account = self.c.get(mapping, "bad_debt_account", path, self._account)
        if ("credit_note" in mapping and credit_note is None) or (
            "bad_debt_account" in mapping
            and mapping["bad_debt_account"] is not None
            and account is None
        ):
            return None
        return credit_note, account

    def _credit_note(self, value, path):
        c = self.c
        if value is None:
            value = []
        items = c.expect_list(
            value, path, what=f"a list of reasons ({', '.join(REASONS)})"
        )
        if items is None:
            return None
        reasons = set()
        ok = True
        for index, item in enumerate(items):
            reason = self._reason(item, item_path(path, index))
            if reason is None:
                ok = False
            else:
                reasons.add(reason)
        return frozenset(reasons) if ok else None

    def _account(self, value, path):
        if value is None:
            return None  # left empty: the company's bad-debt account setting
        code = self.c.expect_string(
            value, path, what="an account code (text)", plain_text_ok=True
        )
        if code is None:
            return None
        code = code.strip()
        if self.check_account is not None:
            error = self.check_account(code)
            if error:
                self.c.add(path, str(error))
                return None
        return code


def policy_problems(source: str, **kwargs) -> list[Problem]:
    """The problems of ``source`` (empty when it is valid)."""
    try:
        parse_write_off_policy(source, **kwargs)
    except LadderError as error:
        return error.problems
    return []
