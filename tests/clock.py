"""The suite's clock: every test runs at one fixed reference moment.

A test never reads the wall clock. ``tests/conftest.py`` moves the clock of
every test to :data:`REFERENCE_NOW` (time-machine, ticking from there), so
"today", lead times and deadlines are the same on every day of the year.
A test that means "N business days ahead" asks the product's own calendar
(:func:`business_days_ahead`); one that needs another moment travels there
itself with ``time_machine.travel(..., tick=False)``.

``PERMITS_TEST_NOW`` (an ISO 8601 moment with its offset) replaces the
reference for a whole run: CI runs the fast tests again at moments that are
hard for calendars (the end of the working day before a long holiday, the
last minute of a year), under libfaketime at the same moment, so code that
escapes the freeze sees the same day too.

Processes that a test starts (a Celery worker, a second web worker) follow
the test's clock: :func:`environment` passes the offset between the suite's
moment and the real clock, and :func:`follow_parent` applies it there.
"""

from __future__ import annotations

import datetime as dt
import os

import time_machine

from workflows import BusinessCalendar

BAKU = dt.timezone(dt.timedelta(hours=4))

# Monday 19 April 2027, 10:00 in Baku: a quiet working week (no Azerbaijani
# holiday before 9 May), long enough before the dates the tests book.
DEFAULT_REFERENCE = dt.datetime(2027, 4, 19, 10, 0, tzinfo=BAKU)

ENV_REFERENCE = "PERMITS_TEST_NOW"
ENV_OFFSET = "PERMITS_TEST_CLOCK_OFFSET"


def _reference() -> dt.datetime:
    value = os.environ.get(ENV_REFERENCE, "").strip()
    if not value:
        return DEFAULT_REFERENCE.astimezone(dt.UTC)
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{ENV_REFERENCE} must carry its offset, e.g. 2027-03-19T17:59:00+04:00")
    return moment.astimezone(dt.UTC)


REFERENCE_NOW: dt.datetime = _reference()
CALENDAR = BusinessCalendar()


def now() -> dt.datetime:
    """The suite's current moment (UTC): where the innermost time travel is
    (the reference, plus the time the test has run), never the machine's
    clock; outside any travel, the reference itself."""
    if not time_machine.traveller_stack:
        return REFERENCE_NOW
    return dt.datetime.fromtimestamp(time_machine.traveller_stack[-1].time_ns() / 1e9, dt.UTC)


def today() -> dt.date:
    """The suite's date in Baku."""
    return CALENDAR.local_date(REFERENCE_NOW)


def days_ahead(days: int) -> dt.date:
    """A calendar date ``days`` after the suite's date in Baku."""
    return today() + dt.timedelta(days=days)


def business_days_ahead(days: int) -> dt.date:
    """The date ``days`` business days after the suite's date, by the product's calendar."""
    return CALENDAR.add_business_days_to_date(today(), days)


class freeze:
    """Travel to ``moment`` (default: the reference); with ``tick`` the clock
    runs on from there at once (time-machine would start it at the first
    read, so two processes that travelled together would drift apart)."""

    def __init__(self, moment: dt.datetime | None = None, *, tick: bool = True):
        self.traveller = time_machine.travel(moment or REFERENCE_NOW, tick=tick)

    def start(self):
        coordinates = self.traveller.start()
        coordinates.time_ns()  # starts the ticking now
        return coordinates

    def stop(self) -> None:
        self.traveller.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def offset_seconds() -> float:
    """How far the suite's clock is from the real one, now."""
    return now().timestamp() - time_machine.escape_hatch.time.time()


def environment() -> dict[str, str]:
    """What a child process needs to keep the test's clock (see :func:`follow_parent`)."""
    return {ENV_OFFSET: repr(offset_seconds())}


def follow_parent() -> None:
    """In a process a test started: move this process's clock by the parent's offset."""
    value = os.environ.get(ENV_OFFSET)
    if not value:
        return
    import time

    freeze(dt.datetime.fromtimestamp(time.time() + float(value), dt.UTC)).start()
