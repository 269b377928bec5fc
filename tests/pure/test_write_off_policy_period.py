"""The policy's optional ``auto_approval_period_days`` (format 1 addition)."""

import textwrap

import pytest
from ladder import LadderError
from ladder.write_off_policy import REASON_LABELS, REASONS, parse_write_off_policy

BASE = textwrap.dedent(
    """\
    version: 1
    bands:
      - max: 50
        reasons: [small_balance]
        approvals: []
      - approvals: [ar_collections.group_collections_manager]
    """
)


def test_period_is_optional():
    assert parse_write_off_policy(BASE).auto_approval_period_days is None


def test_period_is_read():
    policy = parse_write_off_policy(BASE + "auto_approval_period_days: 90\n")
    assert policy.auto_approval_period_days == 90


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "expected an integer from 1 to 3660, got an integer 0"),
        ("-3", "expected an integer from 1 to 3660, got an integer -3"),
        ("9999", "expected an integer from 1 to 3660, got an integer 9999"),
        ("30.5", "expected an integer, got a number 30.5"),
        ("ninety", "expected an integer, got a string 'ninety'"),
        ("true", "expected an integer, got a bool"),
    ],
)
def test_invalid_period_is_refused_with_its_line(value, expected):
    with pytest.raises(LadderError) as caught:
        parse_write_off_policy(BASE + f"auto_approval_period_days: {value}\n")
    found = [str(problem) for problem in caught.value.problems]
    assert len(found) == 1, found
    assert found[0].startswith("line 7, auto_approval_period_days: "), found
    assert expected in found[0], found


def test_period_problem_is_listed_with_the_others():
    source = BASE.replace("max: 50", "max: -1") + "auto_approval_period_days: 0\n"
    with pytest.raises(LadderError) as caught:
        parse_write_off_policy(source)
    paths = [problem.path for problem in caught.value.problems]
    assert paths == ["bands[0].max", "auto_approval_period_days"]


def test_reasons_are_one_list():
    assert tuple(REASON_LABELS) == REASONS
    assert all(REASON_LABELS[code] for code in REASONS)
