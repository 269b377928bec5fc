"""The optional ``name`` of a ladder step: what screens show instead of its code."""

from ar_collections.ladder import (
    LadderError,
    dump_step,
    parse_ladder,
    step_label,
    step_signature,
)

SOURCE = """
version: 1
code: named
name: Named steps
steps:
  - code: first_notice
    day: 7
    actions:
      - email: {template: m.first}
  - code: final_demand
    day: 30
    actions:
      - email: {template: m.final}
    name: Last warning before the agency
"""


def test_label_defaults_to_the_code_made_readable():
    ladder = parse_ladder(SOURCE)
    first = ladder.steps[0]
    assert first.name is None
    assert first.label == "First notice"
    assert step_label("write_off_review") == "Write off review"


def test_name_given_in_yaml_is_the_label():
    final = parse_ladder(SOURCE).steps[1]
    assert final.name == "Last warning before the agency"
    assert final.label == "Last warning before the agency"


def test_name_is_not_part_of_the_step_identity():
    named = parse_ladder(SOURCE).steps[1]
    unnamed = parse_ladder(
        SOURCE.replace("    name: Last warning before the agency\n", "")
    ).steps[1]
    assert named == unnamed
    assert dump_step(named) == dump_step(unnamed)
    assert "name" not in dump_step(named)
    assert step_signature(named) == step_signature(unnamed)


def test_name_must_be_text():
    bad = SOURCE.replace("name: Last warning before the agency", "name: [a, b]")
    try:
        parse_ladder(bad)
    except LadderError as error:
        paths = [problem.path for problem in error.problems]
        assert "steps[1].name" in paths
    else:
        raise AssertionError("a list as a step name was accepted")
