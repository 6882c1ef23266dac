"""The deadline sweep: how fast N due deadlines fire, and in how many statements.

Creates (and finally drops) a dedicated PostgreSQL database ``bench_sweep``,
migrates it, seeds for each size N due deadlines of the realistic kinds
(reminders and escalations of running reviews, information reminders and
lapses, permit warnings and expiries, payment reminders and lapses) with the
applications, reviews, permits, invoices and staff they act on, by bulk
inserts (SQLAlchemy Core, not the services), then times one sweep
(``permits.services.deadlines.sweep``, as the Celery task runs it, with the
after-commit publishing of the delivery tasks to the testing broker,
``memory://``). Prints the elapsed and this process's CPU seconds (on a busy
machine the CPU time is the steadier figure), deadlines/s, the SQL statements
per deadline (counted with an engine event listener), the time spent
publishing the delivery tasks after the commits, and the rows written.
``--profile`` adds the statements that took the most time.

    .venv/bin/python bench/bench_sweep.py [--sizes 1000,10000] [--keep]

BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
names the server; the database itself is always ``bench_sweep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import drop_database, make_app, recreate_database
from sqlalchemy import event, func, insert, select, text

DB_NAME = "bench_sweep"
UTC = dt.UTC
CHUNK = 5000

# The mix of due deadlines: every review that is still open a business day
# before its due time is reminded, fewer are escalated, every permit is warned
# of and then expires, some approvals wait for the fee, a few producers are
# asked for information and fewer let it lapse.
MIX = (
    ("reminder", 35),
    ("escalation", 20),
    ("permit_expiring", 15),
    ("permit_expiry", 15),
    ("info_reminder", 5),
    ("payment_reminder", 5),
    ("payment_lapse", 3),
    ("info_lapse", 2),
)


# ----------------------------------------------------------------------------- seeding


def seed_reference_data(conn) -> dict:
    """Organisations with a supervisor and two reviewers each, companies with two producers each."""
    from permits.models import Company, CompanyMembership, Organisation, OrganisationMembership, User

    now = dt.datetime.now(UTC)
    orgs = [{"key": "ministry", "kind": "ministry"}, {"key": "tourism", "kind": "tourism"}] + [
        {"key": f"owner-{i}", "kind": "site_owner"} for i in range(8)
    ]
    for o in orgs:
        o.update(name_az=o["key"], name_en=o["key"].title(), name_ru=o["key"], created_at=now)
    conn.execute(insert(Organisation.__table__), orgs)
    org_ids = dict(conn.execute(select(Organisation.key, Organisation.id)).all())
    conn.execute(insert(Company.__table__),
                 [{"legal_name": f"Studio {i} LLC", "country": "AZ", "created_at": now} for i in range(200)])
    company_ids = list(conn.execute(select(Company.id).order_by(Company.id)).scalars())
    languages = ("az", "en", "ru")
    users, staff, producers = [], [], []
    for key in org_ids:
        for role in ("supervisor", "reviewer", "reviewer"):
            email = f"{role}{len(users)}.{key}@bench.test"
            users.append({"email": email, "email_normalised": email, "name": f"{role.title()} {len(users)}",
                          "language": languages[len(users) % 3], "password_hash": "x", "created_at": now,
                          # A few reviewers read the daily summary instead.
                          "daily_digest": len(users) % 7 == 0})
            staff.append((email, org_ids[key], role))
    for i, company_id in enumerate(company_ids):
        for j in range(2):
            email = f"producer{i}.{j}@bench.test"
            users.append({"email": email, "email_normalised": email, "name": f"Producer {i}.{j}",
                          "language": languages[(i + j) % 3], "password_hash": "x", "created_at": now,
                          "daily_digest": False})
            producers.append((email, company_id))
    conn.execute(insert(User.__table__), users)
    user_ids = dict(conn.execute(select(User.email, User.id)).all())
    conn.execute(insert(OrganisationMembership.__table__),
                 [{"user_id": user_ids[e], "organisation_id": o, "role": r, "created_at": now} for e, o, r in staff])
    conn.execute(insert(CompanyMembership.__table__),
                 [{"user_id": user_ids[e], "company_id": c, "role": "owner", "created_at": now} for e, c in producers])
    reviewers = {o: [user_ids[e] for e, org, r in staff if org == o and r == "reviewer"] for o in org_ids.values()}
    return {"orgs": org_ids, "companies": company_ids, "reviewers": reviewers}


def seed_due_deadlines(conn, ref: dict, start: int, count: int, now: dt.datetime) -> None:
    """``count`` due deadlines of the kinds of MIX, each on an application of its own."""
    from permits.models import Application, Deadline, Invoice, MoneyEntry, Permit, ReviewTask
    from workflows import current_definition

    version = current_definition().version
    ministry, owners = ref["orgs"]["ministry"], [v for k, v in ref["orgs"].items() if k.startswith("owner")]
    weights = [(kind, weight) for kind, weight in MIX for _ in range(weight)]
    for chunk_start in range(start, start + count, CHUNK):
        n = min(CHUNK, start + count - chunk_start)
        kinds = [weights[i % len(weights)][0] for i in range(chunk_start, chunk_start + n)]
        apps = []
        for i, kind in zip(range(chunk_start, chunk_start + n), kinds, strict=True):
            state = {"permit_expiring": "approved", "permit_expiry": "approved", "payment_reminder": "awaiting_payment",
                     "payment_lapse": "awaiting_payment"}.get(kind, "in_review")
            apps.append({"reference": f"AZF-S-{i:07d}", "company_id": ref["companies"][i % len(ref["companies"])],
                         "title": f"Production {i}", "production_type": "feature", "country_of_origin": "AZ",
                         "state": state, "impact_tier": "low", "definition_version": version,
                         "submitted_at": now - dt.timedelta(days=20), "created_at": now - dt.timedelta(days=21),
                         "updated_at": now - dt.timedelta(days=20), "fee_total": Decimal("100.00"),
                         "decided_at": now - dt.timedelta(days=10) if state != "in_review" else None})
        ids = list(conn.execute(insert(Application.__table__).returning(Application.id, sort_by_parameter_order=True),
                                apps).scalars())
        reviews, review_of = [], {}
        for i, (app_id, kind) in enumerate(zip(ids, kinds, strict=True)):
            if kind in ("reminder", "escalation", "info_reminder", "info_lapse"):
                org = owners[i % len(owners)] if i % 2 else ministry
                paused = kind.startswith("info")
                review_of[app_id] = len(reviews)
                reviews.append({
                    "application_id": app_id, "kind": "site_owner" if i % 2 else "ministry_screening",
                    "organisation_id": org, "state": "info_requested" if paused else ("in_review" if i % 3 else "pending"),
                    "assignee_id": ref["reviewers"][org][i % 2] if (not paused and i % 3) else None,
                    "opened_at": now - dt.timedelta(days=5), "sla_business_days": 5,
                    "due_at": None if paused else now + dt.timedelta(hours=20 if kind == "reminder" else -2),
                    "paused_at": now - dt.timedelta(days=4) if paused else None,
                    "remaining_business_seconds": 3600 if paused else None, "conditions": [], "reason": "",
                    "version": 1, "flagged": False})
        review_ids = list(conn.execute(insert(ReviewTask.__table__).returning(ReviewTask.id, sort_by_parameter_order=True),
                                       reviews).scalars()) if reviews else []
        deadlines, permits, invoices = [], [], []
        for i, (app_id, kind) in enumerate(zip(ids, kinds, strict=True)):
            index = chunk_start + i
            review_id = review_ids[review_of[app_id]] if app_id in review_of else None
            deadlines.append({"kind": kind, "application_id": app_id, "review_task_id": review_id, "status": "pending",
                              "due_at": now - dt.timedelta(minutes=1 + index % 600), "created_at": now - dt.timedelta(days=5)})
            if kind == "info_reminder":  # the lapse it warns of, days ahead
                deadlines.append({"kind": "info_lapse", "application_id": app_id, "review_task_id": review_id,
                                  "status": "pending", "due_at": now + dt.timedelta(days=3), "created_at": now})
            if kind == "payment_reminder":
                deadlines.append({"kind": "payment_lapse", "application_id": app_id, "review_task_id": None,
                                  "status": "pending", "due_at": now + dt.timedelta(days=3), "created_at": now})
            if kind.startswith("permit"):
                permits.append({"application_id": app_id, "number": f"AZP-S-{index:07d}", "verification_token": f"tok-{index:08d}",
                                "short_code": f"C{index:07d}", "status": "valid", "valid_from": (now - dt.timedelta(days=9)).date(),
                                "valid_until": now.date() + dt.timedelta(days=1 if kind == "permit_expiring" else -1),
                                "conditions": [], "issued_at": now - dt.timedelta(days=10), "current_version": 1})
            if kind.startswith("payment"):
                invoices.append({"application_id": app_id, "company_id": apps[i]["company_id"], "number": f"AZI-S-{index:07d}",
                                 "version": 1, "reference": f"AZIS{index:07d}", "kind": "fee", "is_current": True, "lines": [],
                                 "subtotal": Decimal("100.00"), "waived": Decimal("0.00"), "total": Decimal("100.00"),
                                 "currency": "AZN", "issued_on": (now - dt.timedelta(days=10)).date(),
                                 "due_on": now.date() + dt.timedelta(days=3), "issued_at": now - dt.timedelta(days=10)})
        conn.execute(insert(Deadline.__table__), deadlines)
        if permits:
            conn.execute(insert(Permit.__table__), permits)
        if invoices:
            rows = conn.execute(insert(Invoice.__table__).returning(Invoice.id, Invoice.application_id, Invoice.company_id,
                                                                    sort_by_parameter_order=True), invoices).all()
            conn.execute(insert(MoneyEntry.__table__),
                         [{"application_id": a, "company_id": c, "invoice_id": inv, "kind": "invoiced",
                           "amount": Decimal("100.00"), "occurred_on": (now - dt.timedelta(days=10)).date(),
                           "bank_reference": "", "source": "system", "note": "", "recorded_at": now - dt.timedelta(days=10)}
                          for inv, a, c in rows])


# ----------------------------------------------------------------------------- timing


def count_rows(conn) -> dict:
    from permits.models import Deadline, Notification, OutboxMessage, WorkflowEvent

    return {
        "fired": conn.execute(select(func.count()).where(Deadline.status == "fired")).scalar_one(),
        "outbox": conn.execute(select(func.count()).select_from(OutboxMessage)).scalar_one(),
        "notices": conn.execute(select(func.count()).select_from(Notification)).scalar_one(),
        "events": conn.execute(select(func.count()).select_from(WorkflowEvent)).scalar_one(),
    }


def time_sweep(app, engine, now: dt.datetime, profile: bool = False) -> tuple[int, float, float, int, float, int]:
    """One sweep: (fired, seconds, CPU seconds of this process, statements, seconds publishing, tasks published).
    With ``profile``, prints the statements that took the most time in all."""
    from permits import dispatch
    from permits.database import intends_to_write
    from permits.extensions import db
    from permits.services import deadlines

    statements = [0]
    published = [0.0, 0]
    cpu = [0.0]

    spent: dict[str, list[float]] = {}

    def count(conn, _cursor, statement, *_args):
        statements[0] += 1
        conn.info["bench_started"] = time.perf_counter()

    def took(conn, _cursor, statement, *_args):
        entry = spent.setdefault(" ".join(statement.split())[:110], [0.0, 0])
        entry[0] += time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
        entry[1] += 1

    original_publish = dispatch.publish

    def timed_publish(calls):
        started = time.perf_counter()
        try:
            return original_publish(calls)
        finally:
            published[0] += time.perf_counter() - started
            published[1] += len(calls)

    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "after_cursor_execute", took)
    dispatch.publish = timed_publish
    try:
        with app.app_context(), intends_to_write():
            started, cpu_started = time.perf_counter(), time.process_time()
            fired = deadlines.sweep(now)
            elapsed = time.perf_counter() - started
            cpu[0] = time.process_time() - cpu_started
            db.session.remove()
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(engine, "after_cursor_execute", took)
        dispatch.publish = original_publish
    if profile:
        print(f"  {'seconds':>8} {'count':>7}  statement (the slowest in all)")
        for statement, (seconds, n) in sorted(spent.items(), key=lambda item: -item[1][0])[:15]:
            print(f"  {seconds:8.2f} {n:7,}  {statement}")
    return fired, elapsed, cpu[0], statements[0], published[0], published[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--profile", action="store_true", help="print the statements that took the most time")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from flask_migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    url = recreate_database(DB_NAME)
    app = make_app(url, tmp)
    from permits.extensions import db

    try:
        with app.app_context():
            upgrade(revision="heads")
            engine = db.engine
        with engine.begin() as conn:
            ref = seed_reference_data(conn)
        now = dt.datetime.now(UTC).replace(microsecond=0)
        seeded = 0
        print(f"{'due':>7} {'fired':>7} {'seconds':>8} {'cpu s':>6} {'deadlines/s':>12} {'stmts/deadline':>15} "
              f"{'publish s':>10} {'tasks':>7} {'outbox':>7} {'notices':>8} {'events':>7}")
        for size in sizes:
            with engine.begin() as conn:
                seed_due_deadlines(conn, ref, seeded, size, now)
                before = count_rows(conn)
            seeded += size
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
            fired, elapsed, cpu, statements, publishing, tasks = time_sweep(app, engine, now, args.profile)
            with engine.connect() as conn:
                after = count_rows(conn)
            print(f"{size:7,} {fired:7,} {elapsed:8.2f} {cpu:6.2f} {fired / elapsed:12,.0f} {statements / max(fired, 1):15.2f} "
                  f"{publishing:10.2f} {tasks:7,} {after['outbox'] - before['outbox']:7,} "
                  f"{after['notices'] - before['notices']:8,} {after['events'] - before['events']:7,}")
            sys.stdout.flush()
            if fired != size:
                print(f"  !! {size - fired} of {size} due deadlines did not fire")
    finally:
        with app.app_context():
            db.engine.dispose()
        if not args.keep:
            drop_database(DB_NAME)


if __name__ == "__main__":
    main()
