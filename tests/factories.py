"""factory_boy factories for the core models."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory

from permits.extensions import db
from permits.models import (
    Company,
    CompanyMembership,
    Location,
    Organisation,
    OrganisationMembership,
    User,
)
from permits.services.passwords import hash_password

PASSWORD = "correct horse battery staple"
_HASH: dict[str, str] = {}


def password_hash() -> str:
    # argon2 is slow on purpose; hash the shared test password once.
    if "h" not in _HASH:
        _HASH["h"] = hash_password(PASSWORD)
    return _HASH["h"]


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    key = factory.Sequence(lambda n: f"org-{n}")
    kind = "site_owner"
    name_az = factory.Sequence(lambda n: f"Təşkilat {n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_ru = factory.Sequence(lambda n: f"Организация {n}")
    email = factory.Sequence(lambda n: f"org{n}@example.test")


class CompanyFactory(Base):
    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"Company {n} LLC")
    country = "AZ"
    registration_number = factory.Sequence(lambda n: f"REG-{n:05d}")
    contact_email = factory.Sequence(lambda n: f"office{n}@example.test")


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    email_normalised = factory.LazyAttribute(lambda o: o.email.lower())
    name = factory.Sequence(lambda n: f"User {n}")
    language = "en"
    password_hash = factory.LazyFunction(password_hash)
    active = True


class ProducerFactory(UserFactory):
    @factory.post_generation
    def company(self, create, extracted, **kwargs):
        company = extracted or CompanyFactory()
        db.session.add(CompanyMembership(user_id=self.id, company_id=company.id, role="owner"))
        db.session.flush()
        db.session.refresh(self)


class StaffFactory(UserFactory):
    @factory.post_generation
    def organisation(self, create, extracted, **kwargs):
        organisation = extracted or OrganisationFactory()
        role = kwargs.get("role", "reviewer")
        db.session.add(OrganisationMembership(user_id=self.id, organisation_id=organisation.id, role=role))
        db.session.flush()
        db.session.refresh(self)


class LocationFactory(Base):
    class Meta:
        model = Location

    slug = factory.Sequence(lambda n: f"site-{n}")
    owner = factory.SubFactory(OrganisationFactory)
    name_az = factory.Sequence(lambda n: f"Məkan {n}")
    name_en = factory.Sequence(lambda n: f"Site {n}")
    name_ru = factory.Sequence(lambda n: f"Место {n}")
    description_en = "A filming site."
    region = "baku"
    category = "urban"
    heritage = False
    tourist_site = False
    restricted = False
    fee_per_day = Decimal("200.00")
    max_crew = 40
    published = True
