"""The one month grid behind the catalogue's availability, the owner's
calendar and the reviewer's view of an application's shoot days."""

import datetime as dt
from types import SimpleNamespace

from permits.services.sites import month_grid, month_of, shift_month

JUNE = dt.date(2027, 6, 1)


def site(slug, closed=()):
    closures = [SimpleNamespace(start_date=a, end_date=b, reason="") for a, b in closed]
    return SimpleNamespace(
        id=slug,
        blackout_on=lambda day: next((c for c in closures if c.start_date <= day <= c.end_date), None),
    )


def booking(location, start, end, state="approved"):
    return SimpleNamespace(location=location, location_id=location.id, start_date=start, end_date=end,
                           application=SimpleNamespace(state=state))


def day_of(grid, date):
    return next(d for week in grid for d in week if d.date == date)


def test_weeks_start_on_monday_and_mark_the_month_and_today():
    grid = month_grid(JUNE, today=dt.date(2027, 6, 9))
    assert grid[0][0].date == dt.date(2027, 5, 31) and grid[0][0].date.weekday() == 0
    assert not grid[0][0].in_month and grid[0][1].in_month
    assert [d.date for week in grid for d in week if d.today] == [dt.date(2027, 6, 9)]


def test_a_sites_day_is_closed_then_approved_then_held():
    gobustan = site("gobustan", closed=[(dt.date(2027, 6, 10), dt.date(2027, 6, 10))])
    shoots = [
        booking(gobustan, dt.date(2027, 6, 7), dt.date(2027, 6, 10)),
        booking(gobustan, dt.date(2027, 6, 8), dt.date(2027, 6, 9), state="in_review"),
    ]
    grid = month_grid(JUNE, location=gobustan, bookings=shoots)
    assert day_of(grid, dt.date(2027, 6, 7)).status == "approved"
    assert day_of(grid, dt.date(2027, 6, 8)).status == "approved"  # an approved shoot beats a hold
    assert day_of(grid, dt.date(2027, 6, 10)).status == "blackout"
    assert day_of(grid, dt.date(2027, 6, 11)).status == ""
    only_held = month_grid(JUNE, location=gobustan, bookings=shoots[1:])
    assert day_of(only_held, dt.date(2027, 6, 8)).status == "hold"


def test_an_applications_day_clashes_only_at_its_own_sites():
    maiden = site("maiden", closed=[(dt.date(2027, 6, 20), dt.date(2027, 6, 20))])
    yanar = site("yanar", closed=[(dt.date(2027, 6, 12), dt.date(2027, 6, 12))])
    own = [booking(maiden, dt.date(2027, 6, 7), dt.date(2027, 6, 8)), booking(yanar, dt.date(2027, 6, 11), dt.date(2027, 6, 12))]
    others = [booking(maiden, dt.date(2027, 6, 8), dt.date(2027, 6, 11), state="in_review")]
    grid = month_grid(JUNE, bookings=others, own=own)
    assert day_of(grid, dt.date(2027, 6, 7)).status == "approved"  # our shoot
    assert day_of(grid, dt.date(2027, 6, 8)).status == "hold"  # another production at the same site
    assert day_of(grid, dt.date(2027, 6, 9)).status == ""  # they are there, we are not
    assert day_of(grid, dt.date(2027, 6, 11)).status == "approved"  # we are at another site that day
    assert day_of(grid, dt.date(2027, 6, 12)).status == "blackout"  # the site we book that day is closed
    assert day_of(grid, dt.date(2027, 6, 20)).status == ""  # a closure of a site we are not at that day


def test_month_arguments():
    today = dt.date(2027, 6, 15)
    assert month_of("2027-02", today) == dt.date(2027, 2, 1)
    assert month_of("1999-01", today) == month_of("2027-13", today) == month_of("junk", today) == JUNE
    assert shift_month(dt.date(2027, 1, 1), -1) == dt.date(2026, 12, 1)
    assert shift_month(dt.date(2027, 12, 1), 1) == dt.date(2028, 1, 1)
