"""Idempotent demo data: organisations, filming sites, companies and users.

Rows are matched by their natural keys (organisation key, site slug, company
legal name, e-mail), so running the seed twice changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from permits.demo import data
from permits.demo.applications import seed_applications
from permits.extensions import db
from permits.models import (
    Company,
    CompanyMembership,
    Location,
    LocationBlackout,
    Organisation,
    OrganisationMembership,
    User,
    normalise_email,
)
from permits.services.passwords import hash_password


def _one(model, **criteria):
    query = select(model)
    for field, value in criteria.items():
        query = query.where(getattr(model, field) == value)
    return db.session.execute(query).scalar_one_or_none()


def seed_organisations() -> dict[str, Organisation]:
    organisations = {}
    for row in data.ORGANISATIONS:
        organisation = _one(Organisation, key=row["key"])
        if organisation is None:
            organisation = Organisation(key=row["key"])
            db.session.add(organisation)
        for field in ("kind", "name_az", "name_en", "name_ru", "email", "phone"):
            setattr(organisation, field, row.get(field, ""))
        organisations[row["key"]] = organisation
    db.session.flush()
    return organisations


LOCATION_FIELDS = (
    "name_az", "name_en", "name_ru", "description_az", "description_en", "description_ru",
    "rules_az", "rules_en", "rules_ru", "region", "category", "latitude", "longitude",
    "heritage", "tourist_site", "restricted", "fee_per_day", "max_crew", "yearly_cap_days",
    "published", "photo_hue", "standing_consent", "filming_hours_start", "filming_hours_end",
)


def seed_locations(organisations: dict[str, Organisation]) -> list[Location]:
    locations = []
    for row in data.LOCATIONS:
        location = _one(Location, slug=row["slug"])
        if location is None:
            location = Location(slug=row["slug"])
            db.session.add(location)
        location.owner_organisation_id = organisations[row["owner"]].id
        for field in LOCATION_FIELDS:
            if field in row:
                setattr(location, field, row[field])
        db.session.flush()
        existing = {(b.start_date, b.end_date) for b in location.blackouts}
        for start, end, *reason in (tuple(item) for item in row.get("blackout", [])):
            if (start, end) not in existing:
                location.blackouts.append(LocationBlackout(start_date=start, end_date=end, reason=(reason or [""])[0]))
        locations.append(location)
    db.session.flush()
    return locations


def seed_companies() -> dict[str, Company]:
    companies = {}
    for row in data.COMPANIES:
        company = _one(Company, legal_name=row["legal_name"])
        if company is None:
            company = Company(legal_name=row["legal_name"])
            db.session.add(company)
        for field in ("country", "registration_number", "tax_id", "address", "contact_name", "contact_email", "contact_phone"):
            setattr(company, field, row.get(field, ""))
        companies[row["key"]] = company
    db.session.flush()
    return companies


def _hash_once(cache: dict[str, str], password: str) -> str:
    if password not in cache:
        cache[password] = hash_password(password)
    return cache[password]


def seed_users(organisations: dict[str, Organisation], companies: dict[str, Company]) -> list[User]:
    users = []
    hashes: dict[str, str] = {}  # demo accounts share one passphrase: hash it once
    for row in data.USERS:
        user = _one(User, email_normalised=normalise_email(row["email"]))
        if user is None:
            user = User(
                email=row["email"],
                email_normalised=normalise_email(row["email"]),
                name=row["name"],
                language=row.get("language", "az"),
                password_hash=_hash_once(hashes, row.get("password", data.DEMO_PASSWORD)),
                is_platform_admin=bool(row.get("platform_admin")),
            )
            db.session.add(user)
            db.session.flush()
        if row.get("company"):
            company = companies[row["company"]]
            if _one(CompanyMembership, user_id=user.id, company_id=company.id) is None:
                db.session.add(CompanyMembership(user_id=user.id, company_id=company.id, role="owner"))
        if row.get("organisation"):
            organisation = organisations[row["organisation"]]
            membership = _one(OrganisationMembership, user_id=user.id, organisation_id=organisation.id)
            if membership is None:
                db.session.add(
                    OrganisationMembership(user_id=user.id, organisation_id=organisation.id, role=row.get("role", "reviewer"))
                )
        users.append(user)
    db.session.flush()
    return users


def seed_demo() -> list[str]:
    organisations = seed_organisations()
    locations = seed_locations(organisations)
    companies = seed_companies()
    users = seed_users(organisations, companies)
    db.session.commit()
    made = seed_applications()
    return [
        f"Demo data ready: {len(organisations)} organisations, {len(locations)} filming sites, "
        f"{len(companies)} companies, {len(users)} users, {made} new demo applications.",
    ]
