"""The finance pages' small world: an application approved and awaiting
payment, clients signed in as anybody, statements as bytes."""

from __future__ import annotations

import io

from permits.extensions import db
from permits.models import Application, Invoice
from permits.services import ledger, workflow
from tests.helpers import csrf_token
from tests.services.scenario import MONDAY, approve_all, open_reviews, submitted


def awaiting_payment(world, start=None) -> Application:
    """Through every review, approved, the fee unpaid (awaiting_payment)."""
    kwargs = {"sites": [world.site_a]}
    if start is not None:
        kwargs["start"] = start
    application = submitted(world, **kwargs)
    approve_all(world, application, "ministry_screening")
    for review in open_reviews(application):
        workflow.decide(review, world.reviewer_for(review), "approve", now=MONDAY)
    db.session.commit()
    approve_all(world, application, "ministry_final", pay=False)
    assert application.state == "awaiting_payment", application.state
    return application


def fee_invoice(application: Application) -> Invoice:
    invoice = ledger.fee_invoice(application.id)
    assert invoice is not None
    return invoice


def sign_in(client, user):
    """As Flask-Login would (the real sign-in is tested elsewhere)."""
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def token(client) -> str:
    return csrf_token(client.get("/account/").data)


def upload(client, data: bytes, filename: str = "statement.csv"):
    """POST a statement; the test's session then reads afresh (the request wrote in its own)."""
    db.session.rollback()
    response = client.post("/finance/statements", data={"csrf_token": token(client), "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")
    db.session.rollback()
    return response


def statement(*rows: str, header: str = "date;amount;reference;bank reference;payer") -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()
