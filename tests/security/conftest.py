"""Fixtures of the security suite: one world holding an object of every kind
a route can take (drafts, an application in review, an approved application
with its permit, documents, notifications, outbox messages, saved texts,
closures, photos, a mailbox e-mail), the people around it, and helpers to
sign them in, snapshot the database and check the security headers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

import pytest
from sqlalchemy import select, text

from permits.database import intends_to_write
from permits.extensions import db as database
from permits.models import (
    LocationBlackout,
    LocationPhoto,
    Notification,
    OutboxMessage,
    OutboxStatus,
    Permit,
)
from permits.services import documents, workflow
from permits.services.reviewer_notes import save_text
from permits.storage import storage
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login
from tests.services.scenario import MONDAY, approve_all, build_world, draft, open_reviews, submitted

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"


def pdf_bytes(text_: str = "insurance") -> bytes:
    body = f"1 0 obj << /Type /Catalog >> endobj % {text_}\n".encode()
    return b"%PDF-1.4\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


# The people of the matrix. "anonymous" is the absence of a session.
IDENTITIES = (
    "producer",  # owns every application of the world
    "other_producer",  # another company
    "owner_a",  # reviewer of the owner of site A (reviews the applications)
    "owner_a_sup",  # supervisor of that owner
    "owner_b",  # reviewer of another organisation (site B, not booked by the submitted applications)
    "ministry",  # the film commission's reviewer (sees every submitted application)
    "ministry_sup",  # the commission's supervisor (revokes permits, decides fee waivers)
    "finance",  # the commission's finance officer (records payments and refunds)
    "admin",  # platform admin, neither producer nor staff
)


@dataclass
class SecurityWorld:
    base: object
    users: dict
    draft: object
    in_review: object
    info_review: object
    owner_a_review: object
    approved: object
    permit: object
    document: object
    passport_only: object
    notification: object
    dead_message: object
    saved_text: object
    blackout: object
    photo: object
    hidden_site: object
    mail_name: str
    reset_token: str
    api_token: object = None  # the producer's personal access token (its row)

    def user(self, identity: str):
        return self.users[identity]


def _approved(world, start):
    application = submitted(world, sites=[world.site_a], start=start)
    approve_all(world, application, "ministry_screening")
    for review in open_reviews(application):
        action = "approve_with_conditions" if review.kind == "site_owner" else "approve"
        kwargs = {"conditions": ["A museum guide must be present"]} if action != "approve" else {}
        workflow.decide(review, world.reviewer_for(review), action, now=MONDAY, **kwargs)
    database.session.commit()
    approve_all(world, application, "ministry_final")
    database.session.refresh(application)
    assert application.state == "approved"
    permit = database.session.execute(select(Permit).where(Permit.application_id == application.id)).scalar_one()
    return application, permit


def make_world() -> SecurityWorld:
    from permits.notifications import delivery
    from permits.services import accounts

    world = build_world()
    admin = UserFactory(email="admin@example.test", is_platform_admin=True)
    database.session.commit()

    # The producer's passport document, attached to the application in review.
    document = documents.add_to_passport(
        world.producer,
        documents.Upload(stream=io.BytesIO(pdf_bytes()), filename="insurance.pdf"),
        kind="insurance",
        expires_on=dt.date(2030, 1, 1),
        insured_name="Lumière SAS",
    )
    passport_only = documents.add_to_passport(
        world.producer, documents.Upload(stream=io.BytesIO(pdf_bytes("other")), filename="registration.pdf"),
        kind="registration",
    )
    database.session.commit()

    # In review: screened, the owner of site A and tourism reviewing; tourism asked for information.
    in_review = draft(world, sites=[world.site_a], start=dt.date(2027, 6, 7))
    documents.attach(in_review, world.producer, document)
    database.session.commit()
    workflow.submit(in_review, world.producer, now=MONDAY)
    database.session.commit()
    approve_all(world, in_review, "ministry_screening")
    [owner_a_review] = open_reviews(in_review, "site_owner")
    [info_review] = open_reviews(in_review, "tourism")
    workflow.decide(info_review, world.tourism_reviewer, "request_information", reason="Which street?", now=MONDAY)
    database.session.commit()

    approved, permit = _approved(world, dt.date(2027, 7, 5))
    # A draft with both sites booked and the document attached.
    the_draft = draft(world, start=dt.date(2027, 8, 2))
    documents.attach(the_draft, world.producer, document)
    database.session.commit()

    notification = database.session.execute(
        select(Notification).where(Notification.user_id == world.producer.id).order_by(Notification.id)
    ).scalars().first()
    assert notification is not None, "the workflow told the producer nothing"
    # One message delivered to the local mailbox; another left dead for the admin's re-send.
    messages = database.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
    assert len(messages) >= 2
    dead = messages[-1]
    database.session.commit()
    # As the worker does: every transaction of a delivery takes SQLite's write
    # lock at BEGIN, so none of them (nor the next) meets the lease keeper's
    # renewal from its thread halfway (database is locked).
    with intends_to_write():
        delivery.deliver(messages[0].id)
        database.session.commit()
        dead = database.session.get(OutboxMessage, dead.id)
        dead.status = OutboxStatus.DEAD
        dead.last_error = "550 mailbox unavailable"
        database.session.commit()
    mail_names = sorted(p.stem for p in delivery.mailbox_dir().glob("*.eml"))
    assert mail_names, "nothing reached the local mailbox"

    saved = save_text(world.owner_a.id, world.owner_a_reviewer, "condition", "No filming 12:00-14:00")
    blackout = LocationBlackout(location_id=world.site_a.id, start_date=dt.date(2027, 9, 1),
                                end_date=dt.date(2027, 9, 3), reason="Restoration")
    photo = LocationPhoto(location_id=world.site_a.id, storage_key=storage().save(io.BytesIO(JPEG)),
                          content_type="image/jpeg", caption="The tower")
    database.session.add_all([blackout, photo])
    from tests.factories import LocationFactory

    hidden = LocationFactory(owner=world.owner_a, published=False, name_en="Closed quarry")
    database.session.commit()
    from permits.services import api_tokens

    api_token = api_tokens.create(world.producer, name="Matrix", scopes=["read"], expires_in_days=30).token
    database.session.commit()

    users = {
        "producer": world.producer,
        "other_producer": world.other_producer,
        "owner_a": world.owner_a_reviewer,
        "owner_a_sup": world.owner_a_supervisor,
        "owner_b": world.owner_b_reviewer,
        "ministry": world.ministry_reviewer,
        "ministry_sup": world.ministry_supervisor,
        "finance": world.finance,
        "admin": admin,
    }
    return SecurityWorld(
        base=world,
        users=users,
        draft=the_draft,
        in_review=in_review,
        info_review=info_review,
        owner_a_review=owner_a_review,
        approved=approved,
        permit=permit,
        document=document,
        passport_only=passport_only,
        notification=notification,
        dead_message=dead,
        saved_text=saved,
        blackout=blackout,
        photo=photo,
        hidden_site=hidden,
        mail_name=mail_names[0],
        reset_token=accounts.make_reset_token(world.producer),
        api_token=api_token,
    )


@pytest.fixture
def sec(db):
    return make_world()


# ----------------------------------------------------------------------------- clients


def sign_in_fast(client, user) -> None:
    """Put the user in the client's session as Flask-Login would (no argon2):
    the matrix signs in hundreds of times; the real sign-in is tested apart."""
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def sign_in(client, user) -> None:
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


@pytest.fixture
def client_for(app):
    """A fresh English-reading client per identity (None = anonymous)."""

    def make(user=None):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        if user is not None:
            sign_in_fast(client, user)
        return client

    return make


def token_for(client, signed_in: bool) -> str:
    page = client.get("/account/" if signed_in else "/auth/login")
    assert page.status_code == 200, page.status_code
    return csrf_token(page.data)


# ----------------------------------------------------------------------------- snapshots


def snapshot() -> dict[str, str]:
    """A digest of every row of every table: any write shows."""
    database.session.rollback()  # a fresh read, not the test session's cache
    result = {}
    with database.engine.connect() as conn:
        for table in database.metadata.sorted_tables:
            order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns) or "1"
            rows = conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {order}')).all()
            digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
            result[table.name] = f"{len(rows)}:{digest[:16]}"
    return result


def changed(before: dict, after: dict) -> dict:
    return {name: (before.get(name), after.get(name)) for name in set(before) | set(after) if before.get(name) != after.get(name)}


# ----------------------------------------------------------------------------- headers

def csp_directives(value: str) -> dict[str, str]:
    directives = {}
    for part in value.split(";"):
        part = part.strip()
        if part:
            name, _, rest = part.partition(" ")
            directives[name.lower()] = rest.strip()
    return directives


def check_headers(response, *, authenticated: bool, where: str = "") -> None:
    """The headers every response carries, pages, errors and files alike."""
    headers = response.headers
    label = f"{where} -> {response.status_code}"
    csp = headers.get("Content-Security-Policy", "")
    assert csp, f"no CSP on {label}"
    directives = csp_directives(csp)
    sandboxed = "sandbox" in directives and directives.get("default-src") == "'none'"
    for name in ("script-src", "default-src"):
        assert "unsafe-inline" not in directives.get(name, ""), f"{name} allows inline code on {label}: {csp}"
        assert "unsafe-eval" not in directives.get(name, ""), f"{name} allows eval on {label}: {csp}"
    if not sandboxed:
        # Only a sandboxed document with nothing else allowed (an e-mail's HTML
        # shown alone, an uploaded file) may keep its inline styles.
        assert "unsafe-inline" not in directives.get("style-src", ""), f"inline styles on {label}: {csp}"
        assert directives.get("script-src") == "'self'", f"script-src on {label}: {csp}"
    ancestors = directives.get("frame-ancestors")
    assert ancestors in ("'none'", "'self'"), f"frame-ancestors on {label}: {csp}"
    assert headers.get("X-Content-Type-Options") == "nosniff", label
    assert headers.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "no-referrer", "same-origin"), label
    assert headers.get("X-Frame-Options") in ("DENY", "SAMEORIGIN"), label
    if authenticated:
        assert "no-store" in headers.get("Cache-Control", ""), f"cacheable page for a signed-in user: {label}"
