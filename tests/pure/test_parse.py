"""parse_ladder: the DESIGN.md example, and every kind of invalid input."""

import pickle
import textwrap

import pytest
import yaml
from conftest import EXAMPLE_LADDER, SHIPPED_STAGES
from ladder import (
    ACTION_SCHEMAS,
    Action,
    AppliesTo,
    Ladder,
    LadderError,
    Problem,
    Step,
    describe_action,
    dump_step,
    parse_ladder,
)

# A small valid ladder; the comments give the line numbers the cases below use.
BASE = textwrap.dedent(
    """\
    version: 1
    code: base
    name: Base ladder
    steps:
      - code: first
        day: 7
        stage: overdue
        actions:
          - email: {template: m.first}
      - code: second
        day: 14
        actions:
          - activity: {type: call, due_in_days: 1}
    """
)
#   line 1 version, 2 code, 3 name, 4 steps, 5 "- code: first", 6 day: 7,
#   7 stage, 8 actions, 9 email, 10 "- code: second", 11 day: 14, 12 actions,
#   13 activity

ALL_KINDS = (
    "email, letter, activity, credit_hold, refer_to_agency, legal, request_write_off"
)


def problems_of(source, **kwargs):
    with pytest.raises(LadderError) as caught:
        parse_ladder(source, **kwargs)
    problems = caught.value.problems
    assert problems, "a LadderError always lists its problems"
    assert all(isinstance(problem, Problem) for problem in problems)
    return problems


def mutate(old, new, source=BASE):
    assert source.count(old) == 1, f"{old!r} must occur once in the base ladder"
    return source.replace(old, new)


def after_name(text):
    """BASE with ``text`` inserted as line 4, after ``name``."""
    return mutate("name: Base ladder\n", f"name: Base ladder\n{text}\n")


# The example of DESIGN.md -------------------------------------------------------------


def test_base_ladder_is_valid():
    ladder = parse_ladder(BASE, stages=SHIPPED_STAGES)
    assert ladder.step_codes == ("first", "second")


def test_design_example_parses(example_ladder):
    ladder = example_ladder
    assert ladder.version == 1
    assert ladder.code == "standard_b2b"
    assert ladder.name == "Standard B2B reminders"
    # NO is `false` in YAML 1.1; in a country list it is Norway.
    assert ladder.applies_to == AppliesTo(
        frozenset({"B2B"}), frozenset({"SE", "NO", "FR", "GR"})
    )
    assert not ladder.is_fallback
    assert ladder.minimum_overdue == 25.0
    assert isinstance(ladder.minimum_overdue, float)
    assert ladder.min_days_between_steps == 5
    assert ladder.quiet_weekdays == frozenset({5, 6})
    assert ladder.promise_grace_days == 0
    assert ladder.on_broken_promise is None
    assert [(s.code, s.day, s.stage) for s in ladder.steps] == [
        ("courtesy", -3, "reminded"),
        ("first_notice", 7, "overdue"),
        ("call", 14, "overdue"),
        ("final_demand", 30, "final_demand"),
        ("agency", 60, "agency"),
        ("write_off_review", 180, None),
    ]
    assert [s.line for s in ladder.steps] == [11, 16, 21, 26, 32, 37]
    call = ladder.step("call").actions[0]
    assert call.kind == "activity"
    assert call.line == 25
    assert dict(call.params) == {
        "type": "call",
        "assign": "collector",
        "summary": "Call about overdue invoices",
        "due_in_days": 1,
    }
    final = ladder.step("final_demand")
    assert [a.kind for a in final.actions] == ["email", "credit_hold"]
    # defaults are filled in
    assert dict(final.actions[0].params) == {
        "template": "ar_collections.mail_template_final_demand",
        "attach_statement": False,
    }
    assert dict(final.actions[1].params) == {
        "reason": "Final demand sent",
        "release": "when_paid",
    }
    assert dict(ladder.step("agency").actions[0].params) == {
        "agency": "default",
        "confirm": False,
    }
    assert dict(ladder.step("write_off_review").actions[0].params) == {
        "reason": "uncollectible"
    }


def test_example_parses_without_stage_list(example_source):
    assert parse_ladder(example_source).code == "standard_b2b"


def test_ladder_helpers(example_ladder):
    ladder = example_ladder
    assert ladder.step_index("call") == 2
    assert ladder.step_index("nope") is None
    assert ladder.step("nope") is None
    assert ladder.step("agency").day == 60
    assert ladder.next_step(None).code == "courtesy"
    assert ladder.next_step(0).code == "first_notice"
    assert ladder.next_step(5) is None
    fallback = parse_ladder(BASE)
    assert fallback.is_fallback
    assert fallback.applies_to is None
    assert fallback.matches([], None)
    # frozen, hashable values: safe to cache and share
    assert hash(ladder) == hash(parse_ladder(EXAMPLE_LADDER, stages=SHIPPED_STAGES))
    with pytest.raises(AttributeError):
        ladder.code = "x"
    with pytest.raises(TypeError):
        ladder.steps[0].actions[0].params["template"] = "x"


def test_ladder_pickles(example_ladder):
    copy = pickle.loads(pickle.dumps(example_ladder))
    assert copy == example_ladder
    assert copy.step_index("agency") == 4


@pytest.mark.parametrize(
    "tags, country, expected",
    [
        (["b2b"], "SE", True),  # tags compared without case
        (["Retail", "B2B "], "no", True),
        (["Retail"], "SE", False),
        ([], "SE", False),
        (["B2B"], "DE", False),
        (["B2B"], None, False),
        (None, "SE", False),
    ],
)
def test_applies_to_matches(example_ladder, tags, country, expected):
    assert example_ladder.applies_to.matches(tags, country) is expected
    assert example_ladder.matches(tags, country) is expected


def test_applies_to_with_one_criterion():
    only_tags = AppliesTo(partner_tags=frozenset({"VIP"}))
    assert only_tags.matches(["vip"], None)
    assert only_tags.matches(["VIP"], "DE")
    assert not only_tags.matches(["B2B"], "DE")
    only_countries = AppliesTo(countries=frozenset({"FR"}))
    assert only_countries.matches([], "FR")
    assert not only_countries.matches(["VIP"], "DE")


def test_optional_keys_and_defaults():
    source = after_name(
        "applies_to: {countries: [NO, XK]}\n"
        "minimum_overdue: 10\n"
        "promise_grace_days: 3\n"
        "quiet_weekdays: [Sun]\n"
        "on_broken_promise: {step: second}"
    )
    ladder = parse_ladder(source)
    assert ladder.applies_to.countries == frozenset({"NO", "XK"})
    assert ladder.applies_to.partner_tags == frozenset()
    assert ladder.minimum_overdue == 10.0
    assert ladder.promise_grace_days == 3
    assert ladder.quiet_weekdays == frozenset({6})
    assert ladder.on_broken_promise == "second"
    defaults = parse_ladder(BASE)
    assert defaults.minimum_overdue == 0.0
    assert defaults.min_days_between_steps == 0
    assert defaults.quiet_weekdays == frozenset()
    assert defaults.promise_grace_days == 0


@pytest.mark.parametrize(
    "written, params",
    [
        ("legal:", {}),
        ("legal: {}", {}),
        (
            "legal: {note: Sue them, assign: jdoe}",
            {"note": "Sue them", "assign": "jdoe"},
        ),
        ("letter: {template: m.letter}", {"template": "m.letter"}),
        ("activity: {}", {"type": "call", "assign": "collector", "due_in_days": 0}),
        (
            "activity: {summary: ~}",
            {"type": "call", "assign": "collector", "due_in_days": 0},
        ),
        (
            "credit_hold: {reason: Late, release: manual}",
            {"reason": "Late", "release": "manual"},
        ),
        (
            "email: {template: m.x, attach_statement: true}",
            {"template": "m.x", "attach_statement": True},
        ),
    ],
)
def test_action_forms(written, params):
    source = mutate("- email: {template: m.first}", f"- {written}")
    action = parse_ladder(source).steps[0].actions[0]
    assert dict(action.params) == params


def test_stage_may_be_left_out_or_empty():
    ladder = parse_ladder(mutate("    stage: overdue\n", "    stage:\n"))
    assert ladder.steps[0].stage is None
    ladder = parse_ladder(mutate("    stage: overdue\n", ""))
    assert ladder.steps[0].stage is None


# Invalid input: one problem each, with its line, path and message ---------------------

R = mutate  # short alias for the table

INVALID = [
    # the document
    (R("version: 1", "version: 2"), 1, "version", "unsupported version 2; expected 1"),
    (
        R("version: 1", "version: '1'"),
        1,
        "version",
        "expected an integer, got a string '1'",
    ),
    (R("version: 1\n", ""), 1, "version", "required key 'version' is missing"),
    (R("code: base", "code: Base B2B"), 2, "code", "expected a code"),
    (R("code: base", "code: 2b"), 2, "code", "got a string '2b'"),
    (R("code: base\n", ""), 1, "code", "required key 'code' is missing"),
    (
        R("name: Base ladder", "name: ''"),
        3,
        "name",
        "expected a non-empty string, got an empty string",
    ),
    (R("name: Base ladder", "name: [a]"), 3, "name", "expected a string, got a list"),
    (
        after_name("dunning: true"),
        4,
        "dunning",
        (
            "unknown key 'dunning'; expected one of: version, code, name, applies_to, "
            "minimum_overdue, min_days_between_steps, quiet_weekdays, "
            "promise_grace_days, on_broken_promise, steps"
        ),
    ),
    (
        after_name("minimum_overdue: -1"),
        4,
        "minimum_overdue",
        "expected a number >= 0, got an integer -1",
    ),
    (
        after_name("minimum_overdue: lots"),
        4,
        "minimum_overdue",
        "expected a number, got a string 'lots'",
    ),
    (
        after_name("minimum_overdue: true"),
        4,
        "minimum_overdue",
        "expected a number, got a boolean true",
    ),
    (after_name("minimum_overdue: .nan"), 4, "minimum_overdue", "expected a number"),
    (after_name("minimum_overdue: .inf"), 4, "minimum_overdue", "expected a number"),
    (
        after_name("min_days_between_steps: 2.5"),
        4,
        "min_days_between_steps",
        "expected an integer, got a number 2.5",
    ),
    (
        after_name("min_days_between_steps: -1"),
        4,
        "min_days_between_steps",
        "expected an integer from 0 to 3650, got an integer -1",
    ),
    (
        after_name("promise_grace_days: soon"),
        4,
        "promise_grace_days",
        "expected an integer, got a string 'soon'",
    ),
    (
        after_name("quiet_weekdays: sat"),
        4,
        "quiet_weekdays",
        "expected a list of days (mon, tue, wed, thu, fri, sat, sun), got a string",
    ),
    (
        after_name("quiet_weekdays: [sat, funday]"),
        4,
        "quiet_weekdays[1]",
        "expected one of: mon, tue, wed, thu, fri, sat, sun, got a string 'funday'",
    ),
    (
        after_name("quiet_weekdays: [sat, sat]"),
        4,
        "quiet_weekdays[1]",
        "'sat' is listed twice",
    ),
    (
        after_name("quiet_weekdays: [mon, tue, wed, thu, fri, sat, sun]"),
        4,
        "quiet_weekdays",
        "every day of the week is quiet",
    ),
    (
        after_name("applies_to: {}"),
        4,
        "applies_to",
        "expected partner_tags, countries or both",
    ),
    (after_name("applies_to:"), 4, "applies_to", "expected a mapping"),
    (
        after_name("applies_to: [B2B]"),
        4,
        "applies_to",
        "expected a mapping with partner_tags and/or countries, got a list",
    ),
    (
        after_name("applies_to: {partner_tags: B2B}"),
        4,
        "applies_to.partner_tags",
        "expected a list of tags, got a string 'B2B'",
    ),
    (
        after_name("applies_to: {partner_tags: ['']}"),
        4,
        "applies_to.partner_tags[0]",
        "expected a tag name, got an empty string",
    ),
    (
        after_name("applies_to: {countries: [se]}"),
        4,
        "applies_to.countries[0]",
        (
            "expected a country code of 2 capital letters (ISO 3166, like SE), "
            "got a string 'se'"
        ),
    ),
    (
        after_name("applies_to: {countries: [SE, UK]}"),
        4,
        "applies_to.countries[1]",
        "'UK' is not an ISO 3166 country code (did you mean 'GB'?)",
    ),
    (
        after_name("applies_to: {countries: []}"),
        4,
        "applies_to.countries",
        "with at least one item, got an empty list",
    ),
    (
        after_name("applies_to:\n  partner_tags: [B2B]\n  countries: [SE, XX]"),
        6,
        "applies_to.countries[1]",
        "'XX' is not an ISO 3166 country code",
    ),
    (
        after_name("on_broken_promise: {step: nope}"),
        4,
        "on_broken_promise.step",
        "no step 'nope' in this ladder; its steps are: first, second",
    ),
    (
        after_name("on_broken_promise: second"),
        4,
        "on_broken_promise",
        "expected a mapping like {step: final_demand}, got a string 'second'",
    ),
    # steps
    (
        R(BASE[BASE.index("steps:") :], "steps: []\n"),
        4,
        "steps",
        "expected a list of steps with at least one item, got an empty list",
    ),
    (
        R(BASE[BASE.index("steps:") :], "steps: first\n"),
        4,
        "steps",
        "expected a list of steps, got a string 'first'",
    ),
    (
        R(BASE[BASE.index("  - code: second") :], "  - second\n"),
        10,
        "steps[1]",
        "expected a step (a mapping with code, day, stage, actions), got a string",
    ),
    (R("  - code: first", "  - code: First"), 5, "steps[0].code", "expected a code"),
    (
        R("  - code: second", "  - code: first"),
        10,
        "steps[1].code",
        "duplicate step code 'first'; steps[0] already uses it",
    ),
    (
        R("    day: 14", "    day: 7"),
        11,
        "steps[1].day",
        "days must increase: step 'second' (day 7) comes after step 'first' (day 7)",
    ),
    (
        R("    day: 14", "    day: 3"),
        11,
        "steps[1].day",
        "days must increase: step 'second' (day 3) comes after step 'first' (day 7)",
    ),
    (
        R("    day: 7", "    day: seven"),
        6,
        "steps[0].day",
        "expected an integer, got a string 'seven'",
    ),
    (
        R("    day: 7", "    day: true"),
        6,
        "steps[0].day",
        "expected an integer, got a boolean true",
    ),
    (
        R("    day: 7", "    day: 7.5"),
        6,
        "steps[0].day",
        "expected an integer, got a number 7.5",
    ),
    (
        R("    day: 7", "    day: 2025-01-31"),
        6,
        "steps[0].day",
        "expected an integer, got a date 2025-01-31",
    ),
    (
        R("    day: 7", "    day: 99999"),
        6,
        "steps[0].day",
        "expected an integer from -3650 to 3650, got an integer 99999",
    ),
    (
        R("    day: 7\n", ""),
        5,
        "steps[0].day",
        "required key 'day' is missing",
    ),
    (
        R("    stage: overdue", "    stage: foo"),
        7,
        "steps[0].stage",
        (
            "unknown stage 'foo'; known stages: current, reminded, overdue, "
            "final_demand, agency, legal, written_off, paid"
        ),
    ),
    (
        R("    stage: overdue", "    stage: [overdue]"),
        7,
        "steps[0].stage",
        "expected a stage code, got a list",
    ),
    (
        R("    actions:\n      - email: {template: m.first}\n", ""),
        5,
        "steps[0].actions",
        "required key 'actions' is missing",
    ),
    (
        R("    actions:\n      - email: {template: m.first}\n", "    actions: []\n"),
        8,
        "steps[0].actions",
        "expected a list of actions with at least one item, got an empty list",
    ),
    # actions
    (
        R("- email: {template: m.first}", "- sms: {text: hi}"),
        9,
        "steps[0].actions[0].sms",
        f"unknown action kind 'sms'; installed kinds: {ALL_KINDS}",
    ),
    (
        R("- email: {template: m.first}", "- email"),
        9,
        "steps[0].actions[0]",
        "expected an action: a mapping with its kind as only key",
    ),
    (
        R("- email: {template: m.first}", "- email:\n        template: m.first"),
        9,
        "steps[0].actions[0]",
        (
            "an action has exactly one key, its kind; got 2 keys: 'email', 'template' "
            "(are the parameters indented under the kind?)"
        ),
    ),
    (
        R("{template: m.first}", "{template: m.first, tmpl: x}"),
        9,
        "steps[0].actions[0].email.tmpl",
        (
            "unknown key 'tmpl'; expected one of: template, attach_statement, "
            "attach_invoices, letterhead"
        ),
    ),
    (
        R("{template: m.first}", "{}"),
        9,
        "steps[0].actions[0].email.template",
        "required key 'template' is missing",
    ),
    (
        R("{template: m.first}", "{template: ~}"),
        9,
        "steps[0].actions[0].email.template",
        "got nothing (null)",
    ),
    (
        R("{template: m.first}", "{template: m.first, attach_statement: maybe}"),
        9,
        "steps[0].actions[0].email.attach_statement",
        "expected true or false, got a string 'maybe'",
    ),
    (
        R("{template: m.first}", "{template: first}"),
        9,
        "steps[0].actions[0].email.template",
        "expected the XML id of a mail template (module.name), got a string 'first'",
    ),
    (
        R("{template: m.first}", "m.first"),
        9,
        "steps[0].actions[0].email",
        (
            "expected a mapping of parameters (template, attach_statement, "
            "attach_invoices, letterhead), got a string 'm.first'"
        ),
    ),
    (
        R("{type: call, due_in_days: 1}", "{type: sms, due_in_days: 1}"),
        13,
        "steps[1].actions[0].activity.type",
        "expected one of: call, email, meeting, todo, got a string 'sms'",
    ),
    (
        R("due_in_days: 1", "due_in_days: true"),
        13,
        "steps[1].actions[0].activity.due_in_days",
        "expected an integer, got a boolean true",
    ),
    (
        R("due_in_days: 1", "due_in_days: -2"),
        13,
        "steps[1].actions[0].activity.due_in_days",
        "expected an integer from 0 to 3650, got an integer -2",
    ),
    (
        R("due_in_days: 1", "due_in_days: '1'"),
        13,
        "steps[1].actions[0].activity.due_in_days",
        "expected an integer, got a string '1'",
    ),
    (
        R("- activity: {type: call, due_in_days: 1}", "- credit_hold: {}"),
        13,
        "steps[1].actions[0].credit_hold.reason",
        "required key 'reason' is missing",
    ),
    (
        R("- activity: {type: call, due_in_days: 1}", "- credit_hold: {reason: ' '}"),
        13,
        "steps[1].actions[0].credit_hold.reason",
        "expected a non-empty string",
    ),
    (
        R("- activity: {type: call, due_in_days: 1}", "- credit_hold: {reason: yes}"),
        13,
        "steps[1].actions[0].credit_hold.reason",
        (
            "expected a string, got a boolean true (put it in quotes to make "
            "it text: 'yes')"
        ),
    ),
    (
        R(
            "- activity: {type: call, due_in_days: 1}",
            "- refer_to_agency: {agency: default, confirm: 1}",
        ),
        13,
        "steps[1].actions[0].refer_to_agency.confirm",
        "expected true or false, got an integer 1",
    ),
    (
        R(
            "- activity: {type: call, due_in_days: 1}",
            "- request_write_off: {reason: bad_luck}",
        ),
        13,
        "steps[1].actions[0].request_write_off.reason",
        (
            "expected one of: uncollectible, insolvent, small_balance, "
            "dispute_settlement, allowed_deduction, agency_returned, got a string"
        ),
    ),
    (
        R("- activity: {type: call, due_in_days: 1}", "- request_write_off:"),
        13,
        "steps[1].actions[0].request_write_off.reason",
        "required key 'reason' is missing",
    ),
    (
        R("- activity: {type: call, due_in_days: 1}", "- legal: {notes: x}"),
        13,
        "steps[1].actions[0].legal.notes",
        "unknown key 'notes'; expected one of: note, assign (did you mean 'note'?)",
    ),
]


@pytest.mark.parametrize(
    "source, line, path, message",
    INVALID,
    ids=[f"{case[2]}-{i}" for i, case in enumerate(INVALID)],
)
def test_invalid_input_is_reported(source, line, path, message):
    problems = problems_of(source, stages=SHIPPED_STAGES)
    assert [(p.line, p.path) for p in problems] == [(line, path)], problems
    assert message in problems[0].message
    assert str(problems[0]) == f"line {line}, {path}: {problems[0].message}"


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            R("    day: 7", "    dya: 7"),
            [
                (5, "steps[0].day", "required key 'day' is missing"),
                (
                    6,
                    "steps[0].dya",
                    (
                        "unknown key 'dya'; expected one of: code, day, stage, "
                        "actions, name (did you mean 'day'?)"
                    ),
                ),
            ],
        ),
        (
            R("steps:", "stpes:"),
            [
                (1, "steps", "required key 'steps' is missing"),
                (4, "stpes", "unknown key 'stpes'"),
            ],
        ),
        (
            after_name("applies_to: {tags: [B2B]}"),
            [
                (4, "applies_to.tags", "unknown key 'tags'"),
                (4, "applies_to", "expected partner_tags, countries or both"),
            ],
        ),
        (
            after_name("on_broken_promise: {stp: second}"),
            [
                (
                    4,
                    "on_broken_promise.stp",
                    "unknown key 'stp'; expected one of: step",
                ),
                (4, "on_broken_promise.step", "required key 'step' is missing"),
            ],
        ),
    ],
)
def test_mistakes_with_two_problems(source, expected):
    problems = problems_of(source)
    assert len(problems) == len(expected), problems
    for line, path, message in expected:
        assert any(
            p.line == line and p.path == path and message in p.message for p in problems
        ), (line, path, message, problems)


def test_every_problem_is_reported_sorted_by_line(example_source):
    source = (
        example_source.replace("countries: [SE, NO, FR, GR]", "countries: [SE, UK]")
        .replace("quiet_weekdays: [sat, sun]", "quiet_weekdays: [sat, sun, sat]")
        .replace("    day: 7\n", "    day: seven\n")
        .replace("  - code: call\n", "  - code: call\n    dya: 3\n")
        .replace("{template: ar_collections.mail_template_final_demand}", "{}")
        .replace("{reason: uncollectible}", "{reason: bad_luck}")
    )
    source += "code: again\n"
    problems = problems_of(source, stages=("reminded", "overdue"))
    found = [(p.line, p.path) for p in problems]
    assert found == [
        (6, "applies_to.countries[1]"),
        (9, "quiet_weekdays[2]"),
        (17, "steps[1].day"),
        (22, "steps[2].dya"),
        (29, "steps[3].stage"),  # final_demand is not a known stage here
        (31, "steps[3].actions[0].email.template"),
        (35, "steps[4].stage"),
        (41, "steps[5].actions[0].request_write_off.reason"),
        (42, "code"),  # duplicate key
    ]
    assert found == sorted(found, key=lambda item: item[0])
    text = str(LadderError(problems))
    assert text.startswith(
        "The ladder is not valid:\n- line 6, applies_to.countries[1]: "
    )
    assert text.count("\n- ") == len(problems)


def test_action_kinds_that_are_not_installed():
    kinds = {k: v for k, v in ACTION_SCHEMAS.items() if k != "credit_hold"}
    source = mutate("- email: {template: m.first}", "- credit_hold: {reason: x}")
    (problem,) = problems_of(source, action_kinds=kinds)
    assert problem.line == 9
    assert problem.path == "steps[0].actions[0].credit_hold"
    assert problem.message == (
        "unknown action kind 'credit_hold'; installed kinds: email, letter, activity, "
        "refer_to_agency, legal, request_write_off"
    )
    assert parse_ladder(source).steps[0].actions[0].kind == "credit_hold"


def test_check_template_is_called_for_every_template():
    calls = []

    def check_template(xmlid):
        calls.append(xmlid)
        if xmlid == "m.partner":
            return "template is on model res.partner, expected ar.collection.notice"
        return None

    source = mutate(
        "- activity: {type: call, due_in_days: 1}",
        "- letter: {template: m.partner}\n      - email: {template: m.other}",
    )
    (problem,) = problems_of(source, check_template=check_template)
    assert calls == ["m.first", "m.partner", "m.other"]
    assert (problem.line, problem.path) == (13, "steps[1].actions[0].letter.template")
    assert problem.message == (
        "template is on model res.partner, expected ar.collection.notice"
    )
    assert parse_ladder(BASE, check_template=lambda xmlid: None).code == "base"


# YAML-level problems ------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, line, text",
    [
        ("version: 1\ncode: x\n  name: y\n", 3, "mapping values are not allowed here"),
        ("version: 1\n\tcode: x\n", 2, "found character '\\t'"),
        ("version: 1\nname: [a, b\ncode: x\n", None, "expected ',' or ']'"),
        ("version: 1\ncode: 'x\n", None, "found unexpected end of stream"),
        ("version: 1\n---\ncode: x\n", 2, "expected a single document"),
        ("version: 1\ncode: \x07\n", 2, "unacceptable character #x0007"),
    ],
)
def test_yaml_syntax_error(source, line, text):
    (problem,) = problems_of(source)
    assert problem.path == ""
    assert problem.message.startswith("could not parse the YAML: ")
    assert text in problem.message
    if line is not None:
        assert problem.line == line
    else:
        assert isinstance(problem.line, int)
    assert str(problem).startswith(f"line {problem.line}, (document): could not parse")


@pytest.mark.parametrize("source", ["", "   \n", "# only a comment\n", "~\n"])
def test_empty_document(source):
    (problem,) = problems_of(source)
    assert problem.path == ""
    assert "the document is empty" in problem.message


@pytest.mark.parametrize("source", [None, False])
def test_no_source_at_all(source):
    (problem,) = problems_of(source)
    assert "the document is empty" in problem.message


@pytest.mark.parametrize(
    "source, found", [("- a\n- b\n", "a list"), ("hello\n", "a string")]
)
def test_document_must_be_a_mapping(source, found):
    (problem,) = problems_of(source)
    assert (problem.line, problem.path) == (1, "")
    assert problem.message.startswith("expected a mapping")
    assert found in problem.message


def test_duplicate_keys_are_reported():
    source = mutate("code: base\n", "code: base\ncode: other\n")
    source = source.replace("    day: 14\n", "    day: 14\n    day: 15\n")
    problems = problems_of(source)
    assert [(p.line, p.path) for p in problems] == [(3, "code"), (13, "steps[1].day")]
    assert problems[0].message == (
        "duplicate key 'code' (first written on line 2); only the last one would count"
    )
    assert "first written on line 12" in problems[1].message


def test_duplicate_keys_come_with_the_other_problems():
    source = mutate("code: base\n", "code: base\ncode: other\n")
    source = source.replace("day: 7", "day: x")
    problems = problems_of(source)
    assert [(p.line, p.path) for p in problems] == [(3, "code"), (7, "steps[0].day")]


def test_duplicate_action_kind_in_flow_mapping():
    source = mutate("{template: m.first}", "{template: m.first, template: m.second}")
    (problem,) = problems_of(source)
    assert (problem.line, problem.path) == (9, "steps[0].actions[0].email.template")
    assert problem.message.startswith("duplicate key 'template'")


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/object:ladder.schema.Ladder {{version: 1}}",
        "!!python/tuple [1, 2]",
        "!include other.yaml",
    ],
)
def test_python_tags_are_refused_and_never_run(tmp_path, tagged):
    marker = tmp_path / "executed"
    source = mutate("name: Base ladder", "name: " + tagged.format(marker=marker))
    (problem,) = problems_of(source)
    assert not marker.exists()
    assert (problem.line, problem.path) == (3, "name")
    assert "is not allowed: a ladder holds plain YAML data only" in problem.message
    assert problem.message.startswith("the tag !")


def test_unsafe_tag_in_a_key_and_in_a_list():
    source = (
        "version: 1\nsteps:\n  - !!python/object:x {}\n? !!python/name:os.system\n: 1\n"
    )
    problems = problems_of(source)
    assert [(p.line, p.path) for p in problems] == [(3, "steps[0]"), (4, "")]
    assert all("is not allowed" in p.message for p in problems)


def test_invalid_typed_scalar_has_its_line():
    (problem,) = problems_of(mutate("    day: 14", "    day: 2025-13-45"))
    assert (problem.line, problem.path) == (11, "steps[1].day")
    assert "2025-13-45" in problem.message
    (problem,) = problems_of(mutate("    day: 14", "    day: !!int fourteen"))
    assert (problem.line, problem.path) == (11, "steps[1].day")


def test_anchors_aliases_and_merge_keys():
    source = textwrap.dedent(
        """\
        version: 1
        code: anchors
        name: Anchors
        steps:
          - &first
            code: first
            day: 1
            actions: &mail
              - email: {template: m.x}
          - <<: *first
            code: second
            day: 2
          - code: third
            day: 3
            actions: *mail
        """
    )
    ladder = parse_ladder(source)
    assert [(s.code, s.day) for s in ladder.steps] == [
        ("first", 1),
        ("second", 2),
        ("third", 3),
    ]
    assert ladder.steps[2].actions[0].params["template"] == "m.x"
    # a problem inside merged content still finds a line
    problems = problems_of(source.replace("day: 2", "day: 0"))
    assert [(p.line, p.path) for p in problems] == [(12, "steps[1].day")]


def test_recursive_alias_does_not_hang():
    problems = problems_of("version: 1\nsteps: &s [*s]\n")
    assert problems


def test_billion_laughs_is_cheap():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    problems = problems_of("\n".join(lines) + "\n")
    assert any("unknown key 'a0'" in p.message for p in problems)


# Problem and LadderError --------------------------------------------------------------


def test_problem_text():
    assert (
        str(Problem(12, "steps[2].day", "expected an integer, got 'abc'"))
        == "line 12, steps[2].day: expected an integer, got 'abc'"
    )
    assert str(Problem(None, "steps", "x")) == "steps: x"
    assert str(Problem(3, "", "x")) == "line 3, (document): x"
    assert str(Problem(None, "", "x")) == "(document): x"


def test_ladder_error():
    problems = [Problem(1, "a", "one"), Problem(None, "", "two")]
    error = LadderError(problems)
    assert isinstance(error, ValueError)
    assert error.problems == problems
    assert str(error) == "The ladder is not valid:\n- line 1, a: one\n- (document): two"
    copy = pickle.loads(pickle.dumps(error))
    assert copy.problems == problems
    assert str(copy) == str(error)
    other = LadderError(problems, title="The write-off policy is not valid")
    assert str(other).startswith("The write-off policy is not valid:\n- line 1")


# dump_step and describe_action -------------------------------------------------------


def test_dump_step_is_the_step_as_written(example_ladder):
    written = yaml.safe_load(EXAMPLE_LADDER)["steps"]
    for step, original in zip(example_ladder.steps, written, strict=True):
        text = dump_step(step)
        assert yaml.safe_load(text) == original
        assert text.startswith(f"code: {step.code}\nday: {step.day}\n")


def test_dump_step_parses_back(example_ladder):
    body = "".join(
        textwrap.indent(dump_step(step), "    ").replace("    code:", "  - code:", 1)
        for step in example_ladder.steps
    )
    source = "version: 1\ncode: again\nname: Again\nsteps:\n" + body
    again = parse_ladder(source)
    assert [dump_step(s) for s in again.steps] == [
        dump_step(s) for s in example_ladder.steps
    ]


def test_dump_step_forms():
    step = parse_ladder(mutate("- email: {template: m.first}", "- legal:")).steps[0]
    assert dump_step(step) == (
        "code: first\nday: 7\nstage: overdue\nactions:\n- legal: {}\n"
    )
    built = Step("hand_made", 3, actions=(Action("letter", {"template": "m.letter"}),))
    assert yaml.safe_load(dump_step(built)) == {
        "code": "hand_made",
        "day": 3,
        "actions": [{"letter": {"template": "m.letter"}}],
    }


@pytest.mark.parametrize(
    "kind, params, text",
    [
        (
            "email",
            {"template": "ar_collections.mail_template_first_notice"},
            "E-mail (ar_collections.mail_template_first_notice)",
        ),
        (
            "email",
            {"template": "m.x", "attach_statement": True},
            "E-mail (m.x) with the statement attached",
        ),
        ("letter", {"template": "m.letter"}, "Letter (m.letter)"),
        (
            "activity",
            {"type": "call", "assign": "collector", "due_in_days": 1},
            "Call activity for the collector, due in 1 day",
        ),
        (
            "activity",
            {"type": "todo", "assign": "salesperson", "due_in_days": 3},
            "To-do activity for the salesperson, due in 3 days",
        ),
        (
            "activity",
            {"type": "meeting", "assign": "jdoe", "due_in_days": 0},
            "Meeting activity for user jdoe, due today",
        ),
        (
            "credit_hold",
            {"reason": "Final demand sent"},
            "Credit hold: Final demand sent",
        ),
        (
            "credit_hold",
            {"reason": "Late", "release": "manual"},
            "Credit hold: Late (released by hand)",
        ),
        (
            "refer_to_agency",
            {"agency": "default"},
            "Refer to the default collection agency",
        ),
        (
            "refer_to_agency",
            {"agency": "acme", "confirm": True},
            "Refer to collection agency acme, sent at once",
        ),
        ("legal", {}, "Hand over to legal"),
        (
            "legal",
            {"note": "Small claims", "assign": "jdoe"},
            "Hand over to legal (user jdoe): Small claims",
        ),
        (
            "request_write_off",
            {"reason": "uncollectible"},
            "Write-off request: uncollectible",
        ),
        ("sms_blast", {"text": "Pay"}, "Sms blast: text=Pay"),
    ],
)
def test_describe_action(kind, params, text):
    assert describe_action(Action(kind, params)) == text


def test_describe_the_example(example_ladder):
    texts = [
        [describe_action(a) for a in step.actions] for step in example_ladder.steps
    ]
    assert texts == [
        ["E-mail (ar_collections.mail_template_courtesy)"],
        ["E-mail (ar_collections.mail_template_first_notice)"],
        ["Call activity for the collector, due in 1 day"],
        [
            "E-mail (ar_collections.mail_template_final_demand)",
            "Credit hold: Final demand sent",
        ],
        ["Refer to the default collection agency"],
        ["Write-off request: uncollectible"],
    ]


def test_hand_built_ladder():
    ladder = Ladder(
        1,
        "hand",
        "Hand made",
        steps=[Step("a", 1), Step("b", 5)],
    )
    assert ladder.steps == (Step("a", 1), Step("b", 5))
    assert ladder.step_index("b") == 1
    assert ladder.is_fallback
