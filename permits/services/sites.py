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

EDITOR_ROLES = ("supervisor", "admin")
MAX_FEE = Decimal("1000000")
MAX_CREW = 5000
HOLD_STATES = ("submitted", "in_review", "final_review")
APPROVED_STATES = ("approved",)


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
                    max_crew: int, yearly_cap_days: int | None) -> Location:
    _ensure_editor(actor, location)
    fee = _money(fee_per_day, "fee_per_day")
    if max_crew is None or not 1 <= int(max_crew) <= MAX_CREW:
        raise ServiceError(_("The largest crew must be between 1 and %(n)d people.", n=MAX_CREW), field="max_crew")
    if yearly_cap_days is not None and not 1 <= int(yearly_cap_days) <= 366:
        raise ServiceError(_("The yearly cap must be between 1 and 366 shoot days, or empty for no cap."), field="yearly_cap_days")
    for name, text in (("rules_az", rules_az), ("rules_en", rules_en), ("rules_ru", rules_ru)):
        if len(text or "") > 5000:
            raise ServiceError(_("The rules are too long (5,000 characters at most)."), field=name)
    location.rules_az = (rules_az or "").strip()
    location.rules_en = (rules_en or "").strip()
    location.rules_ru = (rules_ru or "").strip()
    location.fee_per_day = fee
    location.max_crew = int(max_crew)
    location.yearly_cap_days = int(yearly_cap_days) if yearly_cap_days is not None else None
    db.session.flush()
    return location


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
    date: dt.date
    in_month: bool
    status: str = ""  # approved | hold | blackout | ""
    bookings: list = field(default_factory=list)
    blackout: LocationBlackout | None = None


def month_grid(location: Location, year: int, month: int) -> list[list[Day]]:
    """Weeks (Monday first) of one month with what happens on each day."""
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    bookings = list(
        db.session.execute(
            select(Booking)
            .join(Application, Application.id == Booking.application_id)
            .where(
                Booking.location_id == location.id,
                Booking.active.is_(True),
                and_(Booking.start_date <= last, Booking.end_date >= first),
                Application.state.in_(HOLD_STATES + APPROVED_STATES),
            )
            .options(selectinload(Booking.application))
            .order_by(Booking.start_date, Booking.id)
        ).scalars()
    )
    grid = []
    for week in weeks:
        row = []
        for day in week:
            cell = Day(date=day, in_month=day.month == month)
            cell.blackout = location.blackout_on(day)
            cell.bookings = [b for b in bookings if b.start_date <= day <= b.end_date]
            if cell.blackout is not None:
                cell.status = "blackout"
            elif any(b.application.state in APPROVED_STATES for b in cell.bookings):
                cell.status = "approved"
            elif cell.bookings:
                cell.status = "hold"
            row.append(cell)
        grid.append(row)
    return grid


def shoot_days_in_year(location: Location, year: int) -> int:
    """Approved shoot days at a site in a calendar year (for the yearly cap)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    total = 0
    for booking in db.session.execute(
        select(Booking)
        .join(Application, Application.id == Booking.application_id)
        .where(Booking.location_id == location.id, Booking.active.is_(True), Application.state.in_((*APPROVED_STATES, "expired")),
               Booking.start_date <= last, Booking.end_date >= first)
    ).scalars():
        start, end = max(booking.start_date, first), min(booking.end_date, last)
        total += (end - start).days + 1
    return total
