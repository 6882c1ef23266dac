"""Organisations (ministry, site owners, tourism agency...) and their staff."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from permits.models.base import Model, TranslatedMixin, UTCDateTime, utcnow


class StaffRole:
    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    FINANCE = "finance"  # the film commission's finance officers: payments, refunds, reconciliation
    ALL = (REVIEWER, SUPERVISOR, ADMIN, FINANCE)


class Organisation(TranslatedMixin, Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    # A plain string (ministry, site_owner, ...): the process definition says
    # what each kind reviews, so a new reviewing body is data, not code.
    kind: Mapped[str] = mapped_column(String(32), index=True)
    name_az: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    name_ru: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[OrganisationMembership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def name(self) -> str:
        return self.translated("name")

    def __repr__(self) -> str:
        return f"<Organisation {self.key} ({self.kind})>"


class OrganisationMembership(Model):
    __tablename__ = "organisation_memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32), default=StaffRole.REVIEWER)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", back_populates="organisation_memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")

    @property
    def is_supervisor(self) -> bool:
        return self.role in (StaffRole.SUPERVISOR, StaffRole.ADMIN)
