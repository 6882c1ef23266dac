"""The open-data feed and webhook deliveries on PostgreSQL.

Creates (and finally drops) a database ``bench_open_data``, migrates it and
seeds, for each size N, N issued permits (two bookings each, a tenth revoked,
issued over the last 30 days, with their final reviews and audit entries) by
bulk inserts. Then, in-process through the test client: the median and p95
time and the SQL statements of a JSON page (100 and 1,000 rows), of the whole
CSV (streamed; with its size) and of one day's file. Last, the webhook
worker: W deliveries to a threading HTTP receiver on loopback, one attempt
each, deliveries per second.

    .venv/bin/python bench/bench_open_data.py [--sizes 1000,10000] [--webhooks 200]

BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
names the server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import drop_database, make_app, recreate_database
from sqlalchemy import event, insert, text

DB_NAME = "bench_open_data"
UTC = dt.UTC
NOW = dt.datetime.now(UTC).replace(microsecond=0)  # the bench runs on the real clock


def seed(db, n: int) -> None:
    from permits.models import (
        Application,
        Booking,
        Company,
        Location,
        Organisation,
        Permit,
        ReviewTask,
        WebhookEndpoint,
        WorkflowEvent,
    )

    for table in ("webhook_deliveries", "webhook_endpoints", "workflow_events", "review_tasks", "permits", "bookings",
                  "applications", "locations", "companies", "organisations"):
        db.session.execute(text(f"TRUNCATE {table} RESTART IDENTITY CASCADE"))
    db.session.execute(insert(Organisation), [
        {"key": "ministry", "kind": "ministry", "name_az": "Nazirlik", "name_en": "Ministry", "name_ru": "Министерство",
         "email": "", "phone": "", "created_at": NOW},
        {"key": "owner", "kind": "site_owner", "name_az": "Sahib", "name_en": "Owner", "name_ru": "Владелец",
         "email": "", "phone": "", "created_at": NOW},
    ])
    db.session.execute(insert(Company), [{"legal_name": "Bench Films", "country": "AZ", "created_at": NOW,
                                          "contact_name": "Secret Person", "contact_email": "p@example.test"}])
    db.session.execute(insert(Location), [
        {"slug": f"site-{i}", "owner_organisation_id": 2, "name_az": f"Məkan {i}", "name_en": f"Site {i}",
         "name_ru": f"Место {i}", "region": "baku", "category": "urban", "latitude": Decimal("40.36"),
         "longitude": Decimal("49.83"), "fee_per_day": Decimal("100"), "max_crew": 50, "published": True,
         "created_at": NOW, "updated_at": NOW, "rules_version": 1}
        for i in range(1, 11)])
    chunk = 5000
    for first in range(1, n + 1, chunk):
        ids = range(first, min(n, first + chunk - 1) + 1)
        issued = {i: NOW - dt.timedelta(days=i % 30, minutes=i % 600) for i in ids}
        db.session.execute(insert(Application), [
            {"id": i, "reference": f"AZF-2027-{i:06d}", "company_id": 1, "title": f"Film {i}", "production_type": "feature",
             "state": "revoked" if i % 10 == 0 else "approved", "definition_version": 3, "route": "standard",
             "submitted_at": issued[i] - dt.timedelta(days=3), "created_at": issued[i], "updated_at": issued[i],
             "contact_name": "Secret Person", "contact_email": "p@example.test", "version": 1}
            for i in ids])
        db.session.execute(insert(Booking), [
            {"application_id": i, "location_id": 1 + (i + k) % 10, "start_date": dt.date(2027, 6, 1) + dt.timedelta(days=k),
             "end_date": dt.date(2027, 6, 2) + dt.timedelta(days=k), "daily_start": dt.time(8), "daily_end": dt.time(20),
             "crew_on_site": 10, "active": True}
            for i in ids for k in (0, 3)])
        db.session.execute(insert(Permit), [
            {"application_id": i, "number": f"AZP-2027-{i:06d}", "verification_token": f"token-{i}", "short_code": "ABCD1234",
             "status": "revoked" if i % 10 == 0 else "valid", "valid_from": dt.date(2027, 6, 1),
             "valid_until": dt.date(2027, 6, 5), "conditions": [], "issued_at": issued[i],
             "revoked_at": NOW if i % 10 == 0 else None, "current_version": 1}
            for i in ids])
        db.session.execute(insert(ReviewTask), [
            {"application_id": i, "kind": "ministry_final", "organisation_id": 1, "state": "approved",
             "opened_at": issued[i], "decided_at": issued[i], "sla_business_days": 2, "conditions": [], "reason": "",
             "version": 1, "flagged": False, "calendar_fingerprint": ""}
            for i in ids])
        db.session.execute(insert(WorkflowEvent), [
            {"application_id": i, "actor_role": "system", "subject": "application", "action": "approve",
             "from_state": "final_review", "to_state": "approved", "definition_version": 3, "payload": {},
             "created_at": issued[i]}
            for i in ids])
    db.session.execute(text("SELECT setval('applications_id_seq', :n)"), {"n": n})
    db.session.execute(insert(WebhookEndpoint), [{"company_id": 1, "url": "http://127.0.0.1/", "description": "",
                                                  "events": ["permit.issued"], "secret": "whsec_bench", "active": True,
                                                  "created_at": NOW}])
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def timed(client, engine, url: str, runs: int) -> tuple[float, float, float, int, int]:
    """(median ms, p95 ms, max ms, statements, bytes) of ``runs`` GETs of ``url``."""
    seen: list[str] = []

    def count(*args):
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    times, size = [], 0
    try:
        for _ in range(runs):
            seen.clear()
            started = time.perf_counter()
            response = client.get(url)
            size = len(response.get_data())
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], times[-1], len(seen), size


class Receiver:
    def __init__(self):
        self.count = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.count += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def bench_webhooks(app, db, count: int) -> None:
    from permits.database import intends_to_write
    from permits.models import WebhookDelivery, WebhookEndpoint
    from permits.notifications import webhooks as delivery

    receiver = Receiver()
    endpoint = db.session.get(WebhookEndpoint, 1)
    endpoint.url = f"http://127.0.0.1:{receiver.server.server_address[1]}/hooks"
    db.session.execute(insert(WebhookDelivery), [
        {"endpoint_id": 1, "event": "permit.issued", "idempotency_key": f"permit.issued:evt_{i}",
         "payload": {"id": f"evt_{i}", "type": "permit.issued", "data": {"permit": {"number": f"AZP-2027-{i:06d}"}}},
         "status": "pending", "attempts": 0, "next_attempt_at": NOW - dt.timedelta(minutes=1), "created_at": NOW,
         "claimed_by": "", "response_body": "", "last_error": ""}
        for i in range(count)])
    db.session.commit()
    ids = delivery.pending_ids(limit=count, now=dt.datetime.now(UTC))
    db.session.commit()
    started = time.perf_counter()
    with intends_to_write():
        outcome = delivery.deliver_batch(ids, budget_seconds=3600)
    elapsed = time.perf_counter() - started
    delivered = sum(1 for status in outcome.values() if status == "delivered")
    print(f"webhooks: {delivered}/{count} delivered to a loopback receiver (received {receiver.count}) in {elapsed:.2f} s: "
          f"{delivered / elapsed:.0f} deliveries/s, {elapsed / max(1, delivered) * 1000:.1f} ms each "
          "(claim + commit, sign, POST, record + commit)")
    receiver.server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--webhooks", type=int, default=200)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = recreate_database(DB_NAME)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(url, Path(tmp), WEBHOOKS_ALLOW_LOOPBACK=True, OPEN_DATA_RATE_LIMIT="100000 per minute")
            from flask_migrate import upgrade

            from permits.extensions import db

            with app.app_context():
                upgrade(revision="heads")
                for n in (int(s) for s in args.sizes.split(",")):
                    seed(db, n)
                    client = app.test_client()
                    day = (NOW - dt.timedelta(days=3)).date().isoformat()
                    print(f"\n{n} permits ({2 * n} rows):")
                    for path, runs in ((f"/open-data/permits.json?limit=100&after={n // 2}.0", args.runs),
                                       ("/open-data/permits.json?limit=1000", args.runs),
                                       (f"/open-data/permits/{day}.json", args.runs),
                                       ("/open-data/permits.csv", max(3, args.runs // 5))):
                        median, p95, _worst, statements, size = timed(client, db.engine, path, runs)
                        print(f"  {path:48} median {median:8.1f} ms  p95 {p95:8.1f} ms  {statements} statement(s)  "
                              f"{size / 1024:9.1f} KiB")
                bench_webhooks(app, db, args.webhooks)
                db.session.remove()
                db.engine.dispose()
    finally:
        if not args.keep:
            drop_database(DB_NAME)


if __name__ == "__main__":
    main()
