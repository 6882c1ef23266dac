"""E-mails committed together travel and are delivered together: one broker
message per batch, one claim statement, one SMTP connection, one commit of
the outcomes - and still never lost and never doubled."""

from __future__ import annotations

import smtplib
import threading

from sqlalchemy import event, select

from permits import dispatch, notifications
from permits.extensions import db as _db
from permits.models import OutboxMessage, OutboxStatus
from permits.notifications import delivery, queue_email
from permits.tasks import deliver_outbox_messages, relay_outbox
from tests.factories import UserFactory

CONTEXT = {"reference": "AZF-2027-000001", "title": "The Silk Road", "path": "/applications/1", "recipient_name": "Ann"}


def _queue(db, n: int, prefix: str = "batch") -> list[int]:
    user = UserFactory(email=f"{prefix}@example.test", language="en")
    ids = [queue_email("application_received", user, CONTEXT, key=f"{prefix}:{i}").id for i in range(n)]
    db.session.commit()
    return ids


class Statements:
    """Counts the SQL statements and the commits on the suite's engine."""

    def __init__(self, engine):
        self.engine = engine
        self.statements = 0
        self.commits = 0

    def _statement(self, *args):
        self.statements += 1

    def _commit(self, *args):
        self.commits += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)


def test_calls_of_a_batched_task_become_batches_and_a_lone_call_stays_itself():
    name, batch = notifications.DELIVER_TASK, notifications.DELIVER_BATCH_TASK
    size = notifications.DELIVER_BATCH_SIZE
    ids = list(range(1, 2 * size + 8))
    messages = dispatch.batched([(name, (i,)) for i in ids] + [("permits.tasks.render_permit_pdf", (9,))])
    assert messages == [
        ("permits.tasks.render_permit_pdf", (9,)),
        (batch, (ids[:size],)),
        (batch, (ids[size:2 * size],)),
        (batch, (ids[2 * size:],)),
    ]
    assert dispatch.batched([(name, (5,))]) == [(name, (5,))]


def test_committing_many_messages_publishes_one_broker_message_per_batch(db, app, monkeypatch):
    sent = []
    monkeypatch.setattr(app.extensions["celery"], "send_task", lambda name, args, **kw: sent.append((name, args)))
    dispatch.reset_broker_backoff()
    ids = _queue(db, 120)
    size = notifications.DELIVER_BATCH_SIZE
    assert [name for name, _args in sent] == [notifications.DELIVER_BATCH_TASK] * 3
    assert [i for _name, args in sent for i in args[0]] == ids
    assert max(len(args[0]) for _name, args in sent) == size


def test_a_batch_takes_the_same_statements_and_two_commits_whatever_its_size(db, smtp_app, smtp):
    counts = []
    for n in (3, 30):
        ids = _queue(db, n, prefix=f"size{n}")
        with Statements(_db.engine) as counted:
            assert deliver_outbox_messages(ids) == n
        counts.append((counted.statements, counted.commits))
        rows = _db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
        assert {row.status for row in rows} == {OutboxStatus.SENT}
        assert all(row.attempts == 1 and row.sent_at and row.subject for row in rows)
    assert len(smtp.messages) == 33
    # claim, load, record the sent (and on SQLite each transaction's BEGIN IMMEDIATE)
    assert counts[0] == counts[1] and counts[0][1] == 2 and counts[0][0] <= 7, counts


def test_one_smtp_connection_serves_the_whole_batch(db, smtp_app, smtp, monkeypatch):
    opened = []
    real = delivery.smtplib.SMTP

    class CountingSMTP(real):
        def __init__(self, *args, **kwargs):
            opened.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(delivery.smtplib, "SMTP", CountingSMTP)
    delivery._close_connection()
    ids = _queue(db, 12)
    deliver_outbox_messages(ids)
    assert len(smtp.messages) == 12 and len(opened) == 1


def test_two_workers_given_the_same_batch_send_each_email_once(db, smtp_app, smtp):
    ids = _queue(db, 40)
    results: list[dict] = []
    go = threading.Barrier(2)

    def worker():
        with smtp_app.app_context():
            go.wait(timeout=30)
            results.append(delivery.deliver_batch(list(ids)))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(i for outcome in results for i in outcome) == ids  # every id claimed by exactly one
    assert len(smtp.messages) == 40
    assert len(set(smtp.message_ids())) == 40


def test_a_refusal_fails_only_its_message_and_the_rest_of_the_batch_goes_out(db, smtp_app, smtp):
    ids = _queue(db, 5)
    smtp.replies.extend([None, "550 5.1.1 No such user"])  # the second message is refused
    outcome = delivery.deliver_batch(ids)
    assert outcome[ids[1]] == OutboxStatus.FAILED
    assert [outcome[i] for i in ids if i != ids[1]] == [OutboxStatus.SENT] * 4
    assert len(smtp.messages) == 4
    refused = _db.session.get(OutboxMessage, ids[1], populate_existing=True)
    assert "550" in refused.last_error and refused.attempts == 1


def test_with_the_server_away_the_rest_of_the_batch_goes_back_untried(db, smtp_app, smtp, monkeypatch):
    ids = _queue(db, 4)
    calls = []

    def unreachable(email):
        calls.append(email["Message-ID"])
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(delivery, "send", unreachable)
    outcome = delivery.deliver_batch(ids)
    assert len(calls) == 1  # not one connection attempt per message
    assert outcome[ids[0]] == OutboxStatus.FAILED
    assert [outcome[i] for i in ids[1:]] == [OutboxStatus.PENDING] * 3
    rows = {row.id: row for row in _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids)).execution_options(populate_existing=True))}
    assert [rows[i].attempts for i in ids] == [1, 0, 0, 0]  # the untried ones lost no attempt
    assert set(delivery.pending_ids()) == set(ids[1:])  # and are due again at once
    monkeypatch.undo()
    assert relay_outbox() == 3
    assert len(smtp.messages) == 3


def test_the_relay_delivers_everything_due_in_batches(db, smtp_app, smtp, monkeypatch):
    ids = _queue(db, notifications.DELIVER_BATCH_SIZE + 5)
    batches = []
    real = delivery.deliver_batch

    def watching(message_ids, **kwargs):
        batches.append(len(message_ids))
        return real(message_ids, **kwargs)

    monkeypatch.setattr(delivery, "deliver_batch", watching)
    assert relay_outbox() == len(ids)
    assert batches == [notifications.DELIVER_BATCH_SIZE, 5]
    assert len(smtp.messages) == len(ids)
