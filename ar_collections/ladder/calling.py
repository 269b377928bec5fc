"""When to call a customer: the collector's calling hours against the customer's
business hours, each in its own time zone.

Facts in, times out: no Odoo. A window is ``(weekday, hour_from, hour_to)`` with
weekday 0 = Monday and hours as floats in the owner's local time (9.5 = 09:30). Times
returned are aware datetimes in UTC. Daylight-saving changes are handled by
converting each local window of each day on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DEFAULT_BUSINESS_DAYS",
    "CallingWindow",
    "business_hours_windows",
    "in_business_hours",
    "next_call_slot",
    "zone",
]

DEFAULT_BUSINESS_DAYS = (0, 1, 2, 3, 4)
HORIZON_DAYS = 14
"""How far ahead a call slot is looked for before giving up."""


@dataclass(frozen=True)
class CallingWindow:
    weekday: int  # 0 = Monday
    hour_from: float
    hour_to: float

    def __post_init__(self):
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday {self.weekday} is not 0 (Monday) to 6")
        if not 0 <= self.hour_from < self.hour_to <= 24:
            raise ValueError(
                f"hours {self.hour_from}-{self.hour_to}: need 0 <= from < to <= 24"
            )


def zone(name: str | None) -> ZoneInfo:
    """The time zone called ``name``; UTC when it is empty or unknown."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def business_hours_windows(
    hour_from: float, hour_to: float, days: Iterable[int] = DEFAULT_BUSINESS_DAYS
) -> tuple[CallingWindow, ...]:
    return tuple(CallingWindow(day, hour_from, hour_to) for day in sorted(set(days)))


def _local(day: date, hours: float, tz: ZoneInfo) -> datetime:
    minutes = round(hours * 60)
    if minutes >= 24 * 60:
        moment = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    else:
        moment = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)
    return moment.astimezone(UTC)


def _intervals(windows, tz: ZoneInfo, start: datetime, days: int):
    """The windows as UTC intervals over the local days around ``start``."""
    first = start.astimezone(tz).date() - timedelta(days=1)
    for offset in range(days + 2):
        day = first + timedelta(days=offset)
        for window in windows:
            if window.weekday == day.weekday():
                yield _local(day, window.hour_from, tz), _local(day, window.hour_to, tz)


def in_business_hours(
    now: datetime, tz_name: str | None, windows: Iterable[CallingWindow]
) -> bool:
    """Whether ``now`` (aware) falls inside one of the windows, in ``tz_name``."""
    return any(
        begin <= now < end
        for begin, end in _intervals(tuple(windows), zone(tz_name), now, 0)
    )


def next_call_slot(
    after: datetime,
    collector_windows: Iterable[CallingWindow],
    collector_tz: str | None,
    customer_windows: Iterable[CallingWindow],
    customer_tz: str | None,
    horizon_days: int = HORIZON_DAYS,
) -> datetime | None:
    """The first moment at or after ``after`` (aware) when the collector is calling
    and the customer is open for business; None when no such moment comes within
    ``horizon_days`` (the windows never overlap)."""
    collector = sorted(
        _intervals(tuple(collector_windows), zone(collector_tz), after, horizon_days)
    )
    customer = sorted(
        _intervals(tuple(customer_windows), zone(customer_tz), after, horizon_days)
    )
    limit = after + timedelta(days=horizon_days)
    best = None
    for c_begin, c_end in collector:
        for p_begin, p_end in customer:
            begin = max(c_begin, p_begin, after)
            if begin < min(c_end, p_end) and begin <= limit:
                best = begin if best is None else min(best, begin)
    return best
