"""Call slots across time zones: the collector's calling hours against the customer's
business hours (ladder/calling.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ladder.calling import (
    CallingWindow,
    business_hours_windows,
    in_business_hours,
    next_call_slot,
)

OFFICE = business_hours_windows(9, 17)  # Monday to Friday, 09:00-17:00


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def weekdays(hour_from, hour_to):
    return business_hours_windows(hour_from, hour_to)


def test_same_zone_morning_before_calling_hours_waits_for_them():
    # Monday 2026-03-02 06:00 Stockholm (05:00 UTC); collector calls 10-12.
    slot = next_call_slot(
        utc(2026, 3, 2, 5),
        weekdays(10, 12),
        "Europe/Stockholm",
        OFFICE,
        "Europe/Stockholm",
    )
    assert slot == utc(2026, 3, 2, 9)  # 10:00 in Stockholm (UTC+1 in March)


def test_customer_in_athens_opens_an_hour_earlier():
    # Collector in Oslo calls 08:00-10:00 local; the Athens customer opens at 09:00
    # local = 08:00 Oslo: the first slot is 08:00 Oslo (07:00 UTC).
    slot = next_call_slot(
        utc(2026, 3, 2, 0), weekdays(8, 10), "Europe/Oslo", OFFICE, "Europe/Athens"
    )
    assert slot == utc(2026, 3, 2, 7)


def test_customer_far_west_falls_to_the_afternoon():
    # Paris collector 09-18; New York customer 09-17 local = 15:00 Paris.
    slot = next_call_slot(
        utc(2026, 3, 9, 7), weekdays(9, 18), "Europe/Paris", OFFICE, "America/New_York"
    )
    assert slot == utc(2026, 3, 9, 13)  # 09:00 in New York (EDT from 8 March)


def test_no_overlap_today_moves_to_the_next_business_day():
    # Friday 16:30 in Stockholm, collector's hours end at 17: the Tokyo customer is
    # closed; Saturday and Sunday nobody works; Monday 09:00 Tokyo is Monday 01:00
    # Stockholm, outside the collector's hours; the windows never overlap.
    assert (
        next_call_slot(
            utc(2026, 3, 6, 15, 30),
            weekdays(9, 17),
            "Europe/Stockholm",
            OFFICE,
            "Asia/Tokyo",
        )
        is None
    )


def test_weekend_is_skipped():
    # Saturday 2026-03-07: the next slot is Monday 09:00 in Stockholm.
    slot = next_call_slot(
        utc(2026, 3, 7, 10),
        weekdays(9, 17),
        "Europe/Stockholm",
        OFFICE,
        "Europe/Stockholm",
    )
    assert slot == utc(2026, 3, 9, 8)


def test_inside_both_windows_is_now():
    now = utc(2026, 3, 3, 10, 15)
    assert (
        next_call_slot(now, weekdays(9, 17), "Europe/Paris", OFFICE, "Europe/Paris")
        == now
    )


def test_daylight_saving_change_keeps_local_hours():
    # Stockholm moves to summer time on 2026-03-29: 09:00 local is 08:00 UTC before
    # and 07:00 UTC after.
    before = next_call_slot(
        utc(2026, 3, 27, 0),
        weekdays(9, 17),
        "Europe/Stockholm",
        OFFICE,
        "Europe/Stockholm",
    )
    after = next_call_slot(
        utc(2026, 3, 30, 0),
        weekdays(9, 17),
        "Europe/Stockholm",
        OFFICE,
        "Europe/Stockholm",
    )
    assert before == utc(2026, 3, 27, 8)
    assert after == utc(2026, 3, 30, 7)


def test_unknown_zone_is_utc():
    slot = next_call_slot(
        utc(2026, 3, 2, 0), weekdays(9, 17), "Nowhere/Nope", OFFICE, ""
    )
    assert slot == utc(2026, 3, 2, 9)


def test_in_business_hours_by_zone():
    now = utc(2026, 3, 2, 7, 30)  # Monday 08:30 Stockholm, 09:30 Athens
    assert not in_business_hours(now, "Europe/Stockholm", OFFICE)
    assert in_business_hours(now, "Europe/Athens", OFFICE)
    assert not in_business_hours(utc(2026, 3, 7, 10), "Europe/Athens", OFFICE)


def test_window_values_are_checked():
    with pytest.raises(ValueError, match="weekday"):
        CallingWindow(7, 9, 17)
    with pytest.raises(ValueError, match="hours"):
        CallingWindow(0, 17, 9)


ZONES = st.sampled_from(
    [
        "UTC",
        "Europe/Stockholm",
        "Europe/Oslo",
        "Europe/Athens",
        "Europe/Paris",
        "America/New_York",
        "Asia/Tokyo",
        "Australia/Sydney",
    ]
)
WINDOW = st.builds(
    lambda day, start, length: CallingWindow(day, start, min(start + length, 24)),
    st.integers(0, 6),
    st.integers(0, 22),
    st.integers(1, 8),
)


@given(
    after=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)
    ).map(lambda moment: moment.replace(tzinfo=UTC)),
    collector=st.lists(WINDOW, min_size=1, max_size=5),
    collector_tz=ZONES,
    customer=st.lists(WINDOW, min_size=1, max_size=5),
    customer_tz=ZONES,
)
def test_a_slot_is_inside_both_windows_and_not_before_after(
    after, collector, collector_tz, customer, customer_tz
):
    slot = next_call_slot(after, collector, collector_tz, customer, customer_tz)
    if slot is None:
        return
    assert after <= slot <= after + timedelta(days=14)
    assert in_business_hours(slot, collector_tz, collector)
    assert in_business_hours(slot, customer_tz, customer)
    if slot > after:
        earlier = slot - timedelta(minutes=1)
        assert not (
            in_business_hours(earlier, collector_tz, collector)
            and in_business_hours(earlier, customer_tz, customer)
        )
