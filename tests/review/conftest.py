"""Fixtures of the reviewers' dashboard tests."""

from __future__ import annotations

import datetime as dt

import pytest

from permits.extensions import db as database
from permits.models import Application, Booking, ReviewTask
from permits.services import summaries, turnaround
from tests.factories import PASSWORD
from tests.helpers import login
from tests.services.scenario import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def signed_in(client):
    def _sign_in(user):
        response = login(client, user.email, PASSWORD)
        assert response.status_code in (302, 303), response.data[:500]
        return client

    return _sign_in


def make_application(world, *, title="Quick shoot", company=None, site=None, start=dt.date(2027, 6, 7), days=2,
                     state="in_review", tier="low", country="FR", submitted_at=None):
    """An application row straight in the database (no services): fast for queues."""
    company = company or world.producer.company
    submitted_at = submitted_at or dt.datetime(2027, 4, 19, 6, tzinfo=dt.UTC)
    application = Application(
        company_id=company.id,
        title=title,
        production_type="feature",
        country_of_origin=country,
        state=state,
        impact_tier=tier,
        submitted_at=submitted_at,
    )
    database.session.add(application)
    database.session.flush()
    application.reference = f"AZF-2027-{application.id:06d}"
    database.session.add(
        Booking(application_id=application.id, location_id=(site or world.site_a).id, start_date=start,
                end_date=start + dt.timedelta(days=days - 1), crew_on_site=10)
    )
    database.session.flush()
    summaries.apply(summaries.application_cells(application))  # its counters, as the services would have kept them
    return application


def make_review(application, organisation, *, kind="site_owner", state="pending", due_at=None, assignee=None,
                opened_at=None, decided_at=None, paused=False):
    review = ReviewTask(
        application_id=application.id,
        kind=kind,
        organisation_id=organisation.id,
        state=state,
        due_at=None if paused else due_at,
        paused_at=opened_at if paused else None,
        remaining_business_seconds=3600 if paused else None,
        opened_at=opened_at or dt.datetime(2027, 4, 19, 6, tzinfo=dt.UTC),
        decided_at=decided_at,
        assignee_id=assignee.id if assignee else None,
    )
    database.session.add(review)
    database.session.flush()
    if turnaround.counts(review):
        turnaround.record(review)  # as the decision would have
    return review
