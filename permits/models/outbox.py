"""Every e-mail the product sends is first a row here, written in the same
transaction as the change it announces (DESIGN.md section 5)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from permits.models.base import Model, UTCDateTime, utcnow


class OutboxStatus:
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # will be retried after next_attempt_at
    DEAD = "dead"  # gave up; an admin may re-send
    DIGEST = "digest"  # held for the recipient's daily digest
    ALL = (PENDING, SENDING, SENT, FAILED, DEAD, DIGEST)


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique per event and recipient: writing the same notification twice is a no-op.
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    template: Mapped[str] = mapped_column(String(100))
    recipient_email: Mapped[str] = mapped_column(String(255))
    recipient_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    language: Mapped[str] = mapped_column(String(5), default="az")
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The worker process holding the claim (host:pid:claim); see delivery.LEASE.
    claimed_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    @property
    def message_id(self) -> str:
        """Stable across retries, so a duplicate delivery is recognisable."""
        import hashlib

        digest = hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:32]
        return f"<{digest}@filmpermit.az>"
