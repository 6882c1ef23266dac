"""Flask-Login's user loader, with the per-user session version check."""

from __future__ import annotations

from permits.extensions import db
from permits.models import User


def load_user(identity: str) -> User | None:
    try:
        user_id, version = (int(part) for part in identity.split(":", 1))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, user_id)
    # A cookie minted before the last logout or password change is anonymous.
    if user is None or not user.active or user.session_version != version:
        return None
    return user
