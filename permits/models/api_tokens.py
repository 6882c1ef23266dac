"""Personal access tokens for the JSON API (``/api/v1``).

A user makes a token on the account page and sees its secret once; only the
secret's SHA-256 is kept (the secret is 256 random bits, so a fast hash is
enough: nobody can try guesses against it). The prefix is kept in clear so
the account page can tell the tokens apart.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from permits.models.base import Model, UTCDateTime, utcnow


class ApiToken(Model):
    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    # The token's first characters ("fpat_" and 8 more), shown on the account page.
    prefix: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the whole token, hex: the lookup key.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A list of scopes: "read", "write".
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user = relationship("User")

    def usable_at(self, moment: dt.datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at

    def allows(self, scope: str) -> bool:
        return scope in (self.scopes or ())

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of user {self.user_id}>"
