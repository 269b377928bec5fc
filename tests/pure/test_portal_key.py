"""Ladder key ``portal: {promise_max_days: N}``: how far out a portal promise may be."""

import textwrap

import pytest
from ladder import LadderError, parse_ladder

BASE = textwrap.dedent(
    """\
    version: 1
    code: base
    name: Base ladder
    {portal}
    steps:
      - code: first
        day: 7
        actions:
          - email: {{template: m.first}}
    """
)


def _parse(portal_line):
    return parse_ladder(BASE.format(portal=portal_line))


def _problems(portal_line):
    with pytest.raises(LadderError) as info:
        _parse(portal_line)
    return [
        (problem.line, problem.path, problem.message) for problem in info.value.problems
    ]


def test_default_is_30_days():
    assert _parse("").portal_promise_max_days == 30


def test_empty_portal_mapping_keeps_the_default():
    assert _parse("portal: {}").portal_promise_max_days == 30


@pytest.mark.parametrize("days", [1, 14, 90, 365])
def test_promise_max_days_is_read(days):
    ladder = _parse(f"portal: {{promise_max_days: {days}}}")
    assert ladder.portal_promise_max_days == days


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "expected an integer from 1 to 365, got an integer 0"),
        ("366", "expected an integer from 1 to 365, got an integer 366"),
        ("-5", "expected an integer from 1 to 365, got an integer -5"),
        ("ten", "expected an integer, got a string 'ten'"),
        ("7.5", "expected an integer, got a number 7.5"),
        ("true", "expected an integer, got a boolean true"),
    ],
)
def test_bad_promise_max_days_is_refused_with_line_and_path(value, expected):
    problems = _problems(f"portal: {{promise_max_days: {value}}}")
    assert len(problems) == 1
    line, path, message = problems[0]
    assert line == 4
    assert path == "portal.promise_max_days"
    assert expected in message


def test_unknown_portal_key_is_refused():
    problems = _problems("portal: {promise_days: 10}")
    assert any(
        path.startswith("portal") and "promise_days" in message
        for _line, path, message in problems
    )


def test_portal_must_be_a_mapping():
    problems = _problems("portal: 30")
    assert problems and problems[0][1] == "portal"
    assert "promise_max_days" in problems[0][2]


def test_ladder_equality_includes_the_portal_setting():
    assert _parse("portal: {promise_max_days: 10}") != _parse("")
