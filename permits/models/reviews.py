"""Reviews, the audit trail, messages, deadlines and amendments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from permits.models.base import Model, UTCDateTime, utcnow
from permits.models.organisations import Organisation
from workflows import CLOCK_RUNNING_REVIEW_STATES, OPEN_REVIEW_STATES, state_values


def _state_in(states) -> str:
    """An index condition on the review's state (as migration 0004 wrote it)."""
    return "state IN (" + ", ".join(f"'{value}'" for value in state_values(states)) + ")"


class ReviewTask(Model):
    """One required review of an application (or of an amendment)."""

    __tablename__ = "review_tasks"
    __table_args__ = (
        Index("ix_review_tasks_org_state_due", "organisation_id", "state", "due_at"),
        Index("ix_review_tasks_assignee_state", "assignee_id", "state"),
        Index("ix_review_tasks_application_kind", "application_id", "kind"),
        # Dashboard queues (migration 0004_review): the open reviews of an
        # organisation by due time, overdue reviews everywhere, the decided queue.
        Index(
            "ix_review_tasks_open_org_due", "organisation_id", "due_at", "id",
            postgresql_where=text(_state_in(OPEN_REVIEW_STATES)),
            sqlite_where=text(_state_in(OPEN_REVIEW_STATES)),
        ),
        Index(
            "ix_review_tasks_running_due", "due_at", "id",
            postgresql_where=text(_state_in(CLOCK_RUNNING_REVIEW_STATES)),
            sqlite_where=text(_state_in(CLOCK_RUNNING_REVIEW_STATES)),
        ),
        # A producer's home (migration 0012): which of the company's applications a
        # review asks for information - the few open questions, not every review.
        Index(
            "ix_review_tasks_info_requested", "application_id",
            postgresql_where=text("state = 'info_requested'"),
            sqlite_where=text("state = 'info_requested'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    state: Mapped[str] = mapped_column(String(32), default="pending")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    # The final review opened because a parallel review rejected: the
    # ministry rejects, or asks the producer to drop or replace the site.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)

    # The SLA clock: due time in UTC, computed with the calendar whose
    # fingerprint is kept; while paused, the business time that was left.
    sla_business_days: Mapped[int] = mapped_column(Integer, default=5)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    paused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    remaining_business_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    calendar_fingerprint: Mapped[str] = mapped_column(String(128), default="")

    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    conditions: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    application = relationship("Application", back_populates="reviews")
    organisation: Mapped[Organisation] = relationship()
    assignee = relationship("User", foreign_keys=[assignee_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.state in state_values(OPEN_REVIEW_STATES)

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def __repr__(self) -> str:
        return f"<ReviewTask {self.id} {self.kind} {self.state}>"


# The decided queue, newest decision first, in the queue's own order
# (decided_at DESC NULLS LAST, id DESC; migration 0010).
Index("ix_review_tasks_org_decided", ReviewTask.organisation_id, ReviewTask.decided_at.desc().nulls_last(),
      ReviewTask.id.desc())


class ReviewTurnaround(Model):
    """One decided review's turnaround, written in the same transaction as
    the decision (``services.turnaround``) and rebuilt from the reviews by
    ``flask rebuild-statistics``: the turnaround counters of the statistics
    and the public scorecard (``StatisticsSummary``) move with these rows and
    are rebuilt from them, so no page view recounts business days."""

    __tablename__ = "review_turnarounds"
    __table_args__ = (
        # The statistics page: every row grouped by organisation, kind and days (index-only).
        Index("ix_review_turnarounds_org_kind_days", "organisation_id", "kind", "business_days", "on_time"),
        # The scorecard: the last 90 days grouped by organisation (index-only).
        Index("ix_review_turnarounds_decided", "decided_at", "organisation_id", "business_days", "on_time"),
    )

    review_task_id: Mapped[int] = mapped_column(ForeignKey("review_tasks.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The commission's local month of the decision, ``2027-04``.
    decided_month: Mapped[str] = mapped_column(String(7))
    # Business days of the commission's calendar after the day it opened, up
    # to the day it was decided (local days; a same-day decision is 0).
    business_days: Mapped[int] = mapped_column(Integer)
    # Decided by its due time (a review without one is not on time).
    on_time: Mapped[bool] = mapped_column(Boolean)

    def __repr__(self) -> str:
        return f"<ReviewTurnaround {self.review_task_id} {self.kind} {self.business_days}d>"


class WorkflowEvent(Model):
    """Append-only audit of every transition and decision."""

    __tablename__ = "workflow_events"
    __table_args__ = (Index("ix_workflow_events_application_time", "application_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    review_task_id: Mapped[int | None] = mapped_column(ForeignKey("review_tasks.id"), nullable=True, index=True)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"), nullable=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    actor_role: Mapped[str] = mapped_column(String(32), default="system")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    subject: Mapped[str] = mapped_column(String(16))  # application | review | amendment | permit
    action: Mapped[str] = mapped_column(String(48))
    from_state: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_state: Mapped[str | None] = mapped_column(String(32), nullable=True)
    definition_version: Mapped[int] = mapped_column(Integer, default=1)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor = relationship("User")
    organisation = relationship("Organisation")
    review = relationship("ReviewTask")


class Message(Model):
    """A note on an application: a request for information, the producer's
    answer, a message to the producer, or an internal note of one organisation."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_application_time", "application_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    review_task_id: Mapped[int | None] = mapped_column(ForeignKey("review_tasks.id"), nullable=True, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    # info_request | info_response | to_producer | internal_note
    kind: Mapped[str] = mapped_column(String(24))
    body: Mapped[str] = mapped_column(Text)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")
    organisation = relationship("Organisation")
    review = relationship("ReviewTask")


class DeadlineKind:
    REMINDER = "reminder"  # a review's due time is near
    ESCALATION = "escalation"  # a review's due time has passed
    INFO_REMINDER = "info_reminder"  # the producer's answer is due soon
    INFO_LAPSE = "info_lapse"  # the producer did not answer in time
    PERMIT_EXPIRY = "permit_expiry"  # the last shoot day is over
    PERMIT_EXPIRING = "permit_expiring"  # tell the producer the permit ends soon
    PAYMENT_REMINDER = "payment_reminder"  # an invoice's due date is near and a balance is due
    PAYMENT_LAPSE = "payment_lapse"  # approved, and still unpaid after the due date
    ALL = (REMINDER, ESCALATION, INFO_REMINDER, INFO_LAPSE, PERMIT_EXPIRY, PERMIT_EXPIRING, PAYMENT_REMINDER, PAYMENT_LAPSE)


class Deadline(Model):
    """A moment at which the system must act; swept by a periodic task."""

    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    review_task_id: Mapped[int | None] = mapped_column(ForeignKey("review_tasks.id"), nullable=True, index=True)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | claimed | fired | cancelled
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    fired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    review = relationship("ReviewTask")
    application = relationship("Application")


class Amendment(Model):
    """A rider on an approved permit (add a date or a site); it re-runs only
    the reviews it touches, on its own record."""

    __tablename__ = "amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(32), default="in_review")
    summary: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class SavedText(Model):
    """An organisation's reusable conditions and rejection reasons."""

    __tablename__ = "saved_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # condition | reason
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
