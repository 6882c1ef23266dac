"""The sweep lapses applications in batches (``workflow.lapse_all``,
``workflow.lapse_unpaid_all``): what a batch of information and payment
lapses writes - states, versions, events, ledger entries, cancelled
deadlines, notices and e-mails - is what lapsing them one at a time writes;
a batch of lapses costs the same statements whatever its size; and two
sweeps at once on PostgreSQL lapse each application once."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import event, func, select, update

from permits.database import intends_to_write
from permits.extensions import db as _db
from permits.models import (
    Amendment,
    Application,
    Deadline,
    MoneyEntry,
    Notification,
    OutboxMessage,
    Permit,
    ReviewTask,
    WorkflowEvent,
)
from permits.services import amendments, deadlines, ledger, payments, workflow
from tests.services.scenario import MONDAY, approve_all, build_world, open_reviews, pay_in_full, submitted

STAGES = ("ministry_screening", "site_owner", "tourism", "ministry_final")
LAPSE_KINDS = ("info_lapse", "payment_lapse")


# ----------------------------------------------------------------------------- the situations a lapse meets


def _ask(world, review, now=MONDAY) -> int:
    """A reviewer asks the producer for information; the id of the lapse it schedules."""
    workflow.decide(review, world.reviewer_for(review), "request_information", reason="Which entrance?", now=now)
    _db.session.commit()
    return _db.session.scalar(select(Deadline.id).where(Deadline.review_task_id == review.id, Deadline.kind == "info_lapse",
                                                         Deadline.status == "pending"))


def _payment_lapse(application) -> int:
    return _db.session.scalar(select(Deadline.id).where(Deadline.application_id == application.id,
                                                        Deadline.kind == "payment_lapse").order_by(Deadline.id.desc()))


def _pending_again(deadline_id: int) -> int:
    """A lapse whose cause went away (answered, paid) but that is due all the same: the verbs leave it alone."""
    _db.session.execute(update(Deadline).where(Deadline.id == deadline_id).values(status="pending"))
    _db.session.commit()
    return deadline_id


def _approved_unpaid(world) -> Application:
    application = submitted(world)
    for kind in STAGES:
        approve_all(world, application, kind, pay=False)
    assert application.state == "awaiting_payment"
    return application


def at_screening(world) -> tuple[Application, int]:
    """The screening asked; nothing invoiced yet."""
    application = submitted(world)
    [screening] = open_reviews(application)
    return application, _ask(world, screening)


def in_parallel_review(world, *, paid: bool = False) -> tuple[Application, int]:
    """A site owner asked while the other reviews run (one claimed); invoiced, and paid in full if ``paid``."""
    application = submitted(world)
    approve_all(world, application, "ministry_screening")
    if paid:
        pay_in_full(world, application)
    owner_a, *others = sorted(open_reviews(application), key=lambda r: (r.organisation_id != world.owner_a.id, r.id))
    workflow.claim(others[0], world.reviewer_for(others[0]))
    _db.session.commit()
    return application, _ask(world, owner_a)


def answered(world) -> tuple[Application, int]:
    """The producer answered in time: the review runs again."""
    application = submitted(world)
    [screening] = open_reviews(application)
    lapse = _ask(world, screening)
    workflow.provide_information(screening, world.producer, "The north gate.", now=MONDAY + dt.timedelta(days=1))
    _db.session.commit()
    return application, _pending_again(lapse)


def unpaid(world) -> tuple[Application, int]:
    application = _approved_unpaid(world)
    return application, _payment_lapse(application)


def part_paid(world) -> tuple[Application, int]:
    application = _approved_unpaid(world)
    invoice = ledger.fee_invoice(application.id)
    payments.record_payment(world.finance, invoice, amount=(invoice.total / 2).quantize(Decimal("0.01")),
                            paid_on=MONDAY.date(), bank_reference=f"HALF-{application.id}", now=MONDAY)
    _db.session.commit()
    return application, _payment_lapse(application)


def settled(world) -> tuple[Application, int]:
    """Paid in full: the permit was issued, and the lapse (due all the same) finds nothing to lapse."""
    application = _approved_unpaid(world)
    lapse = _payment_lapse(application)
    pay_in_full(world, application)
    assert application.state == "approved"
    return application, _pending_again(lapse)


def amended(world) -> tuple[Application, int]:
    """An amendment's site owner asked: only the amendment lapses (one at a time, as before)."""
    application = submitted(world)
    for kind in STAGES:
        approve_all(world, application, kind)
    amendment = amendments.request_amendment(
        application, world.producer, location=world.site_b, start=dt.date(2027, 6, 21), end=dt.date(2027, 6, 22),
        crew_on_site=10, daily_start=dt.time(9), daily_end=dt.time(17), now=MONDAY,
    )
    _db.session.commit()
    [owner_review] = [r for r in amendments.reviews_of(amendment) if r.is_open and r.kind == "site_owner"]
    return application, _ask(world, owner_review)


SITUATIONS = (at_screening, in_parallel_review, lambda world: in_parallel_review(world, paid=True), answered, unpaid,
              part_paid, settled, amended)


# ----------------------------------------------------------------------------- what a lapse wrote, without its ids


class Marks:
    """The last id of each table the sweep appends to, before it runs."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now  # when the sweep runs (the clock stands still)
        self.ids = {model: _db.session.scalar(select(func.coalesce(func.max(model.id), 0)))
                    for model in (WorkflowEvent, MoneyEntry, Notification, OutboxMessage)}

    def after(self, model):
        return model.id > self.ids[model]


def _written(application_id: int, marks: Marks) -> dict:
    """Everything of one application that firing its lapse changed or wrote, with the
    application's and its reviews' ids replaced by placeholders (the users are shared)."""
    _db.session.expire_all()
    application = _db.session.get(Application, application_id)
    reviews = list(_db.session.scalars(select(ReviewTask).where(ReviewTask.application_id == application_id)
                                       .order_by(ReviewTask.id)))
    review_no = {r.id: f"R{i}" for i, r in enumerate(reviews)}
    amendment_no = {a: f"M{i}" for i, a in enumerate(_db.session.scalars(
        select(Amendment.id).where(Amendment.application_id == application_id).order_by(Amendment.id)))}

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, str):
            value = value.replace(application.reference, "REF").replace(f"/applications/{application_id}", "/applications/A")
            for review_id, no in review_no.items():
                value = value.replace(f"/review/tasks/{review_id}", f"/review/tasks/{no}")
        return value

    def context(values: dict) -> dict:
        values = plain(values)
        if values.get("application_id") == application_id:
            values["application_id"] = "A"
        if "review_id" in values:
            values["review_id"] = review_no.get(values["review_id"], values["review_id"])
        return values

    def key(value: str) -> str:
        head, subject, *rest = value.split(":")
        return ":".join([head, "A" if subject == str(application_id) else subject, *rest])

    notices = _db.session.scalars(select(Notification).where(Notification.application_id == application_id,
                                                             marks.after(Notification)))
    messages = [m for m in _db.session.scalars(select(OutboxMessage).where(marks.after(OutboxMessage)))
                if (m.context or {}).get("application_id") == application_id]
    permit = _db.session.scalar(select(Permit).where(Permit.application_id == application_id))
    return {
        "application": (application.state, application.version, application.decided_at, application.balance,
                        application.needs_ministry_decision, application.updated_at == marks.now),
        "permit": permit.status if permit is not None else None,
        "amendments": [(amendment_no[a.id], a.state, a.version, a.decided_at) for a in _db.session.scalars(
            select(Amendment).where(Amendment.application_id == application_id).order_by(Amendment.id))],
        "reviews": [(review_no[r.id], r.kind, r.organisation_id, r.state, r.version, r.due_at, r.paused_at,
                     r.remaining_business_seconds, r.decided_at, amendment_no.get(r.amendment_id)) for r in reviews],
        "deadlines": [(d.kind, review_no.get(d.review_task_id), d.status, d.due_at, d.fired_at) for d in _db.session.scalars(
            select(Deadline).where(Deadline.application_id == application_id).order_by(Deadline.id))],
        "events": [(review_no.get(e.review_task_id), amendment_no.get(e.amendment_id), e.actor_id, e.actor_role,
                    e.organisation_id, e.subject, e.action, e.from_state, e.to_state, e.definition_version, e.payload,
                    e.created_at) for e in _db.session.scalars(
            select(WorkflowEvent).where(WorkflowEvent.application_id == application_id, marks.after(WorkflowEvent))
            .order_by(WorkflowEvent.id))],
        "ledger": [(e.kind, e.amount, e.occurred_on, e.note, e.source, e.invoice_id, e.recorded_by_id, e.recorded_at)
                   for e in _db.session.scalars(select(MoneyEntry).where(MoneyEntry.application_id == application_id,
                                                                        marks.after(MoneyEntry)).order_by(MoneyEntry.id))],
        "notices": sorted((key(n.idempotency_key), n.user_id, n.kind, context(n.context), plain(n.url), n.read_at)
                          for n in notices),
        "emails": sorted((key(m.idempotency_key), m.template, m.recipient_email, m.recipient_user_id, m.language,
                          context(m.context), m.status) for m in messages),
    }


# ----------------------------------------------------------------------------- the tests


def test_a_batch_of_lapses_writes_what_lapsing_them_one_at_a_time_writes(app, db, monkeypatch):
    world = build_world()
    # The same situations twice: one set fired one deadline at a time, the other as one batch.
    one_at_a_time = [situation(world) for situation in SITUATIONS]
    batched = [situation(world) for situation in SITUATIONS]
    due = _db.session.scalars(select(Deadline.due_at).where(Deadline.id.in_([d for _a, d in one_at_a_time + batched]))).all()
    now = max(due) + dt.timedelta(minutes=1)
    marks = Marks(now)

    single_calls: list[str] = []
    for name in ("lapse", "lapse_unpaid"):
        verb = getattr(workflow, name)
        monkeypatch.setattr(workflow, name, lambda *args, _verb=verb, _name=name, **kwargs: (
            single_calls.append(_name), _verb(*args, **kwargs))[1])

    with time_machine.travel(now, tick=False), intends_to_write():
        assert deadlines._fire_one_by_one([d for _a, d in one_at_a_time], now) == len(SITUATIONS)
        assert len(single_calls) == len(SITUATIONS)
        single_calls.clear()
        claimed = deadlines.claim_all([d for _a, d in batched], now)
        assert deadlines.fire_batch(claimed, now) == len(SITUATIONS)
        _db.session.commit()
    # Only the amendment's lapse went one at a time; the rest went through the batch verbs.
    assert single_calls == ["lapse"]

    for (single, _d1), (bulk, _d2) in zip(one_at_a_time, batched, strict=True):
        assert _written(bulk.id, marks) == _written(single.id, marks)

    # And what they wrote is the lapse (not two no-ops that agree).
    states = [_db.session.get(Application, a.id).state for a, _d in batched]
    assert states == ["lapsed", "lapsed", "lapsed", "submitted", "lapsed", "lapsed", "approved", "approved"]
    parallel = _written(batched[1][0].id, marks)
    assert [e[6] for e in parallel["events"]] == ["lapse", "cancel", "cancel", "lapse", "account_closed"]
    assert {r[3] for r in parallel["reviews"] if r[1] != "ministry_screening"} == {"cancelled"}
    # The other reviews' reminders and escalations, the question's reminder and the payment reminder.
    statuses = {(d[0], d[2]) for d in parallel["deadlines"]}
    assert {("escalation", "cancelled"), ("info_reminder", "cancelled"), ("payment_reminder", "cancelled")} <= statuses
    assert "pending" not in {d[2] for d in parallel["deadlines"]}
    assert {m[2] for m in parallel["emails"]} == {"producer@example.test", "a@example.test", "a-sup@example.test"}
    paid = _written(batched[2][0].id, marks)
    assert paid["events"][-1][10]["to_refund"] != "0.00" and paid["application"][3] < 0  # a credit to refund
    part = _written(batched[5][0].id, marks)
    assert [e[0] for e in part["ledger"]] == ["cancelled"] and part["application"][3] <= 0
    assert [m[1] for m in part["emails"]] == ["application_lapsed_unpaid"]
    amendment = _written(batched[7][0].id, marks)
    assert amendment["amendments"][0][1] == "lapsed" and amendment["permit"] == "valid"
    assert set(_db.session.scalars(select(Deadline.status).where(
        Deadline.id.in_([d for _a, d in one_at_a_time + batched])))) == {"fired"}
    # The statistics' counters moved as the history says, both ways.
    from tests.statistics.test_summaries import _counters, _recount

    assert _counters() == _recount()


def _lapsing(world, info: int, unpaid_: int, when: dt.datetime) -> list[int]:
    """``info`` applications whose site owner's question lapses and ``unpaid_`` approvals
    that lapse unpaid, every lapse due at ``when`` and nothing else due then."""
    made = [in_parallel_review(world)[0] for _ in range(info)] + [unpaid(world)[0] for _ in range(unpaid_)]
    ids = [a.id for a in made]
    _db.session.execute(update(Deadline).where(Deadline.application_id.in_(ids), Deadline.kind.in_(LAPSE_KINDS),
                                               Deadline.status == "pending").values(due_at=when))
    _db.session.commit()
    with time_machine.travel(when - dt.timedelta(minutes=1), tick=False), intends_to_write():
        deadlines.sweep(when - dt.timedelta(minutes=1))  # the reminders and escalations before
    _db.session.rollback()
    return ids


def _statements(moment: dt.datetime) -> tuple[int, int]:
    count = [0]

    def counter(*_args, **_kwargs):
        count[0] += 1

    event.listen(_db.engine, "before_cursor_execute", counter)
    try:
        with time_machine.travel(moment, tick=False), intends_to_write():
            fired = deadlines.sweep(moment)
    finally:
        event.remove(_db.engine, "before_cursor_execute", counter)
    return fired, count[0]


def _lapsed(ids: list[int]) -> int:
    _db.session.rollback()
    return _db.session.scalar(select(func.count()).select_from(Application).where(Application.id.in_(ids),
                                                                                 Application.state == "lapsed"))


def test_a_batch_of_lapses_costs_the_same_statements_for_4_and_for_16(app, db):
    world = build_world()
    first = MONDAY + dt.timedelta(days=40)
    few_ids = _lapsing(world, 2, 2, first)
    few = _statements(first)
    assert few[0] == 4 and _lapsed(few_ids) == 4

    second = first + dt.timedelta(days=1)
    many_ids = _lapsing(world, 8, 8, second)
    many = _statements(second)
    assert many[0] == 16 and _lapsed(many_ids) == 16
    assert many[1] == few[1]
    assert _db.session.scalar(select(func.count()).select_from(MoneyEntry).where(MoneyEntry.kind == "cancelled")) == 20


def test_two_sweeps_at_once_on_postgresql_lapse_each_application_once(app, db, monkeypatch):
    """As test_deadline_batches' two sweeps, with lapses: the first holds its
    first batch (its applications locked) until the second has taken other
    rows. (The second then waits for the first's commit to add to the same
    statistics counters - services/summaries.py - so it fires after it.)"""
    if _db.engine.dialect.name != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite serialises the sweeps (test_deadlines)")
    world = build_world()
    when = MONDAY + dt.timedelta(days=40)
    ids = _lapsing(world, 4, 4, when)
    _db.session.remove()
    monkeypatch.setattr(deadlines, "BATCH", 3)

    first_holds, second_fired = threading.Event(), threading.Event()
    fired_by: dict[str, list[int]] = {"first": [], "second": []}
    results: dict[str, int] = {}
    errors: list[BaseException] = []
    fire_batch, claim_all = deadlines.fire_batch, deadlines.claim_all

    def holding_fire_batch(batch, now):
        name = threading.current_thread().name
        done = fire_batch(batch, now)
        fired_by[name].extend(batch)
        if name == "first" and not first_holds.is_set():
            first_holds.set()
            assert second_fired.wait(120), "the second sweep never took a batch while the first held its rows"
        return done

    def signalling_claim_all(ids, now):
        claimed = claim_all(ids, now)
        if threading.current_thread().name == "second" and claimed:
            second_fired.set()
        return claimed

    monkeypatch.setattr(deadlines, "fire_batch", holding_fire_batch)
    monkeypatch.setattr(deadlines, "claim_all", signalling_claim_all)

    def sweep(name: str, wait_for: threading.Event | None):
        try:
            with app.app_context(), intends_to_write(), time_machine.travel(when, tick=False):
                if wait_for is not None:
                    assert wait_for.wait(120), "the first sweep never took a batch"
                results[name] = deadlines.sweep(when)
                _db.session.remove()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            if name == "second":
                second_fired.set()

    threads = [threading.Thread(target=sweep, name="first", args=("first", None)),
               threading.Thread(target=sweep, name="second", args=("second", first_holds))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    assert fired_by["first"] and fired_by["second"]
    assert not set(fired_by["first"]) & set(fired_by["second"])
    assert results["first"] + results["second"] == 8

    assert _lapsed(ids) == 8
    lapses = _db.session.execute(
        select(WorkflowEvent.application_id, func.count()).where(WorkflowEvent.subject == "application",
                                                                 WorkflowEvent.action == "lapse")
        .group_by(WorkflowEvent.application_id)).all()
    assert sorted(lapses) == sorted((a, 1) for a in ids)
    closed = _db.session.scalar(select(func.count()).select_from(WorkflowEvent).where(WorkflowEvent.action == "account_closed"))
    assert closed == 8
    assert _db.session.scalar(select(func.count()).select_from(MoneyEntry).where(MoneyEntry.kind == "cancelled")) == 8
    doubled = _db.session.execute(
        select(OutboxMessage.idempotency_key, func.count()).group_by(OutboxMessage.idempotency_key).having(func.count() > 1)
    ).all()
    assert doubled == []
    told = _db.session.scalars(select(OutboxMessage.template).where(OutboxMessage.template.like("application_lapsed%"))).all()
    assert sorted(told) == ["application_lapsed"] * 12 + ["application_lapsed_unpaid"] * 4


def test_lapses_whose_batch_verb_fails_lapse_one_at_a_time(app, db, monkeypatch):
    """The batch verb's savepoint is rolled back (nothing of it stays) and its
    deadlines go through lapse and lapse_unpaid one by one."""
    world = build_world()
    when = MONDAY + dt.timedelta(days=40)
    ids = _lapsing(world, 2, 2, when)
    lapse_all = workflow.lapse_all

    def half_done(review_ids, now=None, told=None):
        lapse_all(review_ids, now, told)  # its writes are made, then it fails
        raise RuntimeError("the batch verb failed")

    def broken(*_args, **_kwargs):
        raise RuntimeError("the batch verb failed")

    monkeypatch.setattr(workflow, "lapse_all", half_done)
    monkeypatch.setattr(workflow, "lapse_unpaid_all", broken)
    with time_machine.travel(when, tick=False), intends_to_write():
        assert deadlines.sweep(when) == 4
    assert _lapsed(ids) == 4
    events = _db.session.execute(select(WorkflowEvent.action, func.count()).where(
        WorkflowEvent.application_id.in_(ids), WorkflowEvent.created_at == when).group_by(WorkflowEvent.action)).all()
    assert dict(events) == {"lapse": 6, "cancel": 4, "account_closed": 4}  # 2 reviews and 4 applications lapse, once
    assert _db.session.scalar(select(func.count()).select_from(MoneyEntry).where(MoneyEntry.kind == "cancelled")) == 4
    doubled = _db.session.execute(
        select(OutboxMessage.idempotency_key, func.count()).group_by(OutboxMessage.idempotency_key).having(func.count() > 1)
    ).all()
    assert doubled == []
    assert set(_db.session.scalars(select(Deadline.status).where(Deadline.application_id.in_(ids),
                                                                Deadline.kind.in_(LAPSE_KINDS)))) == {"fired"}
