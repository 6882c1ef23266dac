"""Read-only questions of the catalogue: search, availability, illustrations."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import selectinload

from permits.extensions import db
from permits.labels import category_label, region_label
from permits.models import Application, Booking, Location, LocationBlackout
from workflows import BOOKED_APPLICATION_STATES, state_values


def regions_in_use() -> list[tuple[str, str]]:
    codes = db.session.execute(select(Location.region).where(Location.published.is_(True)).distinct()).scalars()
    return sorted(((c, region_label(c)) for c in codes), key=lambda pair: pair[1])


def categories_in_use() -> list[tuple[str, str]]:
    codes = db.session.execute(select(Location.category).where(Location.published.is_(True)).distinct()).scalars()
    return sorted(((c, category_label(c)) for c in codes), key=lambda pair: pair[1])


def sites_query(*, text: str = "", region: str = "", category: str = "", heritage: bool = False, crew: int | None = None,
                start: dt.date | None = None, end: dt.date | None = None):
    """The published sites matching every filter given (a SELECT to order
    and page); free dates means no blackout and no approved shoot or pencil
    hold on any of those days."""
    # The cards show each site's cover photo: all of them in one more query.
    query = select(Location).where(Location.published.is_(True)).options(selectinload(Location.photos))
    text = (text or "").strip()
    if text:
        like = f"%{text.lower()}%"
        query = query.where(
            or_(*(db.func.lower(column).like(like) for column in (
                Location.name_az, Location.name_en, Location.name_ru,
                Location.description_az, Location.description_en, Location.description_ru,
            )))
        )
    if region:
        query = query.where(Location.region == region)
    if category:
        query = query.where(Location.category == category)
    if heritage:
        query = query.where(Location.heritage.is_(True))
    if crew:
        query = query.where(Location.max_crew >= crew)
    if start and end and end >= start:
        blocked = exists().where(
            LocationBlackout.location_id == Location.id,
            LocationBlackout.start_date <= end,
            LocationBlackout.end_date >= start,
        )
        taken = (
            exists()
            .where(
                Booking.location_id == Location.id,
                Booking.active.is_(True),
                and_(Booking.start_date <= end, Booking.end_date >= start),
                Application.id == Booking.application_id,
                Application.state.in_(state_values(BOOKED_APPLICATION_STATES)),
            )
        )
        query = query.where(~blocked, ~taken)
    return query


def search(**filters) -> list[Location]:
    """Every matching site, by name in the reader's language (the catalogue page)."""
    locations = list(db.session.execute(sites_query(**filters)).scalars())
    return sorted(locations, key=lambda location: location.name.casefold())


def search_page(*, after: str | None = None, limit: int = 20, **filters) -> tuple[list[Location], bool]:
    """One page of the matching sites by slug (keyset: the slugs after
    ``after``), their photos and owners loaded with them (three queries
    whatever the page's size); and whether more follow."""
    query = sites_query(**filters).options(selectinload(Location.owner))
    if after is not None:
        query = query.where(Location.slug > after)
    rows = list(db.session.execute(query.order_by(Location.slug).limit(limit + 1)).scalars())
    return rows[:limit], len(rows) > limit


# ----------------------------------------------------------------------------- illustration


def _hsl(hue: int, saturation: int, lightness: int) -> str:
    return f"hsl({hue % 360},{saturation}%,{lightness}%)"


def illustration_svg(location: Location) -> str:
    """A calm, text-free landscape or skyline drawn from the site's hue and
    category: the catalogue's stand-in when the owner has sent no photo."""
    hue = int(location.photo_hue or 200)
    seed = hashlib.sha256(location.slug.encode()).digest()
    w, h = 640, 360
    sky_top, sky_bottom = _hsl(hue + 190, 55, 78), _hsl(hue + 20, 70, 88)
    ground = _hsl(hue, 30, 38)
    far, near = _hsl(hue + 10, 25, 58), _hsl(hue, 30, 45)
    sun_x = 110 + seed[0] % 420
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'preserveAspectRatio="xMidYMid slice" role="img" aria-hidden="true" focusable="false">',
        '<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="{sky_top}"/><stop offset="1" stop-color="{sky_bottom}"/></linearGradient></defs>',
        f'<rect width="{w}" height="{h}" fill="url(#sky)"/>',
        f'<circle cx="{sun_x}" cy="{70 + seed[1] % 40}" r="{26 + seed[2] % 14}" fill="{_hsl(hue + 40, 90, 92)}" opacity="0.9"/>',
    ]
    category = location.category

    def ridge(base: int, amplitude: int, colour: str, offset: int) -> str:
        points = [f"0,{h}"]
        steps = 8
        for i in range(steps + 1):
            x = i * w // steps
            y = base - (seed[(offset + i) % 32] % amplitude)
            points.append(f"{x},{y}")
        points.append(f"{w},{h}")
        return f'<polygon points="{" ".join(points)}" fill="{colour}"/>'

    if category in ("nature", "landscape"):
        parts.append(ridge(200, 110, far, 3))
        parts.append(ridge(260, 70, near, 11))
        if category == "nature":
            for i in range(9):
                x = 20 + i * 70 + seed[(i + 20) % 32] % 30
                y = 300 - seed[(i + 5) % 32] % 20
                parts.append(f'<polygon points="{x},{y - 50} {x - 16},{y} {x + 16},{y}" fill="{_hsl(hue + 100, 30, 28)}"/>')
        parts.append(f'<rect y="300" width="{w}" height="60" fill="{ground}"/>')
    elif category in ("urban",):
        parts.append(ridge(250, 30, far, 7))
        x = 0
        i = 0
        while x < w:
            bw = 40 + seed[i % 32] % 50
            bh = 90 + seed[(i + 9) % 32] % 170
            shade = _hsl(hue + 200, 18, 30 + (seed[(i + 3) % 32] % 20))
            parts.append(f'<rect x="{x}" y="{h - bh}" width="{bw - 4}" height="{bh}" fill="{shade}"/>')
            for wy in range(h - bh + 12, h - 10, 18):
                for wx in range(x + 6, x + bw - 12, 12):
                    if seed[(wx + wy) % 32] % 3:
                        parts.append(f'<rect x="{wx}" y="{wy}" width="5" height="8" fill="{_hsl(hue + 40, 80, 80)}" opacity="0.8"/>')
            x += bw
            i += 1
    elif category in ("old_town", "monument"):
        parts.append(ridge(260, 30, far, 5))
        parts.append(f'<rect y="250" width="{w}" height="110" fill="{_hsl(hue + 20, 35, 62)}"/>')
        for x in range(0, w, 32):
            parts.append(f'<rect x="{x}" y="236" width="18" height="16" fill="{_hsl(hue + 20, 35, 62)}"/>')
        tx = 200 + seed[4] % 240
        parts.append(f'<rect x="{tx}" y="110" width="90" height="150" rx="40" fill="{_hsl(hue + 20, 32, 55)}"/>')
        for y in range(130, 250, 30):
            parts.append(f'<rect x="{tx + 40}" y="{y}" width="10" height="16" rx="5" fill="{_hsl(hue + 20, 30, 35)}"/>')
        parts.append(f'<rect y="330" width="{w}" height="30" fill="{ground}"/>')
    elif category in ("religious", "museum"):
        parts.append(ridge(250, 40, far, 9))
        cx = 320 + (seed[6] % 80) - 40
        body = _hsl(hue + 25, 30, 70)
        parts.append(f'<rect x="{cx - 130}" y="210" width="260" height="150" fill="{body}"/>')
        parts.append(f'<path d="M{cx - 70},212 A70,70 0 0 1 {cx + 70},212 Z" fill="{_hsl(hue + 190, 35, 48)}"/>')
        for side in (-1, 1):
            mx = cx + side * 160
            parts.append(f'<rect x="{mx - 9}" y="120" width="18" height="240" fill="{body}"/>')
            parts.append(f'<polygon points="{mx - 11},122 {mx},92 {mx + 11},122" fill="{_hsl(hue + 190, 35, 48)}"/>')
        for i in range(-2, 3):
            parts.append(f'<path d="M{cx + i * 48 - 12},360 v-60 a12,12 0 0 1 24,0 v60 Z" fill="{_hsl(hue + 25, 25, 45)}"/>')
    else:  # village and anything else
        parts.append(ridge(190, 90, far, 13))
        parts.append(ridge(270, 40, near, 17))
        for i in range(6):
            x = 40 + i * 100 + seed[(i + 12) % 32] % 30
            y = 300 - seed[(i + 2) % 32] % 25
            parts.append(f'<rect x="{x}" y="{y - 34}" width="56" height="40" fill="{_hsl(hue + 30, 30, 80)}"/>')
            parts.append(f'<polygon points="{x - 6},{y - 34} {x + 28},{y - 58} {x + 62},{y - 34}" fill="{_hsl(hue + 0, 50, 42)}"/>')
        parts.append(f'<rect y="310" width="{w}" height="50" fill="{ground}"/>')
    parts.append("</svg>")
    return "".join(parts)
