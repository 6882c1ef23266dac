"""Site owners look after their own sites: blackout dates, rules, the fee per
shoot day, the largest crew and the yearly cap of shoot days.

Only a supervisor or admin of the owner organisation may change a site;
reviewers read. Every verb validates on the server and flushes.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from permits.extensions import db
from permits.models import Application, Booking, Location, LocationBlackout, User
from permits.services import PermissionDenied, ServiceError
from permits.services.context import shoot_days_booked
from workflows import BOOKED_APPLICATION_STATES, PERMITTED_APPLICATION_STATES, ApplicationState, state_values

EDITOR_ROLES = ("supervisor", "admin")
MAX_FEE = Decimal("1000000")
MAX_CREW = 5000


def owner_role(user: User | None, location: Location) -> str | None:
    if user is None:
        return None
    for membership in user.organisation_memberships:
        if membership.organisation_id == location.owner_organisation_id:
            return membership.role
    return None


def can_edit(user: User | None, location: Location) -> bool:
    return owner_role(user, location) in EDITOR_ROLES


def _ensure_editor(user: User, location: Location) -> None:
    if not can_edit(user, location):
        raise PermissionDenied(_("Only a supervisor or administrator of the site's owner can change it."))


def _money(value, field_name: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Enter the fee as a number, like 150 or 150.50."), field=field_name) from None
    if not amount.is_finite() or amount < 0:
        raise ServiceError(_("The fee cannot be negative."), field=field_name)
    if amount > MAX_FEE:
        raise ServiceError(_("The fee is too large."), field=field_name)
    if amount != amount.quantize(Decimal("0.01")):
        raise ServiceError(_("Enter the fee with at most two decimals."), field=field_name)
    return amount.quantize(Decimal("0.01"))


def update_settings(location: Location, actor: User, *, rules_az: str, rules_en: str, rules_ru: str, fee_per_day,
                    max_crew: int, yearly_cap_days: int | None, standing_consent: bool | None = None,
                    filming_hours_start: dt.time | None = None, filming_hours_end: dt.time | None = None) -> Location:
    """The owner's rules and limits, and the standing consent that relies on
    them. A change of the rules or limits gives the rules a new version: an
    approval under standing consent records the version it relied on."""
    _ensure_editor(actor, location)
    fee = _money(fee_per_day, "fee_per_day")
    if max_crew is None or not 1 <= int(max_crew) <= MAX_CREW:
        raise ServiceError(_("The largest crew must be between 1 and %(n)d people.", n=MAX_CREW), field="max_crew")
    if yearly_cap_days is not None and not 1 <= int(yearly_cap_days) <= 366:
        raise ServiceError(_("The yearly cap must be between 1 and 366 shoot days, or empty for no cap."), field="yearly_cap_days")
    for name, text in (("rules_az", rules_az), ("rules_en", rules_en), ("rules_ru", rules_ru)):
        if len(text or "") > 5000:
            raise ServiceError(_("The rules are too long (5,000 characters at most)."), field=name)
    if (filming_hours_start is None) != (filming_hours_end is None):
        raise ServiceError(_("Enter both ends of the filming hours, or neither."), field="filming_hours_end")
    if filming_hours_start is not None and filming_hours_end <= filming_hours_start:
        raise ServiceError(_("The filming hours must end after they start."), field="filming_hours_end")
    before = _rules_of(location)
    location.rules_az = (rules_az or "").strip()
    location.rules_en = (rules_en or "").strip()
    location.rules_ru = (rules_ru or "").strip()
    location.fee_per_day = fee
    location.max_crew = int(max_crew)
    location.yearly_cap_days = int(yearly_cap_days) if yearly_cap_days is not None else None
    if standing_consent is not None:
        location.standing_consent = bool(standing_consent)
        location.filming_hours_start = filming_hours_start
        location.filming_hours_end = filming_hours_end
    if _rules_of(location) != before:
        location.rules_version = (location.rules_version or 1) + 1
    db.session.flush()
    return location


def _rules_of(location: Location) -> tuple:
    """What a standing consent relies on."""
    return (location.rules_az, location.rules_en, location.rules_ru, location.max_crew, location.yearly_cap_days,
            location.filming_hours_start, location.filming_hours_end)


def add_blackout(location: Location, actor: User, *, start: dt.date, end: dt.date, reason: str = "") -> LocationBlackout:
    _ensure_editor(actor, location)
    if start is None:
        raise ServiceError(_("Enter the first closed day."), field="start_date")
    if end is None:
        raise ServiceError(_("Enter the last closed day."), field="end_date")
    if end < start:
        raise ServiceError(_("The last closed day must be on or after the first."), field="end_date")
    if (end - start).days > 366:
        raise ServiceError(_("A closure can last one year at most; add several for longer."), field="end_date")
    blackout = LocationBlackout(location_id=location.id, start_date=start, end_date=end, reason=(reason or "").strip()[:255])
    db.session.add(blackout)
    db.session.flush()
    db.session.refresh(location)
    return blackout


def remove_blackout(location: Location, actor: User, blackout_id: int) -> None:
    _ensure_editor(actor, location)
    blackout = db.session.get(LocationBlackout, blackout_id)
    if blackout is None or blackout.location_id != location.id:
        raise ServiceError(_("This closure no longer exists."))
    db.session.delete(blackout)
    db.session.flush()
    db.session.refresh(location)


# ----------------------------------------------------------------------------- the calendar


@dataclass
class Day:
    """One day of a month grid and what happens on it."""

    date: dt.date
    in_month: bool
    today: bool = False
    blackout: LocationBlackout | None = None
    bookings: list = field(default_factory=list)  # shoots and holds of the site (others', on an application's grid)
    own: list = field(default_factory=list)  # an application's own bookings that day

    @property
    def status(self) -> str:
        """blackout | approved | hold | "" (nothing). On an application's grid
        its own shoot days are "approved" and a clash with another production
        is a "hold"; on a site's grid an approved shoot beats a hold."""
        if self.blackout is not None:
            return "blackout"
        if self.own:
            return "hold" if self.bookings else "approved"
        if any(b.application.state == ApplicationState.APPROVED.value for b in self.bookings):
            return "approved"
        return "hold" if self.bookings else ""


def month_of(value: str | None, today: dt.date) -> dt.date:
    """The first day of the month asked for as YYYY-MM, else this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def shift_month(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _weeks(first: dt.date) -> list[list[dt.date]]:
    return month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)


def month_grid(first: dt.date, *, location: Location | None = None, bookings=(), own=(),
               today: dt.date | None = None) -> list[list[Day]]:
    """The one month grid: weeks (Monday first) of the month of ``first``,
    each day with its closure and the bookings on it. A site's grid gives
    ``location`` and its ``bookings``; an application's gives its ``own``
    bookings and the other productions' ``bookings`` that may clash, which
    count on a day only at the sites of its own bookings that day."""

    def covers(booking, day):
        return booking.start_date <= day <= booking.end_date

    grid = []
    for week in _weeks(first):
        row = []
        for day in week:
            ours = [b for b in own if covers(b, day)]
            sites_of_day = {b.location_id for b in ours}
            theirs = [b for b in bookings if covers(b, day) and (not own or b.location_id in sites_of_day)]
            closed = [location] if location is not None else [b.location for b in ours]
            blackout = next((c for c in (site.blackout_on(day) for site in closed) if c is not None), None)
            row.append(Day(date=day, in_month=day.month == first.month, today=day == today, blackout=blackout,
                           bookings=theirs, own=ours))
        grid.append(row)
    return grid


def site_month(location: Location, first: dt.date, today: dt.date | None = None) -> list[list[Day]]:
    """A site's month: its closures, approved shoots and the holds of
    applications under review (two queries whatever the month holds)."""
    weeks = _weeks(first)
    start, end = weeks[0][0], weeks[-1][-1]
    bookings = list(
        db.session.execute(
            select(Booking)
            .join(Application, Application.id == Booking.application_id)
            .where(
                Booking.location_id == location.id,
                Booking.active.is_(True),
                and_(Booking.start_date <= end, Booking.end_date >= start),
                Application.state.in_(state_values(BOOKED_APPLICATION_STATES)),
            )
            .options(selectinload(Booking.application))
            .order_by(Booking.start_date, Booking.id)
        ).scalars()
    )
    return month_grid(first, location=location, bookings=bookings, today=today)


def application_months(application: Application, conflicts: dict[int, list[Booking]], *, limit: int = 3,
                       today: dt.date | None = None) -> list[dict]:
    """Month grids of an application's shoot days (the first ``limit``
    months its bookings start or end in), with other productions' bookings
    at the same sites (``conflicts``: booking id -> clashing bookings) and
    the closures marked."""
    own = [b for b in application.bookings if b.active]
    months: list[tuple[int, int]] = []
    for booking in own:
        for day in (booking.start_date, booking.end_date):
            if (day.year, day.month) not in months and len(months) < limit:
                months.append((day.year, day.month))
    months.sort()
    clashing = list({c.id: c for b in own for c in conflicts.get(b.id, ())}.values())
    return [
        {"year": year, "month": month,
         "weeks": month_grid(dt.date(year, month, 1), bookings=clashing, own=own, today=today)}
        for year, month in months
    ]


def shoot_days_in_year(location: Location, year: int) -> int:
    """Approved shoot days at a site in a calendar year (for the yearly cap)."""
    return shoot_days_booked(location.id, year, states=PERMITTED_APPLICATION_STATES)
