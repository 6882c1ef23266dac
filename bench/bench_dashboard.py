"""Latency and query count of the signed-in list pages at 1,000 and 100,000 applications.

Creates (and finally drops) a dedicated PostgreSQL database (``--db-name``,
default ``bench_dashboard``), migrates it, seeds applications with their
bookings, reviews, workflow events and ledger entries by bulk inserts
(SQLAlchemy Core, not the services), then times every list page through the
Flask test client as signed-in users: the producer's home (a company with
100 of the first 1,000 applications, then 2% of the history) and status page, each queue tab of a site
owner, the review page, the ministry's dashboard, decided queue, escalations
and list of applications, the finance page, the statistics page (its
turnaround rows and counters filled as ``flask rebuild-statistics`` writes
them) and the public scorecard. For
each size it prints the median, the 95th percentile and the queries one
request sends; at the end, each page's median at the smallest and largest
size, their ratio, and whether the query count stayed the same.

    .venv/bin/python bench/bench_dashboard.py [--sizes 1000,100000] [--runs 20] [--db-name NAME] [--keep]
        [--reuse] [--pages statistics,scorecard]

``--keep`` leaves the database in place; ``--reuse`` then starts from it
(migrated to the head, seeded only up to the next size, its turnaround and
summary rows rebuilt) instead of seeding again: seeding 100,000 applications
takes minutes. A database holds one size and more; keep one per size
(``--sizes 1000 --db-name bench_dashboard_1k``, ``--sizes 100000 --db-name
bench_dashboard_100k``) to time both again. ``--pages`` times only the pages
whose name contains one of the given words.

BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
names the server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import database_exists, database_url, drop_database, make_app, recreate_database
from sqlalchemy import insert, select, text

DB_NAME = "bench_dashboard"  # --db-name changes it
PASSWORD = "bench-password-2027"
CHUNK = 5000
UTC = dt.UTC


# ----------------------------------------------------------------------------- seeding


def seed_reference_data(conn) -> dict:
    """Organisations, sites, companies and one reviewer per organisation."""
    from permits.models import Company, CompanyMembership, Location, Organisation, OrganisationMembership, User
    from permits.services.passwords import hash_password

    now = dt.datetime.now(UTC)
    orgs = [{"key": "ministry", "kind": "ministry"}, {"key": "tourism", "kind": "tourism"}] + [
        {"key": f"owner-{i}", "kind": "site_owner"} for i in range(8)
    ]
    for o in orgs:
        o.update(name_az=o["key"], name_en=o["key"].title(), name_ru=o["key"], created_at=now)
    conn.execute(insert(Organisation.__table__), orgs)
    org_ids = dict(conn.execute(select(Organisation.key, Organisation.id)).all())
    owners = [org_ids[f"owner-{i}"] for i in range(8)]
    regions = ["baku", "absheron", "sheki_zagatala", "ganja_dashkasan", "lankaran", "karabakh", "guba_khachmaz"]
    categories = ["old_town", "monument", "museum", "nature", "landscape", "urban"]
    conn.execute(
        insert(Location.__table__),
        [
            {"slug": f"site-{i}", "owner_organisation_id": owners[i % 8], "name_az": f"Məkan {i}", "name_en": f"Site {i}",
             "name_ru": f"Место {i}", "region": regions[i % len(regions)], "category": categories[i % len(categories)],
             "heritage": i % 3 == 0, "created_at": now, "updated_at": now}
            for i in range(20)
        ],
    )
    location_rows = conn.execute(select(Location.id, Location.owner_organisation_id)).all()
    countries = ["AZ", "AZ", "AZ", "FR", "DE", "TR", "GB", "US", "RU", "GE"]
    conn.execute(
        insert(Company.__table__),
        [{"legal_name": f"Studio {i} LLC", "country": countries[i % len(countries)], "created_at": now} for i in range(50)],
    )
    company_ids = list(conn.execute(select(Company.id)).scalars())
    password = hash_password(PASSWORD)
    users = [{"email": f"{key}@bench.test", "email_normalised": f"{key}@bench.test", "name": f"Reviewer {key}", "language": "en",
              "password_hash": password, "created_at": now} for key in org_ids]
    users.append({"email": "producer@bench.test", "email_normalised": "producer@bench.test", "name": "Producer", "language": "en",
                  "password_hash": password, "created_at": now})
    users.append({"email": "finance@bench.test", "email_normalised": "finance@bench.test", "name": "Finance", "language": "en",
                  "password_hash": password, "created_at": now})
    conn.execute(insert(User.__table__), users)
    user_ids = dict(conn.execute(select(User.email, User.id)).all())
    conn.execute(
        insert(OrganisationMembership.__table__),
        [{"user_id": user_ids[f"{key}@bench.test"], "organisation_id": org_id, "role": "supervisor" if key == "ministry" else "reviewer",
          "created_at": now} for key, org_id in org_ids.items()]
        + [{"user_id": user_ids["finance@bench.test"], "organisation_id": org_ids["ministry"], "role": "finance", "created_at": now}],
    )
    conn.execute(insert(CompanyMembership.__table__),
                 [{"user_id": user_ids["producer@bench.test"], "company_id": company_ids[0], "role": "owner", "created_at": now}])
    return {"orgs": org_ids, "owners": owners, "locations": location_rows, "companies": company_ids, "users": user_ids}


# The commission's work in hand is the same at every size: the first thousand
# applications hold the open ones (about 400 filed in the last 30 days); every
# application after them is history (decided, older than 30 days). So a page
# shows the same rows at 1,000 and at 100,000, and the ratio measures what the
# history costs, not a fuller page.
WORKLOAD = 1000


def seed_applications(conn, ref: dict, start_index: int, count: int, rng: random.Random) -> None:
    """``count`` applications with one booking, their reviews and events, in chunks."""
    from permits.models import Application, Booking, MoneyEntry, ReviewTask, WorkflowEvent

    # The kept balance (migration 0010) when the schema has it; the same data either way.
    keeps_balance = "balance" in Application.__table__.c

    ministry, tourism = ref["orgs"]["ministry"], ref["orgs"]["tourism"]
    now = dt.datetime.now(UTC)
    base = now - dt.timedelta(days=720)
    types = ["feature", "series", "documentary", "commercial", "music_video", "student", "stills"]
    for chunk_start in range(start_index, start_index + count, CHUNK):
        n = min(CHUNK, start_index + count - chunk_start)
        apps, plans = [], []
        for i in range(chunk_start, chunk_start + n):
            if i < WORKLOAD:  # the first thousand: two years, four in ten filed in the last 30 days
                recent = rng.random() < 0.4
                span = (30 if recent else 720) * 24 * 60
                submitted = (now - dt.timedelta(days=30) if recent else base) + dt.timedelta(minutes=rng.randrange(span))
            else:  # the rest is history: filed and decided more than 30 days ago
                submitted = base + dt.timedelta(minutes=rng.randrange((720 - 31) * 24 * 60))
            age_days = (now - submitted).days
            if age_days > 30:
                state = rng.choices(["approved", "rejected", "withdrawn", "expired"], [6, 2, 1, 3])[0]
            else:
                state = rng.choice(["submitted", "in_review", "in_review", "final_review", "approved"])
            location_id, owner = ref["locations"][rng.randrange(len(ref["locations"]))]
            apps.append({
                "reference": f"AZF-B-{i:07d}",
                # The measured company files one in ten of the first thousand (a page of every group of its home),
                # then its share of the history (one in fifty).
                "company_id": ref["companies"][0] if i < WORKLOAD and rng.random() < 0.1 else ref["companies"][rng.randrange(len(ref["companies"]))],
                "title": f"Production {i}", "production_type": rng.choice(types), "country_of_origin": rng.choice(["AZ", "FR", "TR", "DE", "US"]),
                "state": state, "impact_tier": rng.choice(["low", "medium", "high"]), "submitted_at": submitted,
                "created_at": submitted, "updated_at": submitted, "decided_at": submitted + dt.timedelta(days=6) if state in ("approved", "rejected", "expired") else None,
            })
            plans.append((submitted, state, location_id, owner))
        ids = list(conn.execute(insert(Application.__table__).returning(Application.id, sort_by_parameter_order=True), apps).scalars())
        bookings, reviews = [], []
        for app_id, (submitted, state, location_id, owner) in zip(ids, plans, strict=True):
            start = (submitted + dt.timedelta(days=rng.randrange(10, 60))).date()
            bookings.append({"application_id": app_id, "location_id": location_id, "start_date": start,
                             "end_date": start + dt.timedelta(days=rng.randrange(0, 5)), "crew_on_site": rng.randrange(3, 40)})
            screening_decided = submitted + dt.timedelta(hours=rng.randrange(2, 80))
            kinds = [("ministry_screening", ministry, submitted, screening_decided, 2)]
            if state != "submitted":
                kinds += [("site_owner", owner, screening_decided, screening_decided + dt.timedelta(hours=rng.randrange(2, 200)), 5),
                          ("tourism", tourism, screening_decided, screening_decided + dt.timedelta(hours=rng.randrange(2, 200)), 5)]
            if state not in ("submitted", "in_review"):
                kinds.append(("ministry_final", ministry, submitted + dt.timedelta(days=5), submitted + dt.timedelta(days=6), 2))
            for position, (kind, org, opened, decided, sla) in enumerate(kinds):
                last = position == len(kinds) - 1
                stage_open = {"submitted": ("ministry_screening",), "in_review": ("site_owner", "tourism"), "final_review": ("ministry_final",)}
                open_now = kind in stage_open.get(state, ())
                review_state = rng.choice(["pending", "in_review", "info_requested"]) if open_now else (
                    "rejected" if state == "rejected" and last else "approved")
                paused = review_state == "info_requested"
                reviews.append({
                    "application_id": app_id, "kind": kind, "organisation_id": org, "state": review_state,
                    "opened_at": opened, "sla_business_days": sla,
                    "due_at": None if paused else (now + dt.timedelta(hours=rng.randrange(-48, 120)) if open_now else opened + dt.timedelta(days=sla + 1)),
                    "paused_at": now if paused else None, "remaining_business_seconds": 3600 if paused else None,
                    "decided_at": None if open_now else decided, "conditions": [], "reason": "", "version": 1, "flagged": False,
                })
        conn.execute(insert(Booking.__table__), bookings)
        # The ledger: every approved application invoiced and paid; one in 50 paid 5 AZN too much (a credit).
        entries, balances = [], []
        for app_id, app_row in zip(ids, apps, strict=True):
            if app_row["state"] != "approved":
                continue
            fee = 100 + app_id % 400
            paid = fee + (5 if app_id % 50 == 0 else 0)
            day = (app_row["submitted_at"] + dt.timedelta(days=7)).date()
            common = {"application_id": app_id, "company_id": app_row["company_id"], "occurred_on": day, "bank_reference": "",
                      "source": "system", "note": "", "recorded_at": app_row["submitted_at"]}
            entries.append({**common, "kind": "invoiced", "amount": fee})
            entries.append({**common, "kind": "paid", "amount": paid, "bank_reference": f"TRF-{app_id}"})
            if paid != fee:
                balances.append((app_id, fee - paid))
        if entries:
            conn.execute(insert(MoneyEntry.__table__), entries)
        if keeps_balance:
            for app_id, amount in balances:
                conn.execute(text("UPDATE applications SET balance = :b WHERE id = :i"), {"b": amount, "i": app_id})
        review_rows = conn.execute(
            insert(ReviewTask.__table__).returning(ReviewTask.id, ReviewTask.application_id, ReviewTask.organisation_id,
                                                   ReviewTask.opened_at, ReviewTask.decided_at, ReviewTask.state, sort_by_parameter_order=True),
            reviews,
        ).all()
        events = [{"application_id": app_id, "subject": "application", "action": "submit", "from_state": "draft",
                   "to_state": "submitted", "actor_role": "producer", "payload": {}, "created_at": submitted}
                  for app_id, (submitted, *_rest) in zip(ids, plans, strict=True)]
        for review_id, app_id, org, opened, decided, state in review_rows:
            events.append({"application_id": app_id, "review_task_id": review_id, "organisation_id": org, "subject": "review",
                           "action": "open", "to_state": "pending", "actor_role": "system", "payload": {}, "created_at": opened})
            if decided is not None:
                events.append({"application_id": app_id, "review_task_id": review_id, "organisation_id": org, "subject": "review",
                               "action": "approve" if state == "approved" else "reject", "from_state": "in_review", "to_state": state,
                               "actor_role": "reviewer", "payload": {}, "created_at": decided})
        keys = ("review_task_id", "organisation_id", "from_state", "to_state")
        conn.execute(insert(WorkflowEvent.__table__), [{**dict.fromkeys(keys), **event} for event in events])


def load_reference_data(conn) -> dict:
    """What ``seed_reference_data`` returned, read back from a kept database."""
    from permits.models import Company, Location, Organisation, User

    org_ids = dict(conn.execute(select(Organisation.key, Organisation.id)).all())
    return {
        "orgs": org_ids,
        "owners": [org_ids[f"owner-{i}"] for i in range(8)],
        "locations": conn.execute(select(Location.id, Location.owner_organisation_id).order_by(Location.id)).all(),
        "companies": list(conn.execute(select(Company.id).order_by(Company.id)).scalars()),
        "users": dict(conn.execute(select(User.email, User.id)).all()),
    }


# ----------------------------------------------------------------------------- timing


def sign_in(client, email: str) -> None:
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code in (302, 303), response.status_code


def count_queries(engine, client, url: str) -> int:
    """The statements one GET of ``url`` sends to the database."""
    from sqlalchemy import event

    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def time_get(client, url: str, runs: int) -> tuple[float, float]:
    client.get(url)  # warm up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples) + 0.5) - 1)]
    return statistics.median(samples), p95


def measure(app, ref: dict, runs: int, only: list[str] | None = None) -> list[tuple[str, float, float, int]]:
    """(page, median ms, p95 ms, queries of one request) for every page (or those named by a word of ``only``)."""
    from permits.extensions import db
    from permits.models import Application, ReviewTask

    owner = ref["owners"][0]
    owner_key = next(k for k, v in ref["orgs"].items() if v == owner)
    with app.app_context():
        review_id = db.session.execute(
            select(ReviewTask.id).where(ReviewTask.organisation_id == owner, ReviewTask.state == "pending").order_by(ReviewTask.id.desc()).limit(1)
        ).scalar_one()
        status_id = db.session.execute(
            select(Application.id).where(Application.company_id == ref["companies"][0])
            .order_by((Application.state == "in_review").desc(), Application.id.desc()).limit(1)
        ).scalar_one()
        engine = db.engine
        db.session.remove()
    clients = {}
    for who, email in (("owner", f"{owner_key}@bench.test"), ("ministry", "ministry@bench.test"),
                       ("producer", "producer@bench.test"), ("finance", "finance@bench.test")):
        clients[who] = app.test_client()
        sign_in(clients[who], email)
    pages = [
        ("producer's home (a company with 100, then ~2,100)", "producer", "/applications/"),
        ("producer's home, decided, page 1", "producer", "/applications/?show=decided"),
        ("producer's status page", "producer", f"/applications/{status_id}"),
        *[(f"queue (site owner), {queue}", "owner", f"/review/?queue={queue}")
          for queue in ("mine", "unassigned", "open", "due_soon", "overdue", "waiting", "decided")],
        ("review page", "owner", f"/review/tasks/{review_id}"),
        ("ministry dashboard (escalations + queue)", "ministry", "/review/"),
        ("ministry queue, decided", "ministry", "/review/?queue=decided"),
        ("ministry escalations", "ministry", "/review/escalations"),
        ("ministry list of every application", "ministry", "/review/applications"),
        ("finance lists", "finance", "/finance/"),
    ]
    clients["public"] = app.test_client()
    pages += [("statistics page (no cache)", "ministry", "/review/statistics"), ("public scorecard", "public", "/scorecard/")]
    results = []
    for name, who, url in pages:
        if only and not any(word in name for word in only):
            continue
        median, p95 = time_get(clients[who], url, runs)
        results.append((name, median, p95, count_queries(engine, clients[who], url)))
    return results


def fill_turnaround(app) -> tuple[int, int, float]:
    """The turnaround rows of every decided review and the statistics' counters, as ``flask rebuild-statistics`` writes them."""
    from permits.extensions import db
    from permits.services import summaries, turnaround

    started = time.perf_counter()
    with app.app_context():
        rows = turnaround.rebuild()
        counters = summaries.rebuild()
        db.session.commit()
        db.session.remove()
    return rows, counters, time.perf_counter() - started


def main() -> None:
    global DB_NAME
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--db-name", default=DB_NAME, help=f"the database to create and drop (default {DB_NAME})")
    parser.add_argument("--reuse", action="store_true", help="start from the kept database instead of seeding a new one")
    parser.add_argument("--pages", default="", help="time only the pages whose name contains one of these words (comma-separated)")
    args = parser.parse_args()
    DB_NAME = args.db_name
    sizes = sorted(int(s) for s in args.sizes.split(","))
    only = [word.strip() for word in args.pages.split(",") if word.strip()]

    import tempfile

    from flask_migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    url = database_url(DB_NAME) if args.reuse and database_exists(DB_NAME) else recreate_database(DB_NAME)
    app = make_app(url, tmp, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False)
    from permits.extensions import db

    try:
        with app.app_context():
            upgrade(revision="heads")
            engine = db.engine
        with engine.begin() as conn:
            seeded = conn.execute(text("SELECT count(*) FROM applications")).scalar_one()
            ref = load_reference_data(conn) if seeded else seed_reference_data(conn)
        rng = random.Random(2027 + seeded)
        results = {}
        for size in sizes:
            if size < seeded:
                sys.exit(f"the database {DB_NAME} holds {seeded:,} applications, more than {size:,}")
            started = time.perf_counter()
            with engine.begin() as conn:
                seed_applications(conn, ref, seeded, size - seeded, rng)
            turnaround_rows, counters, turnaround_seconds = fill_turnaround(app)
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.execute(text("ANALYZE"))
                # As autovacuum would after the rebuild's bulk inserts: the statistics read them index-only.
                conn.execute(text("VACUUM ANALYZE"))
            seeding = time.perf_counter() - started
            seeded = size
            with engine.connect() as conn:
                reviews = conn.execute(text("SELECT count(*) FROM review_tasks")).scalar_one()
                events = conn.execute(text("SELECT count(*) FROM workflow_events")).scalar_one()
            print(f"\n== {size:,} applications ({reviews:,} reviews, {events:,} events); seeded in {seeding:.1f} s, "
                  f"of which {turnaround_rows:,} turnaround rows and {counters:,} counters rebuilt in {turnaround_seconds:.1f} s")
            print(f"{'page':45} {'median ms':>10} {'p95 ms':>10} {'queries':>8}")
            results[size] = measure(app, ref, args.runs, only)
            for name, median, p95, queries in results[size]:
                print(f"{name:45} {median:10.1f} {p95:10.1f} {queries:8d}")
            sys.stdout.flush()
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            print(f"\n== {small:,} -> {large:,} applications (ratio of medians; queries at each size)")
            print(f"{'page':45} {'ms ' + format(small, ','):>12} {'ms ' + format(large, ','):>12} {'ratio':>7} {'queries':>10}")
            for (name, m_small, _p, q_small), (_n, m_large, _p2, q_large) in zip(results[small], results[large], strict=True):
                same = "" if q_small == q_large else "  <- grows"
                print(f"{name:45} {m_small:12.1f} {m_large:12.1f} {m_large / m_small:6.2f}x {q_small:4d}/{q_large:<4d}{same}")
    finally:
        with app.app_context():
            db.engine.dispose()
        if not args.keep:
            drop_database(DB_NAME)


if __name__ == "__main__":
    main()
