"""Personal access tokens: the verbs of the account page and the lookup the
API's Bearer authentication asks.

A token is ``fpat_`` followed by 43 URL-safe characters (256 random bits).
Only its SHA-256 is kept; the secret is returned once, by :func:`create`.
Tokens carry scopes (``read``; ``write`` always with ``read``), expire after
the number of days chosen (30, 90 or 365) and can be revoked at any time.
``last_used_at`` is written at most once a minute per token (:func:`touch`),
so a busy client does not turn every read into a write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from permits.extensions import db
from permits.models import ApiToken, User
from permits.services import NotFound, ServiceError
from permits.services.context import now_utc

TOKEN_PREFIX = "fpat_"  # noqa: S105  (the prefix every token starts with, not a secret)
SCOPES = ("read", "write")
EXPIRY_DAYS = (30, 90, 365)
MAX_NAME_LENGTH = 100
# Tokens in use (not revoked, not expired) per user.
MAX_ACTIVE_TOKENS = 20
# The longest a token can be: anything longer is not one of ours.
MAX_TOKEN_LENGTH = 128
TOUCH_INTERVAL = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _scopes(scopes) -> list[str]:
    chosen = {scope for scope in (scopes or ()) if isinstance(scope, str)}
    if not chosen or not chosen <= set(SCOPES):
        raise ServiceError(_("Choose what the token may do."), field="scopes")
    if "write" in chosen:
        chosen.add("read")
    return [scope for scope in SCOPES if scope in chosen]


def active_count(user: User, now: dt.datetime | None = None) -> int:
    now = now or now_utc()
    return int(db.session.execute(
        select(func.count()).select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
    ).scalar_one())


def create(user: User, *, name: str, scopes, expires_in_days: int, now: dt.datetime | None = None) -> NewToken:
    """A new token of ``user``; its secret is in the result and nowhere else."""
    now = now or now_utc()
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_("Name the token, for example after the program that will use it."), field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise ServiceError(_("The name is too long (%(n)d characters at most).", n=MAX_NAME_LENGTH), field="name")
    chosen = _scopes(scopes)
    if expires_in_days not in EXPIRY_DAYS:
        raise ServiceError(_("Choose one of the offered lifetimes."), field="expires_in_days")
    if not user.active:
        raise ServiceError(_("This account is not active."))
    if active_count(user, now) >= MAX_ACTIVE_TOKENS:
        raise ServiceError(
            _("You have %(n)d tokens in use, the most an account can have. Revoke one you no longer need first.",
              n=MAX_ACTIVE_TOKENS),
            field="name",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 8],
        token_hash=hash_secret(secret),
        scopes=chosen,
        expires_at=now + dt.timedelta(days=expires_in_days),
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    return NewToken(token, secret)


def revoke(user: User, token_id: int, now: dt.datetime | None = None) -> ApiToken:
    """Revoke one of the user's own tokens (another's is "not found")."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("This token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = now or now_utc()
        db.session.flush()
    return token


def revoke_all(user: User, now: dt.datetime | None = None) -> int:
    """Revoke every token of the user still in use (a new password: whoever
    knew the old one may have made a token with it); how many were."""
    now = now or now_utc()
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    db.session.flush()
    return int(revoked or 0)


def revoked_notice(count: int) -> str | None:
    """What the pages tell the user after a new password revoked tokens."""
    if not count:
        return None
    return ngettext("Your API token was revoked: a program that used it needs a new one.",
                    "Your %(num)d API tokens were revoked: programs that used them need new ones.", count)


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too)."""
    return list(db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def find(secret: str, now: dt.datetime | None = None) -> ApiToken | None:
    """The token a Bearer secret names, if it may be used now: not revoked,
    not expired, its user active. None for anything else (never an error)."""
    if not isinstance(secret, str) or not secret.startswith(TOKEN_PREFIX) or len(secret) > MAX_TOKEN_LENGTH:
        return None
    token = db.session.execute(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))).scalar_one_or_none()
    if token is None:
        return None
    now = now or now_utc()
    if not token.usable_at(now) or token.user is None or not token.user.active:
        return None
    return token


def needs_touch(token: ApiToken, now: dt.datetime | None = None) -> bool:
    now = now or now_utc()
    return token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL


def touch(token: ApiToken, now: dt.datetime | None = None) -> bool:
    """Record that the token was used, at most once a minute: one conditional
    UPDATE (two requests in the same minute write once). True if written."""
    now = now or now_utc()
    if not needs_touch(token, now):
        return False
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id,
               or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOUCH_INTERVAL))
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        set_committed_value(token, "last_used_at", now)
    return bool(result.rowcount)
