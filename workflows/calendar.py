"""Business-day calendar of the commission (Asia/Baku, Azerbaijani holidays).

A business day is Monday to Friday, minus the public holidays that the
``holidays`` package knows for the country (including its "observed"
transferred days off and the moving Ramadan / Gurban bayrams, which the package
estimates for future years), minus ad-hoc ``closures``.  One business day of
SLA is one full working day: ``workday_end - workday_start`` (9 hours) of
business time.  Due times are computed in local time and returned in UTC.

:class:`BusinessCalendar` is an immutable value object; its
:attr:`~BusinessCalendar.fingerprint` names everything that influenced a
computation so that a stored due time remembers the calendar it came from.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

__all__ = ["BusinessCalendar", "ClockState", "ensure_aware"]


def ensure_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return ``value`` in UTC; refuse naive datetimes."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(
            f"{name} must be timezone-aware (got naive {value.isoformat()}); "
            "attach a timezone, e.g. datetime(..., tzinfo=UTC)"
        )
    return value.astimezone(UTC)


@functools.lru_cache(maxsize=256)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


@dataclasses.dataclass(frozen=True)
class BusinessCalendar:
    tz: str = "Asia/Baku"
    country: str = "AZ"
    closures: frozenset[date] = frozenset()
    workday_start: time = time(9)
    workday_end: time = time(18)

    def __post_init__(self) -> None:
        ZoneInfo(self.tz)  # fail early on an unknown zone
        object.__setattr__(self, "closures", frozenset(self.closures))
        if not self.workday_start < self.workday_end:
            raise ValueError("workday_start must be before workday_end")
        for c in self.closures:
            if not isinstance(c, date) or isinstance(c, datetime):
                raise TypeError("closures must be dates")

    # -- identity ---------------------------------------------------------------
    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def business_day_seconds(self) -> int:
        start = datetime.combine(date(2000, 1, 1), self.workday_start)
        end = datetime.combine(date(2000, 1, 1), self.workday_end)
        return int((end - start).total_seconds())

    @property
    def fingerprint(self) -> str:
        """Stable string naming everything a due time depends on."""
        closures = ",".join(sorted(d.isoformat() for d in self.closures))
        digest = hashlib.sha256(closures.encode()).hexdigest()[:12]
        return (
            f"tz={self.tz};country={self.country};"
            f"hours={self.workday_start.isoformat('minutes')}-"
            f"{self.workday_end.isoformat('minutes')};"
            f"holidays={holidays.__version__};closures={digest}"
        )

    def with_closures(self, *extra: date) -> BusinessCalendar:
        """A new calendar with more closure days (this one is unchanged)."""
        return dataclasses.replace(self, closures=self.closures | frozenset(extra))

    # -- days -------------------------------------------------------------------
    def is_holiday(self, day: date) -> bool:
        return day in _public_holidays(self.country, day.year)

    def is_business_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            raise TypeError("is_business_day takes a date, not a datetime")
        return day.weekday() < 5 and not self.is_holiday(day) and day not in self.closures

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day``."""
        return self.add_business_days_to_date(day, 1)

    def add_business_days_to_date(self, day: date, n: int) -> date:
        """The ``n``-th business day after ``day`` (``day`` itself not counted)."""
        if n < 0:
            return self.subtract_business_days(day, -n)
        current = day
        while n > 0:
            current += timedelta(days=1)
            if self.is_business_day(current):
                n -= 1
        return current

    def subtract_business_days(self, day: date, n: int) -> date:
        """The ``n``-th business day before ``day`` (``day`` itself not counted)."""
        if n < 0:
            return self.add_business_days_to_date(day, -n)
        current = day
        while n > 0:
            current -= timedelta(days=1)
            if self.is_business_day(current):
                n -= 1
        return current

    def business_days_between(self, first: date, last: date) -> int:
        """The business days after ``first`` up to and including ``last``
        (0 when ``last`` is not after ``first``): a review opened on Friday
        and decided on Tuesday took 2."""
        count = 0
        current = first
        while current < last:
            current += timedelta(days=1)
            if self.is_business_day(current):
                count += 1
        return count

    def local_date(self, moment_utc: datetime) -> date:
        return ensure_aware(moment_utc).astimezone(self.zone).date()

    # -- business time ------------------------------------------------------------
    def _window(self, day: date) -> tuple[datetime, datetime]:
        zone = self.zone
        start = datetime.combine(day, self.workday_start, tzinfo=zone).astimezone(UTC)
        end = datetime.combine(day, self.workday_end, tzinfo=zone).astimezone(UTC)
        return start, end

    def add_business_time(self, start_utc: datetime, business_seconds: int) -> datetime:
        """``start_utc`` plus ``business_seconds`` of working time, in UTC.

        Counting starts at the next working instant; a total that ends exactly
        at the end of a working day returns that end (18:00), not the next
        morning.  ``business_seconds == 0`` returns ``start_utc`` unchanged.
        """
        moment = ensure_aware(start_utc, "start_utc")
        if business_seconds < 0:
            raise ValueError("business_seconds must not be negative")
        remaining = int(business_seconds)
        if remaining == 0:
            return moment
        day = moment.astimezone(self.zone).date()
        while True:
            if self.is_business_day(day):
                w_start, w_end = self._window(day)
                begin = max(moment, w_start)
                if begin < w_end:
                    available = int((w_end - begin).total_seconds())
                    if remaining <= available:
                        return begin + timedelta(seconds=remaining)
                    remaining -= available
            day += timedelta(days=1)

    def add_business_days(self, start_utc: datetime, n: int) -> datetime:
        """``n`` business days (``n`` full working days of time) after ``start_utc``."""
        if n < 0:
            raise ValueError("n must not be negative")
        return self.add_business_time(start_utc, n * self.business_day_seconds)

    def business_seconds_between(self, a_utc: datetime, b_utc: datetime) -> int:
        """Working seconds in ``[a, b)``; negative if ``b`` is before ``a``."""
        a = ensure_aware(a_utc, "a_utc")
        b = ensure_aware(b_utc, "b_utc")
        if b < a:
            return -self.business_seconds_between(b, a)
        total = 0
        day = a.astimezone(self.zone).date()
        last = b.astimezone(self.zone).date()
        while day <= last:
            if self.is_business_day(day):
                w_start, w_end = self._window(day)
                lo, hi = max(a, w_start), min(b, w_end)
                if lo < hi:
                    total += int((hi - lo).total_seconds())
            day += timedelta(days=1)
        return total

    # -- pausing ------------------------------------------------------------------
    def pause(self, due_utc: datetime, now_utc: datetime) -> int:
        """Business seconds left until ``due_utc`` (0 if already overdue)."""
        return max(0, self.business_seconds_between(now_utc, due_utc))

    def resume(self, now_utc: datetime, remaining_business_seconds: int) -> datetime:
        """New due time: ``remaining_business_seconds`` of working time after now."""
        return self.add_business_time(now_utc, max(0, remaining_business_seconds))


@dataclasses.dataclass(frozen=True)
class ClockState:
    """The SLA clock of one review, as the services store it.

    Running: ``due_utc`` set, ``paused_at_utc`` None.  Paused: ``due_utc`` None,
    ``paused_at_utc`` and ``remaining_business_seconds`` set.  Each operation
    returns a new value; ``calendar_fingerprint`` names the calendar that
    computed the current due time.
    """

    due_utc: datetime | None
    remaining_business_seconds: int | None
    paused_at_utc: datetime | None
    calendar_fingerprint: str

    @property
    def is_paused(self) -> bool:
        return self.paused_at_utc is not None

    @classmethod
    def start(cls, calendar: BusinessCalendar, now_utc: datetime, business_days: int) -> ClockState:
        due = calendar.add_business_days(now_utc, business_days)
        return cls(due, None, None, calendar.fingerprint)

    def pause(self, calendar: BusinessCalendar, now_utc: datetime) -> ClockState:
        if self.is_paused or self.due_utc is None:
            raise ValueError("the clock is already paused")
        now = ensure_aware(now_utc, "now_utc")
        remaining = calendar.pause(self.due_utc, now)
        return ClockState(None, remaining, now, calendar.fingerprint)

    def resume(self, calendar: BusinessCalendar, now_utc: datetime) -> ClockState:
        if not self.is_paused or self.remaining_business_seconds is None:
            raise ValueError("the clock is not paused")
        due = calendar.resume(now_utc, self.remaining_business_seconds)
        return ClockState(due, None, None, calendar.fingerprint)
