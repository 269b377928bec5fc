from datetime import date, timedelta

from ladder.pauses import paused_days

D = date(2026, 3, 2)


def d(offset):
    return D + timedelta(days=offset)


def test_single_interval_inclusive():
    assert paused_days([(d(9), d(16))], d(0), d(30)) == 8


def test_overlaps_count_once():
    assert (
        paused_days([(d(9), d(16)), (d(12), d(20)), (d(21), d(21))], d(0), d(30)) == 13
    )


def test_clipped_to_window():
    assert paused_days([(d(-10), d(5))], d(0), d(30)) == 6
    assert paused_days([(d(25), d(40))], d(0), d(30)) == 6
    assert paused_days([(d(9), d(16))], d(20), d(30)) == 0


def test_empty_and_reversed():
    assert paused_days([], d(0), d(30)) == 0
    assert paused_days([(d(10), d(9))], d(0), d(30)) == 0
    assert paused_days([(d(1), d(5))], d(10), d(9)) == 0
