"""Flask-Login's user loader, with the per-user session version check."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from permits.extensions import db
from permits.models import CompanyMembership, OrganisationMembership, User

# Every page asks who the reader is (navigation, access checks: is_producer,
# is_staff, company, organisation): one query answers all of them, instead of
# a lazy load each on every request.
_ROLES = (
    joinedload(User.company_memberships).joinedload(CompanyMembership.company),
    joinedload(User.organisation_memberships).joinedload(OrganisationMembership.organisation),
)


def load_user(identity: str) -> User | None:
    try:
        user_id, version = (int(part) for part in identity.split(":", 1))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, user_id, options=_ROLES)
    # A cookie minted before the last logout or password change is anonymous.
    if user is None or not user.active or user.session_version != version:
        return None
    return user
