"""A small world for workflow tests: the ministry, tourism, the police, civil
aviation and emergency services, two site owners with a site each, a
producer company, and reviewers in every organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from permits.extensions import db
from permits.models import Application, Location, Organisation, User
from permits.services import applications, ledger, payments, workflow
from tests.factories import CompanyFactory, LocationFactory, OrganisationFactory, ProducerFactory, StaffFactory

# A quiet week (no Azerbaijani holiday): Monday 19 April 2027, 10:00 in Baku.
MONDAY = dt.datetime(2027, 4, 19, 6, 0, tzinfo=dt.UTC)


@dataclass
class World:
    ministry: Organisation
    tourism: Organisation
    owner_a: Organisation
    owner_b: Organisation
    site_a: Location
    site_b: Location
    producer: User
    other_producer: User
    ministry_reviewer: User
    ministry_supervisor: User
    tourism_reviewer: User
    owner_a_reviewer: User
    owner_a_supervisor: User
    owner_b_reviewer: User
    # The film commission's finance officer (records payments).
    finance: User | None = None
    # The agencies of process version 2, by organisation kind: (organisation, reviewer).
    agencies: dict[str, tuple[Organisation, User]] = field(default_factory=dict)

    def reviewer_for(self, review) -> User:
        reviewers = {
            self.ministry.id: self.ministry_reviewer,
            self.tourism.id: self.tourism_reviewer,
            self.owner_a.id: self.owner_a_reviewer,
            self.owner_b.id: self.owner_b_reviewer,
        }
        reviewers.update({organisation.id: reviewer for organisation, reviewer in self.agencies.values()})
        return reviewers[review.organisation_id]


def build_world(*, heritage_a: bool = True) -> World:
    ministry = OrganisationFactory(key="ministry", kind="ministry")
    tourism = OrganisationFactory(key="tourism", kind="tourism")
    owner_a = OrganisationFactory(key="owner-a")
    owner_b = OrganisationFactory(key="owner-b")
    site_a = LocationFactory(owner=owner_a, heritage=heritage_a, name_en="Maiden Tower", max_crew=40)
    site_b = LocationFactory(owner=owner_b, name_en="Yanar Dag", max_crew=60)
    foreign = CompanyFactory(legal_name="Lumière SAS", country="FR")
    world = World(
        ministry=ministry,
        tourism=tourism,
        owner_a=owner_a,
        owner_b=owner_b,
        site_a=site_a,
        site_b=site_b,
        producer=ProducerFactory(company=foreign, email="producer@example.test"),
        other_producer=ProducerFactory(email="other@example.test"),
        ministry_reviewer=StaffFactory(organisation=ministry, email="ministry@example.test"),
        ministry_supervisor=StaffFactory(organisation=ministry, organisation__role="supervisor", email="coord@example.test"),
        tourism_reviewer=StaffFactory(organisation=tourism, email="tourism@example.test"),
        owner_a_reviewer=StaffFactory(organisation=owner_a, email="a@example.test"),
        owner_a_supervisor=StaffFactory(organisation=owner_a, organisation__role="supervisor", email="a-sup@example.test"),
        owner_b_reviewer=StaffFactory(organisation=owner_b, email="b@example.test"),
        agencies=agencies(),
        finance=StaffFactory(organisation=ministry, organisation__role="finance", email="finance@example.test"),
    )
    db.session.commit()
    return world


AGENCY_KINDS = ("police", "aviation", "emergency")


def agencies() -> dict[str, tuple[Organisation, User]]:
    """The police, civil aviation and emergency services, a reviewer each."""
    made = {}
    for kind in AGENCY_KINDS:
        organisation = OrganisationFactory(key=kind, kind=kind)
        made[kind] = (organisation, StaffFactory(organisation=organisation, email=f"{kind}@example.test"))
    return made


def draft(world: World, *, sites=None, start=dt.date(2027, 6, 7), days=3, crew=20, activities=()) -> Application:
    application = applications.create_draft(
        world.producer, title="The Silk Road", production_type="feature", activities=list(activities), crew_total=crew
    )
    for site in sites or (world.site_a, world.site_b):
        applications.add_booking(
            application, world.producer, site, start=start, end=start + dt.timedelta(days=days - 1), crew_on_site=crew
        )
    db.session.commit()
    return application


def submitted(world: World, now=MONDAY, **kwargs) -> Application:
    application = draft(world, **kwargs)
    workflow.submit(application, world.producer, now=now)
    db.session.commit()
    return application


def open_reviews(application: Application, kind: str | None = None):
    db.session.refresh(application)
    return [r for r in application.reviews if r.is_open and (kind is None or r.kind == kind)]


def approve_all(world: World, application: Application, kind: str, now=MONDAY, action="approve", *, pay=True, **kwargs):
    """Decide every open review of ``kind``; an approval that leaves the
    application awaiting payment is paid in full (``pay=False`` leaves it)."""
    for review in open_reviews(application, kind):
        workflow.decide(review, world.reviewer_for(review), action, now=now, **kwargs)
    db.session.commit()
    db.session.refresh(application)
    if pay and application.state == "awaiting_payment":
        pay_in_full(world, application, now)


def pay_in_full(world: World, application: Application, now=MONDAY, *, bank_reference: str | None = None):
    """The finance officer records a transfer of the whole balance (the permit is issued)."""
    invoice = ledger.fee_invoice(application.id)
    entry = payments.record_payment(
        world.finance, invoice, amount=ledger.balance_of(application), paid_on=now.date(),
        bank_reference=bank_reference or f"TRF-{application.id}-{invoice.version}", now=now,
    )
    db.session.commit()
    db.session.refresh(application)
    return entry
