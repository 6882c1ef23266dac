"""The bell, the notification list, marking as read, the preferences and
the reviewers' daily digest."""

import re

from sqlalchemy import select

from permits.models import Notification, OutboxMessage, OutboxStatus, User
from permits.notifications import delivery, digest
from permits.services import notify
from tests.factories import PASSWORD, ProducerFactory, StaffFactory, UserFactory
from tests.helpers import csrf_token, login, post_form
from tests.services.scenario import build_world, submitted

CONTEXT = {"reference": "AZF-2027-000007", "title": "The Silk Road", "application_id": None}


def _tell(user, n: int, *, path="/applications/7", event="application_received"):
    for i in range(n):
        notify.tell([user], event, f"test:{i}", {**CONTEXT, "reference": f"AZF-2027-{i:06d}"}, path=path)


def _bell_count(html: str) -> int | None:
    match = re.search(r'app-notification-bell__count[^>]*>(\d+)', html)
    return int(match.group(1)) if match else None


def test_the_bell_shows_the_unread_count_with_one_cheap_query(db, client, app):
    user = ProducerFactory(email="p@example.test")
    _tell(user, 3)
    db.session.commit()
    login(client, user.email, PASSWORD)
    html = client.get("/account/").get_data(as_text=True)
    assert _bell_count(html) == 3
    assert "3 unread" in html
    with app.app_context():
        from permits.extensions import db as database

        plan = " ".join(
            str(row)
            for row in database.session.execute(
                database.text(
                    "EXPLAIN QUERY PLAN SELECT count(*) FROM notifications WHERE user_id = 1 AND read_at IS NULL"
                    if database.engine.dialect.name == "sqlite"
                    else "EXPLAIN SELECT count(*) FROM notifications WHERE user_id = 1 AND read_at IS NULL"
                )
            )
        )
    if "sqlite" in str(app.config["SQLALCHEMY_DATABASE_URI"]):
        assert "ix_notifications_user_read" in plan


def test_the_list_is_newest_first_paginated_by_key_and_opening_marks_read(db, client):
    user = ProducerFactory(email="p@example.test")
    _tell(user, 25)
    other = ProducerFactory(email="o@example.test")
    notify.tell([other], "application_received", "other:1", CONTEXT, path="/applications/99")
    db.session.commit()
    login(client, user.email, PASSWORD)
    first = client.get("/notifications/").get_data(as_text=True)
    references = re.findall(r"AZF-2027-0000(\d\d)", first)
    assert references[0] == "24" and "05" in references and "04" not in references
    older = re.search(r'href="(/notifications/\?before=\d+)"', first).group(1)
    second = client.get(older).get_data(as_text=True)
    assert "AZF-2027-000004" in second and "AZF-2027-000000" in second and "AZF-2027-000024" not in second
    assert client.get("/notifications/?before=abc").status_code == 404

    notice = db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())).first()
    assert client.get(f"/notifications/{notice.id}/open").status_code == 405  # no GET changes state
    response = post_form(client, f"/notifications/{notice.id}/open", {}, page_url="/notifications/")
    assert response.status_code == 302 and response.headers["Location"] == "/applications/7"
    db.session.rollback()
    assert db.session.get(Notification, notice.id, populate_existing=True).read_at is not None
    assert _bell_count(client.get("/notifications/").get_data(as_text=True)) == 24

    # Another user's notification does not exist for this user.
    theirs = db.session.scalars(select(Notification).where(Notification.user_id == other.id)).one()
    assert post_form(client, f"/notifications/{theirs.id}/open", {}, page_url="/notifications/").status_code == 404
    assert post_form(client, f"/notifications/{theirs.id}/read", {}, page_url="/notifications/").status_code == 404

    page = client.get("/notifications/")
    assert client.post("/notifications/read-all").status_code == 400  # CSRF
    assert client.post("/notifications/read-all", data={"csrf_token": csrf_token(page.data)}).status_code == 302
    html = client.get("/notifications/").get_data(as_text=True)
    assert _bell_count(html) is None and "no unread notifications" in html
    db.session.rollback()
    assert db.session.get(Notification, theirs.id, populate_existing=True).read_at is None


def test_a_notification_never_redirects_to_another_site(db, client):
    user = ProducerFactory(email="p@example.test")
    notify.tell([user], "application_received", "evil:1", CONTEXT, path="//evil.example/")
    db.session.commit()
    notice = db.session.scalars(select(Notification)).one()
    login(client, user.email, PASSWORD)
    response = post_form(client, f"/notifications/{notice.id}/open", {}, page_url="/notifications/")
    assert response.headers["Location"] == "/notifications/"


def test_telling_twice_writes_one_notice_and_one_email(db):
    user = ProducerFactory()
    for _ in range(2):
        notify.tell([user, user], "application_received", "twice:1", CONTEXT, path="/applications/1")
    db.session.commit()
    assert db.session.query(Notification).count() == 1
    assert db.session.query(OutboxMessage).count() == 1


def test_preferences_turn_email_off_and_the_digest_is_for_staff_only(db, client):
    producer = ProducerFactory(email="p@example.test")
    db.session.commit()
    login(client, producer.email, PASSWORD)
    page = client.get("/account/").get_data(as_text=True)
    assert 'name="notify-email_notifications"' in page and 'name="notify-daily_digest"' not in page
    response = post_form(client, "/account/notifications", {"notify-daily_digest": "y", "notify-email_notifications": "y"}, page_url="/account/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and "for reviewers only" in html
    response = post_form(client, "/account/notifications", {}, page_url="/account/")
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(User, producer.id, populate_existing=True).email_notifications is False
    notify.tell([db.session.get(User, producer.id)], "application_received", "off:1", CONTEXT, path="/applications/1")
    db.session.commit()
    assert db.session.query(Notification).count() == 1  # still in the app
    assert db.session.query(OutboxMessage).count() == 0  # but no e-mail


def test_reviewers_with_the_digest_get_one_email_a_morning(db, client, mailbox):
    world = build_world()
    reviewer = world.ministry_reviewer
    login(client, reviewer.email, PASSWORD)
    response = post_form(client, "/account/notifications", {"notify-email_notifications": "y", "notify-daily_digest": "y"}, page_url="/account/")
    assert response.status_code == 302
    db.session.rollback()
    for _ in range(3):
        submitted(world, sites=(world.site_b,))
    held = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_email == reviewer.email)).all()
    assert len(held) == 3 and {m.status for m in held} == {OutboxStatus.DIGEST}
    assert delivery.pending_ids() and all(
        db.session.get(OutboxMessage, i).recipient_email != reviewer.email for i in delivery.pending_ids()
    )
    assert digest.send_daily_digests() == 1
    assert digest.send_daily_digests() == 0  # nothing held twice
    for message_id in delivery.pending_ids():
        delivery.deliver(message_id)
    [email] = mailbox.to(reviewer.email)
    text = mailbox.text(email)
    assert "3" in email["Subject"]
    assert text.count("/review/tasks/") == 3
    db.session.rollback()
    assert {m.status for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.template != "daily_digest", OutboxMessage.recipient_email == reviewer.email))} == {OutboxStatus.SENT}


def test_turning_the_digest_off_sends_what_was_held(db):
    reviewer = StaffFactory(email="r@example.test", daily_digest=True)
    notify.tell([reviewer], "review_opened", "held:1", CONTEXT, path="/review/tasks/1")
    db.session.commit()
    assert db.session.scalars(select(OutboxMessage.status)).one() == OutboxStatus.DIGEST
    notify.update_preferences(reviewer, email_notifications=True, daily_digest=False)
    db.session.commit()
    assert db.session.scalars(select(OutboxMessage.status)).one() == OutboxStatus.PENDING


def test_the_bell_is_not_shown_to_visitors(client, db):
    UserFactory()
    db.session.commit()
    assert "app-notification-bell" not in client.get("/auth/login").get_data(as_text=True)
    assert client.get("/notifications/").status_code == 302
