"""The public pages' shared cache and conditional GET.

The catalogue, a site's page, the quote, the scorecard and the verification
result are the same for every anonymous visitor who reads them in the same
language in the same hour, until something they show is written. Such a page
is rendered once and kept in Redis; every visitor after that gets the kept
copy, and a returning browser that sends the page's ``ETag`` gets ``304 Not
Modified`` without the page being read at all.

What keeps it right:

- **Invalidation by the writes, by scope.** A page reads some scopes of the
  data (:data:`TABLE_SCOPES`): the sites (sites, photos, closures, owners),
  the shoots (applications that left the draft stage, their bookings,
  amendments and permits), one site's shoots, the statistics. Every
  committed transaction that wrote such rows increments the counters of
  their scopes in Redis after the commit (a shoot's rows also the counter of
  each site it is at: a submission at one site leaves every other site's
  page kept); a page's key and ETag hold the counters of the scopes it
  reads, so it is stale as soon as one of them moves. Nothing is written to
  the database for it (no hot row that every write would lock). Edits of
  drafts, sign-ins, notices and e-mails move no counter.
- **The hour** is part of every key: what depends on the day (a site's
  calendar, the quote's lead times, a permit that expires) is re-rendered
  when the commission's local hour changes.
- **The reader**: only anonymous GETs without a pending flash message are
  served from or kept in the cache; the language is part of the key. The
  language switcher's CSRF token is the one per-visitor value on these
  pages: the page is kept with a placeholder where the token goes, and each
  response puts the visitor's own token there. So the browser's copy is
  private (``Cache-Control: private, no-cache`` and ``Vary: Cookie``), and
  the ETag includes a digest of the visitor's session token.
- **Faults**: with no Redis configured (the embedded default) or Redis not
  answering, pages are rendered every time, as before; a failed increment
  after a commit is logged, and kept pages expire after
  ``PUBLIC_PAGE_CACHE_SECONDS`` in any case.

Why not Flask-Caching: its view cache keys on the path and would keep the
visitor's CSRF token and serve it to the next visitor; what is needed here
is the placeholder, the write-driven version and the ETag computed before
rendering, which are most of this module.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time

from flask import Flask, current_app, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

log = logging.getLogger(__name__)

# The scopes of what the public pages show. SHOOTS moves with every write of
# a shoot, wherever it is; a site's page reads its own shoots' scope
# (site_scope) and SHOOTS_EVERYWHERE, which moves when a write's sites are
# not known (a bulk statement) or it shows at every site (a company's name).
SITES, SHOOTS, SHOOTS_EVERYWHERE, STATISTICS = "sites", "shoots", "shoots:everywhere", "statistics"
# What a page that names no scope reads: everything (SHOOTS covers every site's).
EVERY_SCOPE = (SITES, SHOOTS, STATISTICS)
# The tables whose rows the public pages show, and the scopes a write of one moves.
TABLE_SCOPES = {
    "locations": (SITES,),
    "location_blackouts": (SITES,),
    "location_photos": (SITES,),
    "organisations": (SITES,),
    "companies": (SHOOTS, SHOOTS_EVERYWHERE),
    "applications": (SHOOTS,),
    "bookings": (SHOOTS,),
    "amendments": (SHOOTS,),
    "permits": (SHOOTS,),
    "permit_versions": (SHOOTS,),
    "review_turnarounds": (STATISTICS,),
    "statistics_summaries": (STATISTICS,),
}
PUBLIC_TABLES = frozenset(TABLE_SCOPES)


def site_scope(slug: str) -> str:
    """The scope of the shoots at one site (its page's calendar and permits)."""
    return f"shoots:{slug}"


# Where the visitor's CSRF token goes in a kept page. Letters and digits
# only, so that autoescaping leaves it as it is.
CSRF_PLACEHOLDER = "publicpagecsrfplaceholder7c1e9d"
VERSION_PREFIX = "public-pages:version:"
PAGE_PREFIX = "public-pages:page:"
# Headers a view sets that belong to the page (kept with it).
KEPT_HEADERS = ("Content-Type", "X-Robots-Tag", "Referrer-Policy", "Content-Language")
# After Redis fails, how long pages are rendered without asking it again.
PAUSE_AFTER_FAILURE = 5.0
_CHANGED = "public_pages_changed"


class PageStore:
    """Redis, as the public pages use it; ``None`` from a read means "render"."""

    def __init__(self, url: str, seconds: int):
        import redis

        self.seconds = seconds
        self.redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._paused_until = 0.0

    def _available(self) -> bool:
        return time.monotonic() >= self._paused_until

    def _failed(self, what: str) -> None:
        self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
        log.warning("Public page cache: Redis did not answer (%s); rendering pages for %ss", what, PAUSE_AFTER_FAILURE)

    def versions(self, scopes: tuple[str, ...]) -> tuple[int, ...] | None:
        if not self._available():
            return None
        try:
            return tuple(int(v or 0) for v in self.redis.mget([VERSION_PREFIX + scope for scope in scopes]))
        except Exception:
            self._failed("version")
            return None

    def bump(self, scopes) -> None:
        try:
            pipe = self.redis.pipeline(transaction=False)
            for scope in sorted(scopes):
                pipe.incr(VERSION_PREFIX + scope)
            pipe.execute()
        except Exception:
            # The kept pages stay until they expire (PUBLIC_PAGE_CACHE_SECONDS).
            log.exception("Public page cache: could not mark the pages stale after a commit")

    def get(self, key: str) -> tuple[bytes, list[tuple[str, str]]] | None:
        try:
            kept = self.redis.hmget(PAGE_PREFIX + key, "body", "headers")
        except Exception:
            self._failed("read")
            return None
        if kept[0] is None or kept[1] is None:
            return None
        return kept[0], [tuple(h) for h in json.loads(kept[1])]

    def put(self, key: str, body: bytes, headers: list[tuple[str, str]]) -> None:
        try:
            pipe = self.redis.pipeline(transaction=True)
            pipe.hset(PAGE_PREFIX + key, mapping={"body": body, "headers": json.dumps(headers)})
            pipe.expire(PAGE_PREFIX + key, self.seconds)
            pipe.execute()
        except Exception:
            self._failed("write")


def store() -> PageStore | None:
    return current_app.extensions.get("public_pages")


# ----------------------------------------------------------------------------- the views


def _local_hour() -> str:
    from permits.services.context import calendar, now_utc

    return now_utc().astimezone(calendar().zone).strftime("%Y-%m-%dT%H")


def _servable() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not current_user.is_authenticated
        and not session.get("_flashes")
    )


def _etag(key: str) -> str:
    """The page's key and the visitor's session token (which is in the page)."""
    token = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")) or ""
    return hashlib.sha256(f"{key}|{token}".encode()).hexdigest()[:32]


def public_page(view=None, *, scopes=None):
    """Serve this view's page from the shared cache to anonymous visitors.

    ``scopes``: what the page reads, a function of the view's arguments (and
    the request) giving scope names; without it, every scope."""
    if view is None:
        return functools.partial(public_page, scopes=scopes)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        pages = store()
        if pages is None or not _servable():
            return view(*args, **kwargs)
        read = tuple(scopes(*args, **kwargs)) if scopes is not None else EVERY_SCOPE
        versions = pages.versions(read)
        if versions is None:
            return view(*args, **kwargs)
        from flask_babel import get_locale

        stamp = ",".join(f"{scope}={version}" for scope, version in zip(read, versions, strict=True))
        key_text = f"{stamp}|{get_locale()}|{_local_hour()}|{request.full_path}"
        key = hashlib.sha256(key_text.encode()).hexdigest()
        if request.if_none_match.contains(_etag(key)):
            return _finish(make_response("", 304), key)
        kept = pages.get(key)
        if kept is None:
            g.public_page_rendering = True
            try:
                response = make_response(view(*args, **kwargs))
            finally:
                g.public_page_rendering = False
            if response.status_code != 200 or response.direct_passthrough:
                return _fill_placeholder(response)
            body = response.get_data()
            if _holds_a_real_token(body):  # a form rendered its own token: this visitor's page only
                return _finish(_fill_placeholder(response), key)
            headers = [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers]
            pages.put(key, body, headers)
        else:
            body, headers = kept
            response = make_response(body)
            for name, value in headers:
                response.headers[name] = value
        response.set_data(body.replace(CSRF_PLACEHOLDER.encode(), generate_csrf().encode()))
        return _finish(response, key)

    return wrapper


def _holds_a_real_token(body: bytes) -> bool:
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(field)
    return bool(token) and token.encode() in body


def _fill_placeholder(response):
    if not response.direct_passthrough and response.mimetype == "text/html":
        body = response.get_data()
        if CSRF_PLACEHOLDER.encode() in body:
            response.set_data(body.replace(CSRF_PLACEHOLDER.encode(), generate_csrf().encode()))
    return response


def _finish(response, key: str):
    response.set_etag(_etag(key))
    # The page holds the visitor's CSRF token: their browser may keep it, a
    # shared cache may not; the browser asks again each time (and gets 304).
    if response.headers.get("Cache-Control") != "no-store":
        response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def csrf_token() -> str:
    """The template global: the placeholder while a kept page is rendered."""
    if g.get("public_page_rendering"):
        return CSRF_PLACEHOLDER
    return generate_csrf()


# ----------------------------------------------------------------------------- invalidation


# The shoot tables (those whose rows are at sites): a row's sites are those of its application's bookings.
_SHOOT_TABLES = frozenset(table for table, scopes in TABLE_SCOPES.items() if scopes == (SHOOTS,))


def _scopes_written(session: Session) -> set[str]:
    """The scopes of the public rows this flush writes (draft-only rows move none)."""
    scopes: set[str] = set()
    applications: set[int] = set()
    permits: set[int] = set()
    locations: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = getattr(instance, "__tablename__", None)
        if table not in PUBLIC_TABLES:
            continue
        if table == "applications" and _is_unseen_draft(instance, session):
            continue
        if table == "bookings" and _is_draft_booking(instance, session):
            continue
        scopes.update(TABLE_SCOPES[table])
        if table not in _SHOOT_TABLES:
            continue
        if table == "applications":
            applications.add(instance.id)
        elif table == "permit_versions":
            permits.add(instance.permit_id)
        else:
            applications.add(instance.application_id)
            if table == "bookings":
                locations.add(instance.location_id)
    if applications or permits or locations:
        slugs = _slugs_of(session, applications - {None}, permits - {None}, locations - {None})
        scopes.update(site_scope(slug) for slug in slugs)
    return scopes


def _is_unseen_draft(application, session: Session) -> bool:
    """A draft is on no public page; one that was anything else a moment ago was."""
    from sqlalchemy import inspect

    return application.state == "draft" and not inspect(application).attrs.state.history.deleted


def _is_draft_booking(booking, session: Session) -> bool:
    """A booking of a draft (known to this session) is on no public page."""
    from permits.models import Application

    application = session.identity_map.get(identity_key(Application, booking.application_id))
    return application is not None and _is_unseen_draft(application, session)


def _slugs_of(session: Session, applications: set[int], permits: set[int], locations: set[int]) -> set[str]:
    """The sites of these applications', permits' and bookings' shoots (one
    statement, on the flush's own connection: it fails only as the flush would)."""
    from permits.models import Booking, Location, Permit

    of_applications = select(Booking.location_id).where(
        or_(Booking.application_id.in_(applications),
            Booking.application_id.in_(select(Permit.application_id).where(Permit.id.in_(permits))))
    )
    return set(session.connection().execute(
        select(Location.slug).where(or_(Location.id.in_(locations), Location.id.in_(of_applications)))
    ).scalars())


def _caching() -> bool:
    from flask import has_app_context

    return has_app_context() and store() is not None


def _after_flush(session: Session, _flush_context) -> None:
    if not _caching():  # nothing to mark stale (and no statement to spend on finding out)
        return
    if scopes := _scopes_written(session):
        session.info.setdefault(_CHANGED, set()).update(scopes)


def _do_orm_execute(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in PUBLIC_TABLES and _caching():
        # A statement on many rows: their sites are not known.
        scopes = {*TABLE_SCOPES[table], SHOOTS_EVERYWHERE} if table in _SHOOT_TABLES else set(TABLE_SCOPES[table])
        state.session.info.setdefault(_CHANGED, set()).update(scopes)


def _after_commit(session: Session) -> None:
    scopes = session.info.pop(_CHANGED, None)
    if scopes and _caching():
        store().bump(scopes)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended (a rollback included)
        session.info.pop(_CHANGED, None)


def mark_changed() -> None:
    """For writes that bypass the session (a rebuild by raw SQL, the demo seed)."""
    if (pages := store()) is not None:
        pages.bump({*EVERY_SCOPE, SHOOTS_EVERYWHERE})


_listening = False


def register(app: Flask) -> None:
    global _listening
    url = app.config.get("PUBLIC_PAGE_CACHE_URL") or ""
    if url:
        app.extensions["public_pages"] = PageStore(url, int(app.config.get("PUBLIC_PAGE_CACHE_SECONDS", 300)))
    # Flask-WTF gives templates its generate_csrf both as a global and from a
    # context processor; this one runs after it, so templates get ours.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
    if not _listening:  # once per process: the listeners are on the Session class, for every app
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)
        _listening = True


