"""Webhooks: partners' HTTPS endpoints and the deliveries made to them.

An endpoint belongs to a company or to an organisation (exactly one). Each
delivery is a row written in the same transaction as the change it announces
(like the e-mail outbox), signed and sent by a worker after the commit.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from permits.models.base import Model, UTCDateTime, utcnow


class WebhookStatus:
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"  # will be retried after next_attempt_at
    DEAD = "dead"  # gave up; the endpoint's managers may re-send
    ALL = (PENDING, SENDING, DELIVERED, FAILED, DEAD)


class WebhookEndpoint(Model):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (
        CheckConstraint("(company_id IS NULL) <> (organisation_id IS NULL)", name="ck_webhook_endpoints_one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), nullable=True, index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=True, index=True
    )
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    # The webhook event names it receives (permits.services.webhooks.EVENT_NAMES).
    events: Mapped[list] = mapped_column(JSON, default=list)
    # The signing key: shown once to its owner, kept so that deliveries can be
    # signed (HMAC needs it), never logged nor shown again.
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    secret_rotated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    company = relationship("Company")
    organisation = relationship("Organisation")
    created_by = relationship("User")

    def __repr__(self) -> str:  # never the secret
        return f"<WebhookEndpoint {self.id} {self.url}>"


class WebhookDelivery(Model):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # One delivery per event and endpoint: announcing the same event twice writes nothing.
        UniqueConstraint("endpoint_id", "idempotency_key", name="uq_webhook_deliveries_endpoint_key"),
        Index("ix_webhook_deliveries_status_next_attempt", "status", "next_attempt_at"),
        # An endpoint's page: its deliveries, newest first.
        Index("ix_webhook_deliveries_endpoint_id", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(48))
    # ``<event>:<event id>``: the same for every attempt and re-send.
    idempotency_key: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=WebhookStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The receiver's last answer: its status and the start of its body (capped).
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[str] = mapped_column(String(500), default="", server_default="")
    last_error: Mapped[str] = mapped_column(String(500), default="", server_default="")
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    endpoint: Mapped[WebhookEndpoint] = relationship()
