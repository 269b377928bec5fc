"""The write-off policy format: parsing, validation messages, bands, posting."""

import string
import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st
from ladder import LadderError, Problem
from ladder.write_off_policy import (
    REASONS,
    Band,
    WriteOffPolicy,
    parse_write_off_policy,
    policy_problems,
)

MANAGER = "ar_collections.group_collections_manager"
ACCOUNTANT = "account.group_account_manager"
GROUPS = (MANAGER, ACCOUNTANT, "ar_collections.group_collections_user")

# The example of DESIGN.md ("The write-off policy format (version 1)"), verbatim.
EXAMPLE = textwrap.dedent(
    """\
    version: 1
    bands:                        # the first band that matches the request's amount and reason applies
      - max: 50                   # company currency, inclusive
        reasons: [small_balance]  # optional; without it every reason matches
        approvals: []             # none: approved at once
      - max: 5000
        approvals: [ar_collections.group_collections_manager]
      - approvals: [ar_collections.group_collections_manager, account.group_account_manager]
    posting:
      credit_note: [allowed_deduction, dispute_settlement]   # the other reasons post to the bad-debt account
      bad_debt_account: "6xxxxx"  # account code
    postmortem_required_above: 1000
    """  # noqa: E501
)


def problems(source, **kwargs):
    return [str(problem) for problem in policy_problems(source, **kwargs)]


def assert_problem(source, *fragments, **kwargs):
    found = problems(source, **kwargs)
    text = "\n".join(found)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    return found


# The example --------------------------------------------------------------------------


def test_example_parses():
    policy = parse_write_off_policy(EXAMPLE, known_groups=GROUPS)
    assert isinstance(policy, WriteOffPolicy)
    assert policy.version == 1
    assert len(policy.bands) == 3
    assert policy.bands[0] == Band(50.0, frozenset({"small_balance"}), (), line=3)
    assert policy.bad_debt_account == "6xxxxx"
    assert policy.postmortem_required_above == 1000
    assert policy.credit_note_reasons == {"allowed_deduction", "dispute_settlement"}


@pytest.mark.parametrize(
    ("amount", "reason", "approvals"),
    [
        (10, "small_balance", ()),
        (50, "small_balance", ()),  # max is inclusive
        (50.01, "small_balance", (MANAGER,)),
        (10, "uncollectible", (MANAGER,)),  # small band is for small balances only
        (5000, "insolvent", (MANAGER,)),
        (5000.01, "insolvent", (MANAGER, ACCOUNTANT)),
        (10**9, "allowed_deduction", (MANAGER, ACCOUNTANT)),
    ],
)
def test_band_for_each_band(amount, reason, approvals):
    policy = parse_write_off_policy(EXAMPLE)
    assert policy.band_for(amount, reason).approvals == approvals


def test_posting_method_and_postmortem():
    policy = parse_write_off_policy(EXAMPLE)
    assert policy.posting_method("allowed_deduction") == "credit_note"
    assert policy.posting_method("dispute_settlement") == "credit_note"
    for reason in ("uncollectible", "insolvent", "small_balance", "agency_returned"):
        assert policy.posting_method(reason) == "bad_debt"
    assert not policy.postmortem_required(1000)
    assert policy.postmortem_required(1000.01)
    with pytest.raises(ValueError):
        policy.posting_method("bogus")
    with pytest.raises(ValueError):
        policy.band_for(1, "bogus")


def test_amount_above_every_band_is_not_covered():
    policy = parse_write_off_policy(
        "version: 1\nbands:\n  - max: 100\n    approvals: []\n"
    )
    assert policy.band_for(100, "insolvent").approvals == ()
    assert policy.band_for(100.5, "insolvent") is None


def test_defaults_when_posting_is_left_out():
    policy = parse_write_off_policy("version: 1\nbands:\n  - approvals: []\n")
    assert policy.credit_note_reasons == {"allowed_deduction", "dispute_settlement"}
    assert policy.bad_debt_account is None
    assert policy.postmortem_required_above is None
    assert not policy.postmortem_required(10**9)


def test_account_code_written_as_a_number_is_text():
    source = EXAMPLE.replace('"6xxxxx"', "600000")
    assert parse_write_off_policy(source).bad_debt_account == "600000"


def test_empty_credit_note_list_posts_everything_to_bad_debt():
    source = EXAMPLE.replace(
        "credit_note: [allowed_deduction, dispute_settlement]", "credit_note: []"
    )
    policy = parse_write_off_policy(source)
    assert all(policy.posting_method(reason) == "bad_debt" for reason in REASONS)


def test_same_max_allowed_after_a_band_with_reasons():
    source = textwrap.dedent(
        """\
        version: 1
        bands:
          - max: 100
            reasons: [small_balance]
            approvals: []
          - max: 100
            approvals: [a.b]
        """
    )
    policy = parse_write_off_policy(source)
    assert policy.band_for(100, "small_balance").approvals == ()
    assert policy.band_for(100, "insolvent").approvals == ("a.b",)


def test_duplicate_group_means_two_members():
    policy = parse_write_off_policy(
        f"version: 1\nbands:\n  - approvals: [{MANAGER}, {MANAGER}]\n"
    )
    assert policy.bands[0].approvals == (MANAGER, MANAGER)


# Validation: every problem, with line, path and what was expected ---------------------


def test_every_problem_is_listed_with_line_and_path():
    source = textwrap.dedent(
        """\
        version: 1
        bands:
          - max: -5
            reasons: [small_balance, lost]
            approvals: [ar_collections.group_collections_manager]
            colour: red
          - max: 10
            approvals: nobody
        posting:
          credit_note: [allowed_deduction]
          bad_debt_account: "999"
        postmortem_required_above: many
        """
    )
    with pytest.raises(LadderError) as caught:
        parse_write_off_policy(
            source,
            known_groups=GROUPS,
            check_account=lambda code: f"no account with code {code!r}",
        )
    error = caught.value
    assert str(error).startswith("The write-off policy is not valid:\n- ")
    found = [str(problem) for problem in error.problems]
    assert found == [
        "line 3, bands[0].max: expected a number >= 0, got an integer -5",
        (
            "line 4, bands[0].reasons[1]: expected one of: uncollectible, insolvent, "
            "small_balance, dispute_settlement, allowed_deduction, agency_returned, "
            "goods_returned, got a string 'lost'"
        ),
        (
            "line 6, bands[0].colour: unknown key 'colour'; expected one of: max, "
            "reasons, approvals"
        ),
        (
            "line 8, bands[1].approvals: expected a list of group XML ids ([] for no "
            "approval), got a string 'nobody'"
        ),
        "line 11, posting.bad_debt_account: no account with code '999'",
        "line 12, postmortem_required_above: expected a number, got a string 'many'",
    ]


def test_bands_not_increasing():
    source = textwrap.dedent(
        """\
        version: 1
        bands:
          - max: 5000
            approvals: []
          - max: 50
            approvals: []
        """
    )
    assert_problem(
        source,
        "line 5, bands[1].max: bands must be in increasing order of max: band 2 "
        "(max 50) comes after band 1 (max 5000)",
    )


def test_same_max_after_a_band_for_every_reason_is_refused():
    source = "version: 1\nbands:\n  - max: 5\n    approvals: []\n  - max: 5\n"
    source += "    approvals: []\n"
    assert_problem(source, "bands[1].max: bands must be in increasing order")


def test_open_band_must_be_last():
    source = textwrap.dedent(
        """\
        version: 1
        bands:
          - approvals: []
          - max: 50
            approvals: []
        """
    )
    assert_problem(
        source,
        "line 4, bands[1]: this band can never apply: band 1 has no max, so it must "
        "be the last band",
    )


def test_unknown_group_by_collection_and_by_callback():
    source = "version: 1\nbands:\n  - approvals: [base.group_nobody]\n"
    assert_problem(
        source,
        "line 3, bands[0].approvals[0]: unknown group 'base.group_nobody'",
        known_groups=GROUPS,
    )
    assert_problem(
        source,
        "bands[0].approvals[0]: no group base.group_nobody",
        known_groups=lambda xmlid: f"no group {xmlid}",
    )
    assert not problems(source, known_groups=lambda xmlid: None)


def test_group_must_look_like_an_xml_id():
    assert_problem(
        "version: 1\nbands:\n  - approvals: [Managers]\n",
        "bands[0].approvals[0]: expected the XML id of a user group (module.name), "
        "got a string 'Managers'",
    )


def test_unknown_account_by_callback():
    source = EXAMPLE.replace('"6xxxxx"', "'600000'")
    assert not problems(source, check_account=lambda code: None)
    assert_problem(
        source,
        "line 11, posting.bad_debt_account: nope 600000",
        check_account=lambda code: f"nope {code}",
    )


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("", "(document): the document is empty; expected a mapping"),
        ("- 1\n", "expected a mapping (version, bands"),
        ("version: 1\n", "bands: required key 'bands' is missing"),
        ("bands: [{approvals: []}]\n", "version: required key 'version' is missing"),
        ("version: 2\nbands: [{approvals: []}]\n", "unsupported version 2"),
        ("version: 1\nbands: []\n", "expected a list of bands with at least one"),
        ("version: 1\nbands: [{max: 5}]\n", "required key 'approvals' is missing"),
        ("version: 1\nbands: [7]\n", "bands[0]: expected a band"),
        ("version: 1\nbands: [{approvals: [], max: yes}]\n", "got a boolean true"),
        ("version: 1\nbands: [{approvals: [], reasons: []}]\n", "at least one item"),
        (
            "version: 1\nband: []\n",
            (
                "unknown key 'band'; expected one of: version, "
                "bands, posting, postmortem_required_above (did you mean 'bands'?)"
            ),
        ),
        (
            "version: 1\nbands: [{approvals: []}]\nposting: {credit_note: [nope]}\n",
            "posting.credit_note[0]: expected one of:",
        ),
        (
            "version: 1\nbands: [{approvals: []}]\nposting: {bad_debt: x}\n",
            "posting.bad_debt: unknown key 'bad_debt'",
        ),
        (
            "version: 1\nbands: [{approvals: []}]\nposting: 5\n",
            "posting: expected a mapping with credit_note and/or bad_debt_account",
        ),
        (
            "version: 1\nbands: [{approvals: []}]\npostmortem_required_above: -1\n",
            "expected a number >= 0, got an integer -1",
        ),
        ("version: 1\nversion: 1\nbands: [{approvals: []}]\n", "duplicate key"),
        ("version: 1\nbands: [{approvals: [}\n", "could not parse the YAML"),
        ("version: !!python/object:os.system 1\nbands: []\n", "is not allowed"),
    ],
)
def test_invalid_documents(source, fragment):
    assert_problem(source, fragment)


# No input crashes with anything but the validation error ------------------------------

FAST = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_total(source, **kwargs):
    try:
        policy = parse_write_off_policy(source, **kwargs)
    except LadderError as error:
        assert error.problems
        lines = []
        for problem in error.problems:
            assert isinstance(problem, Problem)
            assert problem.line is None or problem.line >= 1
            assert isinstance(problem.message, str) and problem.message
            lines.append(problem.line)
        known = [line for line in lines if line is not None]
        assert known == sorted(known)
        assert str(error).startswith("The write-off policy is not valid:\n- ")
        return None
    assert isinstance(policy, WriteOffPolicy)
    assert policy.bands
    for reason in REASONS:
        band = policy.band_for(0, reason)
        assert band is None or isinstance(band.approvals, tuple)
        assert policy.posting_method(reason) in ("credit_note", "bad_debt")
    return policy


def check_all_ways(source):
    check_total(source)
    check_total(
        source,
        known_groups=GROUPS,
        check_account=lambda code: None if code.isdigit() else "not a code",
    )


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
@given(st.lists(st.sampled_from(EXAMPLE.splitlines()), max_size=20))
def test_shuffled_lines_of_the_example(lines):
    check_all_ways("\n".join(lines))


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.sampled_from([*REASONS, *GROUPS, "600000", "", "a.b", "yes"])
    | st.dates()
)
keys = st.text(max_size=8) | st.integers() | st.none() | st.booleans()
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=16,
)
bands = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "max": st.integers(-10, 10000) | st.floats() | values,
            "reasons": st.lists(st.sampled_from([*REASONS, "x"]), max_size=3) | values,
            "approvals": st.lists(st.sampled_from([*GROUPS, "x"]), max_size=3) | values,
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
            "bands": st.lists(bands, max_size=4) | values,
            "posting": st.fixed_dictionaries(
                {},
                optional={
                    "credit_note": st.lists(st.sampled_from(REASONS), max_size=3)
                    | values,
                    "bad_debt_account": st.sampled_from(["600000", 600000, "x"])
                    | values,
                },
            )
            | values,
            "postmortem_required_above": st.integers(-5, 5000) | values,
        },
    ),
)


@FAST
@given(documents)
def test_arbitrary_structures(document):
    check_all_ways(yaml.safe_dump(document, sort_keys=False))


@st.composite
def valid_policies(draw):
    """A valid policy of 2 to 5 bands, as raw YAML data: maxima in increasing order
    (equal only after a band with reasons), reasons on some bands, distinct
    approvals per band (to tell them apart), perhaps a last band without max."""
    count = draw(st.integers(2, 5))
    raw = []
    limit = 0
    for index in range(count):
        band = {}
        reasons = draw(st.none() | st.lists(st.sampled_from(REASONS), min_size=1))
        last = index == count - 1
        if not (last and draw(st.booleans())):
            after_reasons = bool(raw) and "reasons" in raw[-1]
            limit += draw(st.integers(0 if after_reasons else 1, 3000))
            band["max"] = limit
        if reasons:
            band["reasons"] = reasons
        band["approvals"] = [GROUPS[i % len(GROUPS)] for i in range(index)]
        raw.append(band)
    return raw


def expected_band(raw_bands, amount, reason):
    """Index of the band that applies, from the raw data: the first whose reasons
    (if any) name ``reason`` and whose max (if any) is >= ``amount``."""
    for index, band in enumerate(raw_bands):
        if reason in band.get("reasons", REASONS) and amount <= band.get("max", amount):
            return index
    return None


@st.composite
def amounts_near(draw, raw_bands):
    """Amounts on, just under and just over the bands' maxima, or anywhere."""
    limits = [band["max"] for band in raw_bands if "max" in band]
    near = st.sampled_from(limits).flatmap(
        lambda m: st.sampled_from([m, m - 0.01, m + 0.01, max(m - 1, 0)])
    )
    return draw(near | st.floats(0, 20000)) if limits else draw(st.floats(0, 20000))


def check_band_for(raw_bands, amount, reason):
    """band_for against the raw data; returns which band was chosen."""
    source = yaml.safe_dump({"version": 1, "bands": raw_bands}, sort_keys=False)
    policy = parse_write_off_policy(source, known_groups=GROUPS)  # valid: no error
    assert len(policy.bands) == len(raw_bands)
    band = policy.band_for(amount, reason)
    index = expected_band(raw_bands, amount, reason)
    event(f"band {index} of {len(raw_bands)}" if index is not None else "no band")
    target(float(index or 0), label="index of the band chosen")
    if index is None:
        assert band is None
        return "none"
    assert band is policy.bands[index]
    assert band.approvals == tuple(raw_bands[index]["approvals"])
    assert band.max == raw_bands[index].get("max")
    return "first" if index == 0 else "later"


def test_band_for_is_the_first_matching_band():
    """On valid policies of several bands, checked against the raw data; the
    generated cases choose the first band, later bands, and no band."""
    seen = set()

    @FAST
    @given(valid_policies(), st.data(), st.sampled_from(REASONS))
    def band_for(raw_bands, data, reason):
        amount = data.draw(amounts_near(raw_bands))
        seen.add(check_band_for(raw_bands, amount, reason))

    band_for()
    assert seen == {"none", "first", "later"}
