"""User accounts. A user is a producer (in a Company), staff of an
Organisation, a platform admin, or several of these."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from permits.models.base import Model, UTCDateTime, utcnow
from permits.models.companies import CompanyMembership
from permits.models.organisations import OrganisationMembership


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
    # Lower-cased copy: the unique key, so Ann@X.az and ann@x.az are one account.
    email_normalised: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5), default="az")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on logout-everywhere, password change and reset: every session
    # and remember cookie carrying an older value is anonymous from then on.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Notification preferences: e-mail each event, or one daily digest.
    email_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=False)

    company_memberships: Mapped[list[CompanyMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    organisation_memberships: Mapped[list[OrganisationMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    # Roles
    @property
    def company(self):
        return self.company_memberships[0].company if self.company_memberships else None

    @property
    def is_producer(self) -> bool:
        return bool(self.company_memberships)

    @property
    def membership(self) -> OrganisationMembership | None:
        return self.organisation_memberships[0] if self.organisation_memberships else None

    @property
    def organisation(self):
        membership = self.membership
        return membership.organisation if membership else None

    @property
    def is_staff(self) -> bool:
        return bool(self.organisation_memberships)

    @property
    def role_label(self) -> str:
        if self.is_platform_admin:
            return "platform_admin"
        if self.membership:
            return self.membership.role
        if self.is_producer:
            return "producer"
        return "user"

    def __repr__(self) -> str:
        return f"<User {self.email_normalised}>"


class PendingRegistration(Model):
    """A registration waiting for its e-mail address to be confirmed.

    Registering answers the same way for a new and an existing address, so
    no account is made until the address's owner opens the link: only then
    are the user and the company created (from these fields). Only a hash of
    the link's token is kept; rows are deleted on confirmation or when they
    expire (the hourly clean-up)."""

    __tablename__ = "pending_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(255))
    email_normalised: Mapped[str] = mapped_column(String(255), index=True)
    name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(64), default="")
    language: Mapped[str] = mapped_column(String(5), default="az")
    legal_name: Mapped[str] = mapped_column(String(255))
    country: Mapped[str] = mapped_column(String(2))
    registration_number: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
