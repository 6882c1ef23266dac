"""The notification pages in a real Chromium: the bell, the list, the
preferences, the outbox admin page and the live local mailbox."""

import pytest

from permits.extensions import db
from permits.models import OutboxMessage, OutboxStatus
from permits.notifications import delivery, queue_email
from permits.services import notify
from tests.factories import PASSWORD, UserFactory
from tests.services.scenario import build_world, submitted

pytestmark = pytest.mark.browser


def _sign_in(page, base, email):
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_producer_reads_notifications_and_sets_preferences(app, live_server, page, shoot):
    with app.app_context():
        world = build_world()
        for _ in range(3):
            submitted(world, sites=(world.site_b,))
        email = world.producer.email
    _sign_in(page, live_server, email)
    bell = page.locator(".app-notification-bell")
    assert bell.locator(".app-notification-bell__count").inner_text() == "3"
    shoot(page, "1-bell")
    bell.click()
    page.wait_for_url("**/notifications/")
    assert page.locator(".app-notification-list__item--unread").count() == 3
    shoot(page, "2-list")
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_load_state()
    assert page.locator(".app-notification-bell__count").count() == 0
    shoot(page, "3-all-read")
    page.goto(f"{live_server}/account/")
    page.get_by_label("Send me an e-mail when something happens").uncheck()
    page.get_by_role("button", name="Save notification choices").click()
    page.wait_for_load_state()
    assert not page.get_by_label("Send me an e-mail when something happens").is_checked()
    shoot(page, "4-preferences")
    assert page.dialogs == []


def test_an_admin_sees_dead_messages_and_new_mail_arrives_live(app, live_server, page, shoot):
    with app.app_context():
        admin = UserFactory(email="root@example.test", is_platform_admin=True, name="Platform Admin")
        reviewer = UserFactory(email="reviewer@example.test", language="ru")
        message = queue_email("review_opened", reviewer, {"reference": "AZF-2027-000001", "title": "Silk Road", "path": "/review/tasks/1", "recipient_name": "Ruslan"}, key="dead:1")
        message.status = OutboxStatus.DEAD
        message.attempts = 3
        message.subject = "New application to review: AZF-2027-000001"
        message.last_error = "SMTPDataError: (550, b'5.1.1 No such mailbox')"
        notify.tell([admin], "application_received", "a:1", {"reference": "AZF-2027-000002", "title": "T"}, path="/admin/")
        db.session.commit()
        admin_email = admin.email
        reviewer_email = reviewer.email
    _sign_in(page, live_server, admin_email)
    page.goto(f"{live_server}/admin/")
    page.get_by_role("link", name="E-mail delivery (failed and dead messages)").click()
    page.wait_for_url("**/admin/outbox/")
    assert "No such mailbox" in page.content()
    shoot(page, "1-outbox-dead")

    page.goto(f"{live_server}/dev/mailbox")
    shoot(page, "2-mailbox-empty")
    page.goto(f"{live_server}/admin/outbox/")
    page.get_by_role("button", name="Send again").click()
    page.wait_for_load_state()
    with app.app_context():
        for message_id in delivery.pending_ids():
            delivery.deliver(message_id)
        sent = db.session.query(OutboxMessage).filter_by(status=OutboxStatus.SENT).count()
        assert sent == 2  # the re-sent one and the admin's own notice
    page.goto(f"{live_server}/dev/mailbox")
    assert page.locator("tr[data-mail]").count() == sent
    with app.app_context():
        other = queue_email("application_received", reviewer_email, {"reference": "AZF-2027-000003", "title": "Live", "path": "/applications/3", "recipient_name": "R"}, key="live:1", language="en")
        db.session.commit()
        delivery.deliver(other.id)
    page.locator("tr[data-mail]").nth(sent).wait_for(timeout=10000)
    assert page.locator(".app-mailbox__row--new").count() == 1
    shoot(page, "3-mailbox-live")
    page.locator("tr[data-mail] a").first.click()
    page.wait_for_load_state()
    shoot(page, "4-mail")
    assert page.dialogs == []
