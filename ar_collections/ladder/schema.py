"""The ladder format (version 1): parsing and validation.

``parse_ladder`` reads YAML text into an immutable ``Ladder`` (``ladder.model``) or
raises ``LadderError`` listing every problem, each with its line, key path and what
was expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping

from .actions import ACTION_SCHEMAS, DAYS_LIMIT, ActionSchema, ParamSpec
from .checks import MISSING, Checker, describe_value, show_key
from .errors import LadderError, Problem
from .model import Action, AppliesTo, FrozenParams, Ladder, Step
from .yaml_source import child_path, item_path, load_yaml

__all__ = ["WEEKDAYS", "parse_ladder"]

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
    "portal",
)
TOP_REQUIRED = ("version", "code", "name", "steps")
APPLIES_TO_KEYS = ("partner_tags", "countries")
BROKEN_PROMISE_KEYS = ("step",)
PORTAL_KEYS = ("promise_max_days",)
PORTAL_PROMISE_MAX_DAYS = 30  # default of portal.promise_max_days
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
        portal_max = self.c.get(doc, "portal", "", self._portal)
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
            portal_promise_max_days=(
                PORTAL_PROMISE_MAX_DAYS if portal_max is None else portal_max
            ),
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

    def _portal(self, value, path):
        """``portal: {promise_max_days: N}``: how far out (1 to 365 days from
        today) a customer may promise to pay on the portal."""
        c = self.c
        mapping = c.expect_mapping(
            value,
            path,
            allowed=PORTAL_KEYS,
            what="a mapping like {promise_max_days: 30}",
        )
        if mapping is None:
            return None
        return self.c.get(
            mapping,
            "promise_max_days",
            path,
            lambda v, p: c.expect_int(v, p, minimum=1, maximum=365),
        )

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
