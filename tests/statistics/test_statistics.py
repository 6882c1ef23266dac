"""The ministry's statistics and the public scorecard."""

import csv
import datetime as dt
import io

from permits.extensions import db
from permits.models import Permit
from permits.services import statistics, summaries
from tests.review.conftest import make_application, make_review


def _decided(world, organisation, kind, opened, decided, due):
    application = make_application(world, state="approved")
    return make_review(application, organisation, kind=kind, state="approved", opened_at=opened, decided_at=decided, due_at=due)


def test_turnaround_in_business_days_and_within_sla(db, world):
    monday = dt.datetime(2027, 4, 19, 6, tzinfo=dt.UTC)
    # Monday -> Wednesday: 2 business days, on time.
    _decided(world, world.owner_a, "site_owner", monday, monday + dt.timedelta(days=2), monday + dt.timedelta(days=5))
    # Friday -> next Tuesday: 2 business days (the weekend does not count), late.
    friday = monday + dt.timedelta(days=4)
    _decided(world, world.owner_a, "site_owner", friday, friday + dt.timedelta(days=4), friday + dt.timedelta(days=1))
    # Monday -> same day: 0.
    _decided(world, world.tourism, "tourism", monday, monday + dt.timedelta(hours=3), monday + dt.timedelta(days=5))
    db.session.commit()
    by_org = {row.key: row for row in statistics.turnaround_by("organisation")}
    assert by_org[world.owner_a.id].median == 2 and by_org[world.owner_a.id].p90 == 2
    assert by_org[world.owner_a.id].share_within_sla == 0.5
    assert by_org[world.tourism.id].median == 0
    by_kind = {row.key: row for row in statistics.turnaround_by("kind")}
    assert by_kind["site_owner"].reviews == 2


def test_percentiles():
    assert statistics.percentile({}, 0.5) is None
    assert statistics.percentile({1: 1, 2: 1, 3: 1, 10: 1}, 0.5) == 2
    assert statistics.percentile({1: 9, 10: 1}, 0.9) == 1
    assert statistics.percentile({1: 8, 10: 2}, 0.9) == 10


def test_statistics_page_and_csv_are_injection_safe(world, signed_in, client):
    world.site_a.name_en = "=cmd|' /C calc'!A0"
    application = make_application(world, state="approved", start=dt.date(2027, 6, 7), days=3)
    make_review(application, world.owner_a, state="approved", decided_at=dt.datetime(2027, 4, 21, 6, tzinfo=dt.UTC),
                due_at=dt.datetime(2027, 4, 26, 6, tzinfo=dt.UTC))
    db.session.commit()
    signed_in(world.ministry_supervisor)
    html = client.get("/review/statistics").get_data(as_text=True)
    assert "app-bar-chart__svg" in html and "style=" not in html.split("<main")[1]
    for name in ("applications-by-month", "turnaround-by-organisation", "turnaround-by-kind", "shoot-days-by-region",
                 "shoot-days-by-category", "shoot-days-by-month", "productions-by-country", "most-requested-sites"):
        response = client.get(f"/review/statistics/{name}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv", name
    rows = list(csv.reader(io.StringIO(client.get("/review/statistics/most-requested-sites.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][0] == "'=cmd|' /C calc'!A0" and rows[1][1:] == ["1", "3"]
    shoot = list(csv.reader(io.StringIO(client.get("/review/statistics/shoot-days-by-month.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert shoot[1] == ["2027-06", "3", "1"]
    assert client.get("/review/statistics/nope.csv").status_code == 404


def test_the_public_scorecard_needs_no_sign_in(world, client):
    now = statistics.now_utc()
    application = make_application(world, state="approved", start=(now - dt.timedelta(days=5)).date(), days=3)
    permit = Permit(application_id=application.id, number="AZP-1", verification_token="t" * 30, short_code="ABC",
                    valid_from=application.first_shoot_date, valid_until=application.last_shoot_date, issued_at=now - dt.timedelta(days=10))
    db.session.add(permit)
    db.session.flush()
    summaries.count_permit(permit)  # as issuing it would have
    make_review(application, world.owner_a, state="approved", opened_at=now - dt.timedelta(days=12), decided_at=now - dt.timedelta(days=11), due_at=now)
    db.session.commit()
    response = client.get("/scorecard/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<span class="app-stat__value">1</span>' in html and '<span class="app-stat__value">3</span>' in html
    assert world.owner_a.name_en in html  # the suite's default language (TestingConfig) is English


def _csv(client, name):
    return list(csv.reader(io.StringIO(client.get(f"/review/statistics/{name}.csv").get_data(as_text=True).lstrip("\ufeff"))))


def test_a_russian_reader_gets_names_in_russian_in_the_page_and_the_csv(world, signed_in, client):
    world.site_a.name_ru, world.site_a.region = "Девичья башня", "sheki_zagatala"
    application = make_application(world, state="approved", start=dt.date(2027, 6, 7), days=3, country="FR")
    make_review(application, world.owner_a, state="approved", decided_at=dt.datetime(2027, 4, 21, 6, tzinfo=dt.UTC),
                due_at=dt.datetime(2027, 4, 26, 6, tzinfo=dt.UTC))
    world.owner_a.name_ru = "Заповедник Ичеришехер"
    world.ministry_supervisor.language = "ru"
    db.session.commit()
    signed_in(world.ministry_supervisor)
    html = client.get("/review/statistics").get_data(as_text=True)
    assert "июнь 2027" in html and "Шеки-Загатала" in html and "Франция" in html
    # Every name that has three languages is in the reader's language in the CSV.
    assert _csv(client, "most-requested-sites")[1][0] == "Девичья башня"
    assert _csv(client, "shoot-days-by-region")[1][0] == "Шеки-Загатала"
    assert _csv(client, "productions-by-country")[1] == ["Франция", "1", "1", "FR"]
    assert _csv(client, "turnaround-by-organisation")[1][0] == "Заповедник Ичеришехер"
    # Months stay ISO in the CSV: a spreadsheet sorts them and reads them as dates.
    assert _csv(client, "shoot-days-by-month")[1][0] == "2027-06"
