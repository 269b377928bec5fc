"""parse_ladder never fails with anything but LadderError, whatever it is given."""

import copy
import string

import yaml
from conftest import EXAMPLE_LADDER, SHIPPED_STAGES
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st
from ladder import (
    ACTION_SCHEMAS,
    Ladder,
    LadderError,
    Problem,
    describe_action,
    dump_step,
    parse_ladder,
)

FAST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TOP_KEYS = [
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
]
STEP_KEYS = ["code", "day", "stage", "actions"]
PARAM_NAMES = sorted({name for s in ACTION_SCHEMAS.values() for name in s.params})
WORDS = [
    "sat",
    "sun",
    "mon",
    "SE",
    "NO",
    "UK",
    "B2B",
    "call",
    "manual",
    "default",
    "uncollectible",
    "m.tpl",
    "overdue",
    "courtesy",
    "",
    "yes",
    "~",
    "1",
]


def check_total(source, **kwargs):
    """Parse; a Ladder or a well-formed LadderError, nothing else."""
    try:
        ladder = parse_ladder(source, **kwargs)
    except LadderError as error:
        assert error.problems
        lines = []
        for problem in error.problems:
            assert isinstance(problem, Problem)
            assert problem.line is None or (
                isinstance(problem.line, int) and problem.line >= 1
            )
            assert isinstance(problem.path, str)
            assert isinstance(problem.message, str) and problem.message
            assert str(problem)
            lines.append(problem.line)
        known = [line for line in lines if line is not None]
        assert known == sorted(known)
        assert None not in lines[: len(known)]  # problems without a line come last
        assert str(error).startswith("The ladder is not valid:\n- ")
        return None
    assert isinstance(ladder, Ladder)
    assert ladder.steps
    for step in ladder.steps:
        assert yaml.safe_load(dump_step(step))["code"] == step.code
        for action in step.actions:
            assert describe_action(action)
    return ladder


def check_all_ways(source, strict=None):
    """Without the database checks, with them, or (``strict`` given) one of both."""
    if strict is not True:
        check_total(source)
    if strict is not False:
        check_total(source, stages=SHIPPED_STAGES, check_template=lambda xmlid: None)


# (1) arbitrary text -------------------------------------------------------------------

YAMLISH = string.ascii_letters[:8] + string.digits[:3] + " \n\t:-[]{},#&*!|>'\"%@?.~<"


@FAST
@given(st.text(max_size=300))
def test_arbitrary_text(source):
    check_all_ways(source)


@FAST
@given(st.text(alphabet=YAMLISH, max_size=200))
def test_arbitrary_yaml_punctuation(source):
    check_all_ways(source)


@FAST
@given(st.lists(st.sampled_from(EXAMPLE_LADDER.splitlines()), max_size=40))
def test_shuffled_lines_of_the_example(lines):
    check_all_ways("\n".join(lines))


# (2) arbitrary YAML-able structures, dumped with yaml.safe_dump ---------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-4000, max_value=4000)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(WORDS)
    | st.dates()
)
keys = st.text(max_size=8) | st.integers() | st.none() | st.booleans()
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            keys | st.sampled_from(TOP_KEYS + STEP_KEYS), children, max_size=4
        )
    ),
    max_leaves=20,
)

params = st.dictionaries(st.sampled_from(PARAM_NAMES) | keys, values, max_size=4)
actions = st.one_of(
    st.dictionaries(
        st.sampled_from([*ACTION_SCHEMAS, "sms"]), st.none() | params, max_size=2
    ),
    values,
)
steps = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "code": st.sampled_from(["a", "b", "c", "Bad"]) | values,
            "day": st.integers(-40, 200) | values,
            "stage": st.sampled_from(SHIPPED_STAGES) | values,
            "actions": st.lists(actions, max_size=3) | values,
        },
    ),
    values,
)
documents = st.one_of(
    values,
    st.fixed_dictionaries(
        {},
        optional={
            "version": st.just(1) | values,
            "code": st.just("x") | values,
            "name": st.just("X") | values,
            "applies_to": st.fixed_dictionaries(
                {},
                optional={
                    "partner_tags": st.lists(scalars, max_size=3) | values,
                    "countries": st.lists(st.sampled_from(WORDS) | scalars, max_size=3),
                },
            )
            | values,
            "minimum_overdue": values,
            "min_days_between_steps": st.integers(-2, 10) | values,
            "quiet_weekdays": st.lists(st.sampled_from(WORDS), max_size=8) | values,
            "promise_grace_days": values,
            "on_broken_promise": st.fixed_dictionaries({"step": values}) | values,
            "steps": st.lists(steps, max_size=4) | values,
        },
    ),
)


@FAST
@given(documents)
def test_arbitrary_structures(document):
    check_all_ways(yaml.safe_dump(document, sort_keys=False))


# (3) random mutations of the valid example --------------------------------------------


def containers(data, path=()):
    """Every (path, container) in a loaded YAML document."""
    found = [(path, data)]
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict | list):
                found += containers(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            if isinstance(value, dict | list):
                found += containers(value, (*path, index))
    return found


EXAMPLE_DATA = yaml.safe_load(EXAMPLE_LADDER)
# YAML 1.1 reads the bare NO of ``countries: [SE, NO, FR, GR]`` as false; the ladder
# parser knows that country, but dumped back it would be ``false`` and every mutation
# of the example would be invalid from the start.
EXAMPLE_DATA["applies_to"]["countries"] = [
    "NO" if country is False else country
    for country in EXAMPLE_DATA["applies_to"]["countries"]
]
assert parse_ladder(yaml.safe_dump(EXAMPLE_DATA, sort_keys=False))
MUTATIONS = ["delete", "replace", "rename", "duplicate", "wrap", "null", "swap"]


def mutate_once(data, draw):
    _path, container = draw(st.sampled_from(containers(data)))
    if not container:
        return
    operation = draw(st.sampled_from(MUTATIONS))
    if isinstance(container, dict):
        key = draw(st.sampled_from(list(container)))
        if operation == "delete":
            del container[key]
        elif operation == "rename":
            new_key = draw(st.sampled_from(TOP_KEYS + STEP_KEYS + PARAM_NAMES) | keys)
            container[new_key] = container.pop(key)
        elif operation == "duplicate":
            container[draw(keys)] = copy.deepcopy(container[key])
        elif operation == "wrap":
            container[key] = [container[key]]
        elif operation == "null":
            container[key] = None
        else:
            container[key] = draw(values)
    else:
        index = draw(st.integers(0, len(container) - 1))
        if operation == "delete":
            del container[index]
        elif operation == "duplicate":
            container.insert(index, copy.deepcopy(container[index]))
        elif operation == "swap":
            other = draw(st.integers(0, len(container) - 1))
            container[index], container[other] = container[other], container[index]
        elif operation == "wrap":
            container[index] = [container[index]]
        elif operation == "null":
            container[index] = None
        else:
            container[index] = draw(values)


@FAST
@given(st.data())
def test_mutations_of_the_example(data):
    document = copy.deepcopy(EXAMPLE_DATA)
    for _ in range(data.draw(st.integers(1, 4))):
        mutate_once(document, data.draw)
    check_all_ways(yaml.safe_dump(document, sort_keys=False), data.draw(st.booleans()))


@FAST
@given(st.data())
def test_text_mutations_of_the_example(data):
    lines = EXAMPLE_LADDER.splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(0, len(lines) - 1))
        operation = data.draw(
            st.sampled_from(
                ["delete", "duplicate", "indent", "dedent", "insert", "cut"]
            )
        )
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, lines[index])
        elif operation == "indent":
            lines[index] = "  " + lines[index]
        elif operation == "dedent":
            lines[index] = lines[index][2:]
        elif operation == "insert":
            lines.insert(index, data.draw(st.text(alphabet=YAMLISH, max_size=30)))
        else:
            line = lines[index]
            cut = data.draw(st.integers(0, len(line)))
            lines[index] = line[:cut] + data.draw(st.text(max_size=5))
        if not lines:
            break
    check_all_ways("\n".join(lines), data.draw(st.booleans()))


# (4) one field of the valid example changed: both outcomes, valid and refused -------


def leaves(data, path=()):
    """Every (path, scalar value) in a loaded YAML document."""
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return [(path, data)]
    return [leaf for key, value in items for leaf in leaves(value, (*path, key))]


EXAMPLE_LEAVES = leaves(EXAMPLE_DATA)


def set_at(data, path, value):
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def replacements(original):
    """A value like the original (often still valid) or anything at all."""
    if isinstance(original, bool):
        alike = st.booleans()
    elif isinstance(original, int):
        alike = st.integers(original - 15, original + 15)
    elif isinstance(original, float):
        alike = st.floats(-5, original * 2 + 5, allow_nan=False)
    else:
        alike = st.sampled_from([original, *WORDS, *SHIPPED_STAGES]) | st.text(
            alphabet=string.ascii_lowercase + "_.", max_size=12
        )
    return alike | values


def parse_one_field_mutation(data):
    """Change one scalar of the example; return 'valid' or 'refused'."""
    document = copy.deepcopy(EXAMPLE_DATA)
    path, original = data.draw(st.sampled_from(EXAMPLE_LEAVES))
    set_at(document, path, data.draw(replacements(original)))
    source = yaml.safe_dump(document, sort_keys=False)
    loose = check_total(source)
    strict = check_total(
        source, stages=SHIPPED_STAGES, check_template=lambda xmlid: None
    )
    outcome = "valid" if strict is not None else "refused"
    if strict is not None:
        assert loose is not None  # what passes the strict checks passes the loose
    event(f"{outcome} ({'.'.join(map(str, path[:1]))})")
    target(1.0 if strict is not None else 0.0, label="valid documents")
    return outcome


def test_one_field_mutations_of_the_example():
    """Never anything but a Ladder or a LadderError; and the checks on valid ladders
    do run: the mutations reach both valid and refused documents."""
    seen = set()

    @FAST
    @given(st.data())
    def one_field_mutation(data):
        seen.add(parse_one_field_mutation(data))

    one_field_mutation()
    assert seen == {"valid", "refused"}
