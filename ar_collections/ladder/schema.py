"""The ladder format (version 1): parsing, validation and the parsed objects.

``parse_ladder`` reads YAML text into an immutable ``Ladder`` or raises
``LadderError`` listing every problem, each with its line, key path and what was
expected. The objects are plain frozen values, safe to cache and share.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import yaml

from .actions import ACTION_SCHEMAS, DAYS_LIMIT, ActionSchema, ParamSpec
from .checks import MISSING, Checker, describe_value, show_key
from .errors import LadderError, Problem
from .yaml_source import child_path, item_path, load_yaml

__all__ = [
    "WEEKDAYS",
    "Action",
    "AppliesTo",
    "FrozenParams",
    "Ladder",
    "Step",
    "describe_action",
    "dump_step",
    "load_step",
    "parse_ladder",
    "step_label",
    "step_signature",
]

SUPPORTED_VERSION = 1
CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
CODE_WHAT = "a code (lowercase letters, digits and _, starting with a letter)"
XMLID_PATTERN = re.compile(r"[A-Za-z0-9_]+\.[A-Za-z0-9_.\-]+")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()

TOP_KEYS = (
    "version",
    "code",
    "name",
    "applies_to",
    "minimum_overdue",
    "min_days_between_steps",
    "quiet_weekdays",
    "promise_grace_days",
    "on_broken_promise",
    "steps",
)
TOP_REQUIRED = ("version", "code", "name", "steps")
APPLIES_TO_KEYS = ("partner_tags", "countries")
BROKEN_PROMISE_KEYS = ("step",)
STEP_KEYS = ("code", "day", "stage", "actions", "name")
STEP_REQUIRED = ("code", "day", "actions")

# ISO 3166-1 alpha-2, plus XK (Kosovo), as in Odoo's res.country data.
_COUNTRY_TEXT = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL
BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV
CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD
GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM
IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK
LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW
MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR
PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS
ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY
UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
"""
COUNTRY_CODES = frozenset(_COUNTRY_TEXT.split())
COUNTRY_HINTS = {"UK": "GB", "EL": "GR"}  # common non-ISO spellings


class FrozenParams(Mapping):
    """A read-only, hashable mapping (the parameters of an action)."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping | Iterable[tuple[str, object]] = ()):
        self._data = dict(data)
        self._hash = None

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"FrozenParams({self._data!r})"

    def __reduce__(self):
        return (FrozenParams, (self._data,))


_NO_PARAMS = FrozenParams()


@dataclass(frozen=True)
class Action:
    """One action of a step. ``params`` holds what was written plus the defaults of
    the parameters not written; ``written`` names the parameters as written (None:
    all of ``params``), for ``dump_step``."""

    kind: str
    params: Mapping[str, object] = _NO_PARAMS
    line: int | None = None
    written: tuple[str, ...] | None = field(default=None, compare=False)

    def __post_init__(self):
        if not isinstance(self.params, FrozenParams):
            object.__setattr__(self, "params", FrozenParams(self.params))


@dataclass(frozen=True)
class Step:
    code: str
    day: int
    stage: str | None = None
    actions: tuple[Action, ...] = ()
    line: int | None = None
    # What people read (optional ``name:`` in the YAML); not part of the step's
    # identity, its snapshot or its signature.
    name: str | None = field(default=None, compare=False)

    def __post_init__(self):
        if not isinstance(self.actions, tuple):
            object.__setattr__(self, "actions", tuple(self.actions))

    @property
    def label(self) -> str:
        """The step's name, else one derived from its code ("first_notice" ->
        "First notice")."""
        return self.name or step_label(self.code)


def step_label(code: str) -> str:
    """A readable name for a step code: "final_demand" -> "Final demand"."""
    return str(code).replace("_", " ").strip().capitalize()


@dataclass(frozen=True)
class AppliesTo:
    """Which customers a ladder is for. An empty criterion is not checked."""

    partner_tags: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    _folded_tags: frozenset[str] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self):
        object.__setattr__(self, "partner_tags", frozenset(self.partner_tags))
        object.__setattr__(self, "countries", frozenset(self.countries))
        object.__setattr__(
            self, "_folded_tags", frozenset(_fold(tag) for tag in self.partner_tags)
        )

    def matches(self, tags: Iterable[str] | None, country_code: str | None) -> bool:
        """True when every criterion given matches: a tag in common (compared
        without case) and the country among the countries."""
        if self._folded_tags and not any(
            _fold(tag) in self._folded_tags for tag in (tags or ()) if tag
        ):
            return False
        return not self.countries or bool(
            country_code and country_code.strip().upper() in self.countries
        )


def _fold(tag: str) -> str:
    return str(tag).strip().casefold()


@dataclass(frozen=True)
class Ladder:
    version: int
    code: str
    name: str
    applies_to: AppliesTo | None = None
    minimum_overdue: float = 0.0
    min_days_between_steps: int = 0
    quiet_weekdays: frozenset[int] = frozenset()
    promise_grace_days: int = 0
    on_broken_promise: str | None = None
    steps: tuple[Step, ...] = ()
    # Precomputed for the engine (not part of equality).
    _index: Mapping[str, int] = field(init=False, repr=False, compare=False, hash=False)
    _days: tuple[int, ...] = field(init=False, repr=False, compare=False, hash=False)
    _quiet_shift: tuple[int | None, ...] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self):
        set_ = object.__setattr__
        if not isinstance(self.steps, tuple):
            set_(self, "steps", tuple(self.steps))
        set_(self, "quiet_weekdays", frozenset(self.quiet_weekdays))
        index: dict[str, int] = {}
        for position, step in enumerate(self.steps):
            index.setdefault(step.code, position)
        set_(self, "_index", index)
        set_(self, "_days", tuple(step.day for step in self.steps))
        # For each weekday, how many days until the next day that is not quiet
        # (0 when it is not quiet; None when every day is quiet).
        shifts: list[int | None] = []
        for weekday in range(7):
            shift = next(
                (n for n in range(7) if (weekday + n) % 7 not in self.quiet_weekdays),
                None,
            )
            shifts.append(shift)
        set_(self, "_quiet_shift", tuple(shifts))

    @property
    def is_fallback(self) -> bool:
        """A ladder without ``applies_to`` is the company's fallback."""
        return self.applies_to is None

    @property
    def step_codes(self) -> tuple[str, ...]:
        return tuple(step.code for step in self.steps)

    def step_index(self, code: str) -> int | None:
        return self._index.get(code)

    def step(self, code: str) -> Step | None:
        index = self._index.get(code)
        return None if index is None else self.steps[index]

    def next_step(self, after_index: int | None) -> Step | None:
        """The step after index ``after_index`` (None: the first step)."""
        index = 0 if after_index is None else after_index + 1
        return self.steps[index] if 0 <= index < len(self.steps) else None

    def matches(self, tags: Iterable[str] | None, country_code: str | None) -> bool:
        return self.applies_to is None or self.applies_to.matches(tags, country_code)


# Parsing ----------------------------------------------------------------------


def parse_ladder(
    source: str,
    *,
    stages: Collection[str] | None = None,
    action_kinds: Mapping[str, ActionSchema] | None = None,
    check_template: Callable[[str], str | None] | None = None,
    kinds_installed: bool = False,
) -> Ladder:
    """Read and validate a ladder; raise ``LadderError`` with every problem.

    ``stages``: the stage codes a step may name (None: any). ``action_kinds``: the
    installed kinds (None: ``ACTION_SCHEMAS``). ``check_template(xmlid)``: an error
    message for a template parameter that does not name a usable template, or None.
    ``kinds_installed``: ``action_kinds`` are the kinds installed (Odoo), and an
    unknown kind is reported as not installed.
    """
    data, line_of = load_yaml(source)
    checker = Checker(line_of)
    parser = _Parser(
        checker,
        stages=stages,
        action_kinds=ACTION_SCHEMAS if action_kinds is None else action_kinds,
        check_template=check_template,
        kinds_installed=kinds_installed,
    )
    ladder = parser.parse(data)
    checker.raise_if_problems()
    if ladder is None:  # pragma: no cover - every refusal records a problem
        raise LadderError([Problem(None, "", "the ladder could not be read")])
    return ladder


def _listed(values: Iterable[object]) -> str:
    return ", ".join(str(value) for value in values) or "(none)"


class _Parser:
    def __init__(
        self, checker: Checker, *, stages, action_kinds, check_template, kinds_installed
    ):
        self.kinds_installed = kinds_installed
        self.c = checker
        if stages is None:
            self.stages = None
        else:
            ordered = (
                stages if isinstance(stages, list | tuple) else sorted(stages, key=str)
            )
            self.stages = tuple(ordered)
        self.kinds = action_kinds
        self.check_template = check_template
        self.step_codes: dict[str, str] | None = None  # code -> path, once read

    # The document ----------------------------------------------------------------

    def parse(self, data: object) -> Ladder | None:
        c = self.c
        if data is None:
            c.add(
                "",
                "the document is empty; expected a mapping with at least "
                "version, code, name and steps",
            )
            return None
        doc = c.expect_mapping(
            data,
            "",
            allowed=TOP_KEYS,
            required=TOP_REQUIRED,
            what="a mapping (version, code, name, steps, ...)",
        )
        if doc is None:
            return None

        version = self.c.get(doc, "version", "", self._version)
        code = self.c.get(
            doc,
            "code",
            "",
            lambda v, p: c.expect_string(v, p, pattern=CODE_PATTERN, what=CODE_WHAT),
        )
        name = self.c.get(doc, "name", "", lambda v, p: c.expect_string(v, p))
        applies_to = self.c.get(doc, "applies_to", "", self._applies_to)
        minimum_overdue = self.c.get(
            doc, "minimum_overdue", "", lambda v, p: c.expect_number(v, p, minimum=0)
        )
        min_days = self.c.get(doc, "min_days_between_steps", "", self._days_count)
        quiet = self.c.get(doc, "quiet_weekdays", "", self._quiet_weekdays)
        grace = self.c.get(doc, "promise_grace_days", "", self._days_count)
        steps = self.c.get(doc, "steps", "", self._steps)
        broken = self.c.get(doc, "on_broken_promise", "", self._broken_promise)
        if c.problems:
            return None
        return Ladder(
            version=version,
            code=code,
            name=name.strip(),
            applies_to=applies_to,
            minimum_overdue=minimum_overdue or 0.0,
            min_days_between_steps=min_days or 0,
            quiet_weekdays=quiet or frozenset(),
            promise_grace_days=grace or 0,
            on_broken_promise=broken,
            steps=tuple(steps),
        )

    def _version(self, value, path):
        return self.c.expect_version(value, path, SUPPORTED_VERSION)

    def _days_count(self, value, path):
        return self.c.expect_int(value, path, minimum=0, maximum=DAYS_LIMIT)

    def _applies_to(self, value, path):
        c = self.c
        mapping = c.expect_mapping(
            value,
            path,
            allowed=APPLIES_TO_KEYS,
            what="a mapping with partner_tags and/or countries",
        )
        if mapping is None:
            return None
        if not any(key in mapping for key in APPLIES_TO_KEYS):
            c.add(
                path,
                "expected partner_tags, countries or both (leave applies_to out "
                "for the company's fallback ladder)",
            )
            return None
        tags = self.c.get(mapping, "partner_tags", path, self._tags)
        countries = self.c.get(mapping, "countries", path, self._countries)
        if tags is None and countries is None:
            return None
        return AppliesTo(tags or frozenset(), countries or frozenset())

    def _tags(self, value, path):
        items = self.c.expect_list(value, path, non_empty=True, what="a list of tags")
        if items is None:
            return None
        tags = set()
        for index, item in enumerate(items):
            tag = self.c.expect_string(
                item, item_path(path, index), what="a tag name", plain_text_ok=True
            )
            if tag is not None:
                tags.add(tag.strip())
        return frozenset(tags)

    def _countries(self, value, path):
        c = self.c
        items = c.expect_list(
            value, path, non_empty=True, what="a list of country codes"
        )
        if items is None:
            return None
        countries = set()
        for index, item in enumerate(items):
            sub = item_path(path, index)
            code = c.expect_string(
                item,
                sub,
                plain_text_ok=True,
                pattern=r"[A-Z]{2}",
                what="a country code of 2 capital letters (ISO 3166, like SE)",
            )
            if code is None:
                continue
            if code not in COUNTRY_CODES:
                hint = COUNTRY_HINTS.get(code)
                c.add(
                    sub,
                    f"{code!r} is not an ISO 3166 country code"
                    + (f" (did you mean {hint!r}?)" if hint else ""),
                )
                continue
            countries.add(code)
        return frozenset(countries)

    def _quiet_weekdays(self, value, path):
        c = self.c
        items = c.expect_list(value, path, what=f"a list of days ({_listed(WEEKDAYS)})")
        if items is None:
            return None
        days: set[int] = set()
        for index, item in enumerate(items):
            sub = item_path(path, index)
            name = item.strip().lower() if isinstance(item, str) else None
            if name not in WEEKDAYS:
                c.add(
                    sub,
                    f"expected one of: {_listed(WEEKDAYS)}, got {describe_value(item)}",
                )
                continue
            weekday = WEEKDAYS.index(name)
            if weekday in days:
                c.add(sub, f"{name!r} is listed twice")
                continue
            days.add(weekday)
        if len(days) == 7:
            c.add(path, "every day of the week is quiet; nothing would ever be sent")
            return None
        return frozenset(days)

    def _broken_promise(self, value, path):
        c = self.c
        mapping = c.expect_mapping(
            value,
            path,
            allowed=BROKEN_PROMISE_KEYS,
            required=BROKEN_PROMISE_KEYS,
            what="a mapping like {step: final_demand}",
        )
        if mapping is None or "step" not in mapping:
            return None
        sub = child_path(path, "step")
        code = c.expect_string(mapping["step"], sub, what="a step code")
        if code is None:
            return None
        if self.step_codes is not None and code not in self.step_codes:
            c.add(
                sub,
                f"no step {code!r} in this ladder; its steps are: "
                f"{_listed(self.step_codes)}",
            )
            return None
        return code

    # Steps -------------------------------------------------------------------------

    def _steps(self, value, path):
        c = self.c
        items = c.expect_list(value, path, non_empty=True, what="a list of steps")
        if items is None:
            return None
        steps: list[Step] = []
        first_use: dict[str, str] = {}
        self.step_codes = first_use
        previous: tuple[str, int] | None = None  # (label, day) of the step before
        for index, item in enumerate(items):
            sub = item_path(path, index)
            mapping = c.expect_mapping(
                item,
                sub,
                allowed=STEP_KEYS,
                required=STEP_REQUIRED,
                what="a step (a mapping with code, day, stage, actions)",
            )
            if mapping is None:
                previous = None
                continue
            code = self.c.get(
                mapping,
                "code",
                sub,
                lambda v, p: c.expect_string(
                    v, p, pattern=CODE_PATTERN, what=CODE_WHAT
                ),
            )
            if code is not None:
                if code in first_use:
                    c.add(
                        child_path(sub, "code"),
                        f"duplicate step code {code!r}; {first_use[code]} already "
                        "uses it",
                    )
                else:
                    first_use[code] = sub
            label = f"step {code!r}" if code is not None else f"step {sub}"
            day = self.c.get(
                mapping,
                "day",
                sub,
                lambda v, p: c.expect_int(
                    v, p, minimum=-DAYS_LIMIT, maximum=DAYS_LIMIT
                ),
            )
            if day is not None and previous is not None and day <= previous[1]:
                c.add(
                    child_path(sub, "day"),
                    f"days must increase: {label} (day {day}) comes after "
                    f"{previous[0]} (day {previous[1]})",
                )
            previous = (label, day) if day is not None else None
            name = self.c.get(
                mapping,
                "name",
                sub,
                lambda v, p: c.expect_string(v, p, plain_text_ok=True),
            )
            stage = self.c.get(mapping, "stage", sub, self._stage)
            actions = self.c.get(mapping, "actions", sub, self._actions)
            if code is not None and day is not None and actions is not None:
                steps.append(
                    Step(
                        code=code,
                        day=day,
                        stage=stage,
                        actions=actions,
                        line=c.line(sub),
                        name=name.strip() if name else None,
                    )
                )
        return steps

    def _stage(self, value, path):
        if value is None:
            return None  # `stage:` left empty: the step does not change the stage
        stage = self.c.expect_string(value, path, what="a stage code")
        if stage is None:
            return None
        if self.stages is not None and stage not in self.stages:
            self.c.add(
                path, f"unknown stage {stage!r}; known stages: {_listed(self.stages)}"
            )
            return None
        return stage

    def _actions(self, value, path):
        c = self.c
        items = c.expect_list(value, path, non_empty=True, what="a list of actions")
        if items is None:
            return None
        actions = []
        ok = True
        for index, item in enumerate(items):
            action = self._action(item, item_path(path, index))
            if action is None:
                ok = False
            else:
                actions.append(action)
        return tuple(actions) if ok else None

    def _action(self, value, path) -> Action | None:
        c = self.c
        example = "like '- email: {template: ...}'"
        if not isinstance(value, Mapping):
            c.add(
                path,
                f"expected an action: a mapping with its kind as only key, "
                f"{example}, got {describe_value(value)}",
            )
            return None
        if len(value) != 1:
            if not value:
                c.add(
                    path,
                    f"expected an action: its kind as only key, {example}, "
                    "got an empty mapping",
                )
            else:
                keys = ", ".join(show_key(key) for key in value)
                c.add(
                    path,
                    f"an action has exactly one key, its kind; got {len(value)} keys: "
                    f"{keys} (are the parameters indented under the kind?)",
                )
            return None
        ((kind, raw_params),) = value.items()
        sub = child_path(path, kind)
        schema = self.kinds.get(kind) if isinstance(kind, str) else None
        if schema is None:
            installed = (
                f" (action kind {show_key(kind)} is not installed)"
                if self.kinds_installed
                else ""
            )
            c.add(
                sub,
                f"unknown action kind {show_key(kind)}{installed}; installed kinds: "
                f"{_listed(self.kinds)}",
            )
            return None
        if raw_params is None:
            raw_params = {}
        allowed = tuple(schema.params)
        params = c.expect_mapping(
            raw_params,
            sub,
            allowed=allowed,
            what=f"a mapping of parameters ({_listed(allowed)})"
            if allowed
            else "an empty mapping {}",
        )
        if params is None:
            return None
        ok = True
        values: dict[str, object] = {}
        for name, spec in schema.params.items():
            param_path = child_path(sub, name)
            raw = params.get(name, MISSING)
            if raw is MISSING or (raw is None and not spec.required):
                if spec.required:
                    c.add(param_path, f"required key {name!r} is missing")
                    ok = False
                elif spec.default is not None:
                    values[name] = spec.default
                continue
            checked = self._param(spec, raw, param_path)
            if checked is None:
                ok = False
                continue
            values[name] = checked
        if any(name not in schema.params for name in params):
            ok = False
        if not ok:
            return None
        written = [name for name in params if name in values]
        return Action(
            kind=kind,
            params=FrozenParams(values),
            line=c.line(path),
            written=tuple(written),
        )

    def _param(self, spec: ParamSpec, value, path):
        c = self.c
        kind = spec.type
        if kind == "bool":
            return c.expect_bool(value, path)
        if kind == "int":
            return c.expect_int(value, path, minimum=spec.minimum, maximum=spec.maximum)
        if kind == "number":
            number = c.expect_number(
                value, path, minimum=spec.minimum, maximum=spec.maximum
            )
            return number
        if kind == "choice":
            return c.expect_choice(value, path, spec.choices)
        if kind == "template":
            xmlid = c.expect_string(
                value,
                path,
                pattern=XMLID_PATTERN,
                what="the XML id of a mail template (module.name)",
            )
            if xmlid is not None and self.check_template is not None:
                error = self.check_template(xmlid)
                if error:
                    c.add(path, str(error))
                    return None
            return xmlid
        if kind == "user_ref":
            return c.expect_string(
                value, path, what="collector, salesperson or a user login"
            )
        return c.expect_string(value, path, non_empty=spec.required)


# Rendering --------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def dump_step(step: Step) -> str:
    """The step as written (code, day, stage, actions), as YAML: the snapshot of
    the rule stored on every event it produces. Steps are immutable, so a run
    dumps each step once, not once per invoice."""
    data: dict[str, object] = {"code": step.code, "day": step.day}
    if step.stage is not None:
        data["stage"] = step.stage
    actions = []
    for action in step.actions:
        names = action.params if action.written is None else action.written
        actions.append({action.kind: {name: action.params[name] for name in names}})
    data["actions"] = actions
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@functools.lru_cache(maxsize=1024)
def load_step(snapshot: str) -> Step:
    """The step back from its ``dump_step`` snapshot (parameters as written): what
    a retry of the step does, even when the ladder has changed since."""
    data = yaml.safe_load(snapshot) or {}
    actions = []
    for item in data.get("actions") or ():
        ((kind, params),) = item.items()
        actions.append(Action(kind, FrozenParams(params or {})))
    return Step(
        code=data["code"],
        day=data["day"],
        stage=data.get("stage"),
        actions=tuple(actions),
    )


@functools.lru_cache(maxsize=1024)
def step_signature(step: Step) -> str:
    """What a step does, without its code, day or stage: its actions' kinds and
    parameters as written (as in ``dump_step``, so that a step read back from its
    snapshot has the same signature). Two steps that send the same message have
    the same signature; a rename or a new day keeps it."""
    data = []
    for action in step.actions:
        names = action.params if action.written is None else action.written
        data.append(
            (action.kind, sorted((name, repr(action.params[name])) for name in names))
        )
    return hashlib.sha1(repr(data).encode(), usedforsecurity=False).hexdigest()[:20]


def describe_action(
    action: Action, schemas: Mapping[str, ActionSchema] | None = None
) -> str:
    """A short English text for an action (its schema's ``describe``), for tools
    outside Odoo; Odoo describes actions with its registrations' translatable
    texts."""
    schema = (ACTION_SCHEMAS if schemas is None else schemas).get(action.kind)
    if schema is not None and schema.describe is not None:
        return schema.describe(action.params)
    label = action.kind.replace("_", " ").capitalize()
    if not action.params:
        return label
    return f"{label}: " + ", ".join(
        f"{key}={value}" for key, value in action.params.items()
    )
