"""Business-day calendar: Asia/Baku hours, Azerbaijani holidays, closures, pausing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows import BusinessCalendar, ClockState

BAKU = ZoneInfo("Asia/Baku")
CAL = BusinessCalendar()
NINE_HOURS = 9 * 3600


def baku(*args) -> datetime:
    return datetime(*args, tzinfo=BAKU)


def in_baku(moment: datetime) -> datetime:
    assert moment.tzinfo is UTC
    return moment.astimezone(BAKU).replace(tzinfo=None)


def test_quiet_week_has_no_holidays():
    # the reference week used below: Fri 16 - Wed 21 April 2027
    for d in range(12, 24):
        assert not CAL.is_holiday(date(2027, 4, d))


def test_friday_afternoon_plus_two_days_is_tuesday_same_time():
    due = CAL.add_business_days(baku(2027, 4, 16, 16, 0), 2)
    assert in_baku(due) == datetime(2027, 4, 20, 16, 0)


def test_friday_night_plus_two_days_is_tuesday_end_of_day():
    due = CAL.add_business_days(baku(2027, 4, 16, 23, 30), 2)
    assert in_baku(due) == datetime(2027, 4, 20, 18, 0)


def test_saturday_plus_two_days_is_tuesday_end_of_day():
    due = CAL.add_business_days(baku(2027, 4, 17, 11, 0), 2)
    assert in_baku(due) == datetime(2027, 4, 20, 18, 0)


def test_before_opening_counts_from_nine():
    due = CAL.add_business_days(baku(2027, 4, 19, 7, 0), 1)
    assert in_baku(due) == datetime(2027, 4, 19, 18, 0)


def test_zero_business_time_is_the_start_itself():
    start = baku(2027, 4, 17, 11, 0)
    assert CAL.add_business_time(start, 0) == start.astimezone(UTC)


def test_novruz_2027_dates_come_from_the_package():
    az = holidays.country_holidays("AZ", years=2027)
    novruz = [d for d, name in az.items() if "Spring Festival" in name]
    assert date(2027, 3, 20) in novruz and date(2027, 3, 24) in novruz
    # weekend days of Novruz are transferred to the following Thursday and Friday
    assert date(2027, 3, 25) in novruz and date(2027, 3, 26) in novruz
    for d in range(22, 27):
        assert not CAL.is_business_day(date(2027, 3, d))
    assert CAL.is_business_day(date(2027, 3, 19))
    assert CAL.next_business_day(date(2027, 3, 19)) == date(2027, 3, 29)


def test_submitted_on_the_eve_of_novruz():
    # Friday 19 March 2027 16:00: 2h that day, the holiday week is skipped,
    # then Monday 29 March (9h) and 7h of Tuesday 30 March.
    due = CAL.add_business_days(baku(2027, 3, 19, 16, 0), 2)
    assert in_baku(due) == datetime(2027, 3, 30, 16, 0)


def test_across_new_year():
    # 31 Dec (Solidarity Day), 1-2 Jan, and 4 Jan (2 Jan falls on a Saturday
    # and is observed on Monday) are days off.
    for d in (date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 4)):
        assert CAL.is_holiday(d)
    due = CAL.add_business_days(baku(2026, 12, 30, 16, 0), 2)
    assert in_baku(due) == datetime(2027, 1, 6, 16, 0)
    assert CAL.add_business_days_to_date(date(2026, 12, 30), 1) == date(2027, 1, 5)
    assert CAL.subtract_business_days(date(2027, 1, 5), 1) == date(2026, 12, 30)


def test_business_seconds_between_counts_working_hours_only():
    a, b = baku(2027, 4, 16, 16, 0), baku(2027, 4, 20, 16, 0)
    assert CAL.business_seconds_between(a, b) == 2 * NINE_HOURS
    assert CAL.business_seconds_between(b, a) == -2 * NINE_HOURS
    assert CAL.business_seconds_between(baku(2027, 4, 17, 0, 0), baku(2027, 4, 18, 23, 0)) == 0


def test_paused_thursday_resumed_tuesday_keeps_remaining_time():
    start = baku(2027, 4, 12, 10, 0)  # Monday
    clock = ClockState.start(CAL, start, 5)
    assert in_baku(clock.due_utc) == datetime(2027, 4, 19, 10, 0)
    paused = clock.pause(CAL, baku(2027, 4, 15, 12, 0))  # Thursday noon
    # Thu 12-18 (6h) + Fri (9h) + Mon 9-10 (1h)
    assert paused.remaining_business_seconds == 16 * 3600
    assert paused.is_paused and paused.due_utc is None
    resumed_at = baku(2027, 4, 20, 10, 0)  # Tuesday
    resumed = paused.resume(CAL, resumed_at)
    assert not resumed.is_paused
    assert in_baku(resumed.due_utc) == datetime(2027, 4, 21, 17, 0)
    assert CAL.business_seconds_between(resumed_at, resumed.due_utc) == 16 * 3600
    # the calendar-level helpers agree
    assert CAL.pause(clock.due_utc, baku(2027, 4, 15, 12, 0)) == 16 * 3600
    assert CAL.resume(resumed_at, 16 * 3600) == resumed.due_utc
    with pytest.raises(ValueError):
        resumed.resume(CAL, resumed_at)
    with pytest.raises(ValueError):
        paused.pause(CAL, resumed_at)


def test_pausing_after_the_due_time_leaves_nothing():
    due = baku(2027, 4, 19, 10, 0)
    assert CAL.pause(due, baku(2027, 4, 20, 10, 0)) == 0


def test_closures_are_not_business_days():
    closed = CAL.with_closures(date(2027, 4, 19))
    assert not closed.is_business_day(date(2027, 4, 19))
    due = closed.add_business_days(baku(2027, 4, 16, 16, 0), 2)
    assert in_baku(due) == datetime(2027, 4, 21, 16, 0)


def test_a_later_calendar_does_not_change_an_earlier_due():
    before = BusinessCalendar()
    clock = ClockState.start(before, baku(2027, 4, 16, 16, 0), 2)
    after = before.with_closures(date(2027, 4, 19))
    assert after.fingerprint != before.fingerprint
    assert clock.calendar_fingerprint == before.fingerprint
    assert before.closures == frozenset()
    assert in_baku(clock.due_utc) == datetime(2027, 4, 20, 16, 0)
    assert before.add_business_days(baku(2027, 4, 16, 16, 0), 2) == clock.due_utc
    with pytest.raises(dataclasses.FrozenInstanceError):
        before.closures = frozenset({date(2027, 4, 19)})  # type: ignore[misc]


def test_fingerprint_is_stable_and_names_the_calendar():
    a = BusinessCalendar(closures=frozenset({date(2027, 5, 3), date(2027, 5, 4)}))
    b = BusinessCalendar(closures=frozenset({date(2027, 5, 4), date(2027, 5, 3)}))
    assert a.fingerprint == b.fingerprint
    assert "Asia/Baku" in a.fingerprint and "AZ" in a.fingerprint and "09:00-18:00" in a.fingerprint
    assert BusinessCalendar(workday_end=time(17)).fingerprint != BusinessCalendar().fingerprint


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_business_days(datetime(2027, 4, 16, 16, 0), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.business_seconds_between(datetime(2027, 4, 16), baku(2027, 4, 17))
    with pytest.raises(ValueError, match="timezone-aware"):
        ClockState.start(CAL, datetime(2027, 4, 16), 1)


def test_results_are_utc_whatever_the_input_zone():
    start = datetime(2027, 4, 16, 12, 0, tzinfo=UTC)  # 16:00 Baku
    due = CAL.add_business_days(start, 2)
    assert due.tzinfo is UTC
    assert due == baku(2027, 4, 20, 16, 0)


def test_date_helpers():
    assert CAL.next_business_day(date(2027, 4, 16)) == date(2027, 4, 19)
    assert CAL.add_business_days_to_date(date(2027, 4, 16), 0) == date(2027, 4, 16)
    assert CAL.subtract_business_days(date(2027, 4, 19), 3) == date(2027, 4, 14)
    assert CAL.add_business_days_to_date(date(2027, 4, 19), -3) == date(2027, 4, 14)
    with pytest.raises(TypeError):
        CAL.is_business_day(datetime(2027, 4, 19, tzinfo=UTC))


moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC))


@given(moments, st.integers(min_value=0, max_value=30 * NINE_HOURS))
def test_adding_then_measuring_gives_the_same_business_time(start, seconds):
    due = CAL.add_business_time(start, seconds)
    assert due.tzinfo is UTC and due >= start
    assert CAL.business_seconds_between(start, due) == seconds


@given(moments, st.integers(min_value=1, max_value=20))
def test_a_due_time_lies_inside_working_hours_of_a_business_day(start, days):
    local = CAL.add_business_days(start, days).astimezone(BAKU)
    assert CAL.is_business_day(local.date())
    assert time(9) < local.time() <= time(18)


@given(moments, st.integers(min_value=0, max_value=10 * NINE_HOURS), st.integers(0, 10 * 24 * 3600))
def test_pause_then_resume_preserves_remaining(start, seconds, pause_after):
    due = CAL.add_business_time(start, seconds)
    paused_at = start + timedelta(seconds=pause_after)
    remaining = CAL.pause(due, paused_at)
    assert remaining == max(0, CAL.business_seconds_between(paused_at, due))
    resumed_at = paused_at + timedelta(days=3)
    new_due = CAL.resume(resumed_at, remaining)
    assert CAL.business_seconds_between(resumed_at, new_due) == remaining


def test_business_days_between_counts_the_days_after_the_first_up_to_the_last():
    friday, tuesday = date(2027, 4, 23), date(2027, 4, 27)
    assert CAL.business_days_between(friday, tuesday) == 2  # Monday and Tuesday; the weekend does not count
    assert CAL.business_days_between(friday, friday) == 0
    assert CAL.business_days_between(tuesday, friday) == 0
    assert CAL.with_closures(date(2027, 4, 26)).business_days_between(friday, tuesday) == 1


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), st.integers(min_value=0, max_value=40))
def test_business_days_between_undoes_adding_business_days(day, n):
    assert CAL.business_days_between(day, CAL.add_business_days_to_date(day, n)) == n
