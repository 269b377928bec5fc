"""load_yaml (lines of key paths, duplicates) and the reusable Checker."""

import textwrap

import pytest
from conftest import EXAMPLE_LADDER
from ladder import Checker, LadderError, Problem, load_yaml


def test_lines_of_key_paths():
    data, line_of = load_yaml(EXAMPLE_LADDER)
    assert data["code"] == "standard_b2b"
    assert line_of("") == 1
    assert line_of("version") == 1
    assert line_of("applies_to") == 4
    assert line_of("applies_to.countries") == 6
    assert line_of("applies_to.countries[1]") == 6
    assert line_of("quiet_weekdays[1]") == 9
    assert line_of("steps") == 10
    assert line_of("steps[0]") == 11
    assert line_of("steps[0].day") == 12
    assert line_of("steps[2].actions[0].activity.due_in_days") == 25
    assert line_of("steps[3].actions[1].credit_hold.reason") == 31
    assert line_of("steps[5].actions[0]") == 40
    assert line_of.problems == []


def test_missing_paths_get_the_nearest_parent_line():
    _data, line_of = load_yaml(EXAMPLE_LADDER)
    assert line_of("steps[2].actions[0].activity.nope") == 25
    assert line_of("steps[2].stage.deeper[3].still") == 23
    assert line_of("steps[9].code") == 10
    assert line_of("nope") == 1
    assert line_of("nope.deeper[2]") == 1


def test_block_style_lines():
    source = textwrap.dedent(
        """\
        a:
          b:
            - x
            -
              c: 1
              d:
                e: 2
        """
    )
    data, line_of = load_yaml(source)
    assert data == {"a": {"b": ["x", {"c": 1, "d": {"e": 2}}]}}
    assert line_of("a.b") == 2
    assert line_of("a.b[0]") == 3
    assert line_of("a.b[1]") == 5  # the item starts at its first key
    assert line_of("a.b[1].c") == 5
    assert line_of("a.b[1].d.e") == 7


def test_duplicates_are_returned_not_raised():
    data, line_of = load_yaml("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert data == {"a": 3, "b": {"c": 2}}
    assert [(p.line, p.path) for p in line_of.problems] == [(4, "b.c"), (5, "a")]
    assert line_of("a") == 5  # the occurrence that counts


def test_non_string_keys_have_paths():
    data, line_of = load_yaml("7: a\nnull: b\ntrue: c\n")
    assert data == {7: "a", None: "b", True: "c"}
    assert (line_of("7"), line_of("None"), line_of("True")) == (1, 2, 3)


def test_syntax_error_raises_with_the_line():
    with pytest.raises(LadderError) as caught:
        load_yaml("a: 1\nb: [1, 2\n")
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert problem.message.startswith("could not parse the YAML: ")


def test_bytes_and_nothing():
    data, line_of = load_yaml("a: é\n".encode())
    assert data == {"a": "é"}
    data, line_of = load_yaml("")
    assert data is None
    assert line_of("") is None
    with pytest.raises(LadderError):
        load_yaml(b"\xff\xfe\x00")
    with pytest.raises(LadderError):
        load_yaml(42)


# The Checker, as another YAML format (the write-off policy) would use it -------------

POLICY = textwrap.dedent(
    """\
    version: 1
    bands:
      - max: 50
        reasons: [small_balance]
        approvals: []
      - max: lots
        approvals: [ar_collections.group_collections_manager]
      - aprovals: []
    postmortem_required_above: -5
    """
)


def parse_policy(source):
    title = "The write-off policy is not valid"
    data, checker = Checker.load(source, title=title)
    policy = checker.expect_mapping(
        data,
        "",
        allowed=("version", "bands", "posting", "postmortem_required_above"),
        required=("version", "bands"),
    )
    if policy is not None:
        checker.expect_int(policy.get("version"), "version", minimum=1, maximum=1)
        bands = checker.expect_list(policy.get("bands"), "bands", non_empty=True)
        for index, band in enumerate(bands or ()):
            path = checker.item("bands", index)
            band = checker.expect_mapping(
                band,
                path,
                allowed=("max", "reasons", "approvals"),
                required=("approvals",),
            )
            if band is None:
                continue
            if "max" in band:
                checker.expect_number(
                    band["max"], checker.child(path, "max"), minimum=0
                )
            if "reasons" in band:
                reasons = checker.expect_list(band["reasons"], f"{path}.reasons")
                for i, reason in enumerate(reasons or ()):
                    checker.expect_choice(
                        reason, f"{path}.reasons[{i}]", ("small_balance", "insolvent")
                    )
        if "postmortem_required_above" in policy:
            checker.expect_number(
                policy["postmortem_required_above"],
                "postmortem_required_above",
                minimum=0,
            )
    checker.raise_if_problems()
    return policy


def test_checker_serves_other_formats():
    with pytest.raises(LadderError) as caught:
        parse_policy(POLICY)
    error = caught.value
    assert [(p.line, p.path) for p in error.problems] == [
        (6, "bands[1].max"),
        (8, "bands[2].aprovals"),
        (8, "bands[2].approvals"),
        (9, "postmortem_required_above"),
    ]
    assert error.problems[0].message == "expected a number, got a string 'lots'"
    assert "(did you mean 'approvals'?)" in error.problems[1].message
    assert error.problems[2].message == "required key 'approvals' is missing"
    assert str(error).startswith("The write-off policy is not valid:\n- line 6, ")
    fixed = POLICY.replace("max: lots", "max: 5000").replace("aprovals", "approvals")
    fixed = fixed.replace("-5", "1000")
    assert parse_policy(fixed)["postmortem_required_above"] == 1000


def test_checker_takes_over_duplicate_key_problems():
    with pytest.raises(LadderError) as caught:
        parse_policy("version: 1\nversion: 1\nbands: [{approvals: []}]\n")
    assert caught.value.problems == [
        Problem(
            2,
            "version",
            "duplicate key 'version' (first written on line 1); "
            "only the last one would count",
        )
    ]


def test_checker_without_lines():
    checker = Checker()
    assert checker.expect_int("3", "x") is None
    assert checker.expect_bool(True, "y") is True
    assert checker.expect_string("  ", "z") is None
    assert checker.expect_string("", "z", non_empty=False) == ""
    assert checker.expect_number(10**400, "big") is None
    assert [str(p) for p in checker.problems] == [
        "x: expected an integer, got a string '3'",
        "z: expected a non-empty string, got a string '  '",
        "big: expected a number, got a number too large to use",
    ]
