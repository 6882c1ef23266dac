"""A reviewer's message to the producer reaches the producer (bell and e-mail)."""

from sqlalchemy import select

from permits.models import Notification, OutboxMessage
from permits.notifications.render import render_email
from permits.services.reviewer_notes import message_producer
from tests.services.scenario import build_world, open_reviews, submitted


def test_message_to_the_producer_is_notified(db):
    world = build_world()
    application = submitted(world)
    [screening] = open_reviews(application)
    message_producer(screening, world.ministry_reviewer, "Please bring the original insurance certificate.")
    db.session.commit()
    [notice] = db.session.execute(
        select(Notification).where(Notification.user_id == world.producer.id, Notification.kind == "message_to_producer")
    ).scalars().all()
    assert notice.url == f"/applications/{application.id}"
    [email] = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "message_to_producer")
    ).scalars().all()
    rendered = render_email(email.template, "en", email.context)
    assert "original insurance certificate" in rendered.text
    assert application.reference in rendered.subject
