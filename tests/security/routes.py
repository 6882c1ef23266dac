"""Every endpoint of the application, classified: who may use it and, for
routes that take an object, which object of the security world to fill in.

A new route MUST be added here (tests/security/test_authorization_matrix.py
fails otherwise): say who may use it, and for a route with an id, which
object and whose it is. Identities: see ``IDENTITIES`` in conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PRODUCERS = frozenset({"producer", "other_producer"})
STAFF = frozenset({"owner_a", "owner_a_sup", "owner_b", "ministry", "ministry_sup", "finance"})
# The film commission's staff: its finance officers are members too (they see what the commission sees).
MINISTRY = frozenset({"ministry", "ministry_sup", "finance"})
# The finance pages: the finance officers act; the commission's supervisors read (and decide fee waivers).
FINANCE = frozenset({"finance"})
FINANCE_VIEWERS = frozenset({"finance", "ministry_sup"})
ADMIN = frozenset({"admin"})
EVERYONE = PRODUCERS | STAFF | ADMIN

# Who can see the application in review (and its permit's twin, the approved one):
# its producer, the owner of its site and the ministry. Not the owner of site B.
SEES_IN_REVIEW = frozenset({"producer", "owner_a", "owner_a_sup", "ministry", "ministry_sup", "finance"})
STAFF_OF_IN_REVIEW = SEES_IN_REVIEW - {"producer"}
OWNER_A_ACTS = frozenset({"owner_a", "owner_a_sup"})


@dataclass(frozen=True)
class Route:
    """``allowed``: identities that may use the route (everyone else signed in
    gets 403 or 404 and changes nothing). ``anonymous``: "login" (sent to sign
    in with next=), or "public". ``values``: the URL values from the world.
    ``hidden``: for public lookups, values of an object nobody may see, and
    the status everybody gets for it."""

    allowed: frozenset
    anonymous: str = "login"
    values: Callable | None = None
    hidden: Callable | None = None
    hidden_status: int = 404
    note: str = ""

    @property
    def kind(self) -> str:
        if self.anonymous == "public" and self.allowed == EVERYONE:
            return "public"
        if self.allowed == EVERYONE:
            return "signed-in"
        if self.values is None:
            return {PRODUCERS: "producer", STAFF: "staff", MINISTRY: "ministry", ADMIN: "platform admin", FINANCE: "finance"}.get(
                self.allowed, "custom"
            )
        return "object"


def public(**kwargs) -> Route:
    return Route(EVERYONE, anonymous="public", **kwargs)


def draft(w):
    return {"application_id": w.draft.id}


def fee_invoice(w) -> dict:
    """The approved application's invoice (paid in full: its payment form still shows)."""
    from permits.services import ledger

    return {"invoice_id": ledger.fee_invoice(w.approved.id).id}


def _statement(w):
    """A bank statement with one line of an unknown reference, left open (made once)."""
    from permits.extensions import db
    from permits.models import StatementImport
    from permits.services import payments

    existing = db.session.query(StatementImport).first()
    if existing is None:
        data = b"date;amount;reference;bank reference\n2027-04-16;12.00;no reference;MATRIX-1\n"
        existing = payments.import_statement(w.base.finance, "matrix.csv", data).statement
        db.session.commit()
    return existing


def waiver_request(w) -> dict:
    """A fee waiver asked for the application in review (made once)."""
    from permits.extensions import db
    from permits.models import FeeWaiverRequest

    request = db.session.query(FeeWaiverRequest).first()
    if request is None:
        request = FeeWaiverRequest(application_id=w.in_review.id, ground="student", reason="A graduation film.",
                                   document_id=w.document.id, state="requested", requested_by_id=w.base.producer.id)
        db.session.add(request)
        db.session.commit()
    return {"request_id": request.id}


def pending_registration(w) -> dict:
    """A registration waiting for its link to be opened (the token is the capability)."""
    import datetime as dt

    from permits.extensions import db
    from permits.models import PendingRegistration
    from permits.services.accounts import _token_hash
    from tests import clock

    token = "matrix-registration-token-0123456789abcdef"
    if db.session.query(PendingRegistration).filter_by(token_hash=_token_hash(token)).first():
        return {"token": token}
    db.session.add(PendingRegistration(
        token_hash=_token_hash(token), email="newcomer@example.test", email_normalised="newcomer@example.test",
        name="New Comer", language="en", legal_name="Newcomer Films LLC", country="AZ", password_hash="x",
        expires_at=clock.now() + dt.timedelta(hours=1),
    ))
    db.session.commit()
    return {"token": token}


def invoice(w) -> dict:
    """The approved application's fee invoice (it was paid in full)."""
    from permits.services.ledger import fee_invoice

    return {"application_id": w.approved.id, "invoice_id": fee_invoice(w.approved.id).id}


def receipt(w) -> dict:
    """The payment that settled the approved application."""
    from permits.services.ledger import entries_of

    [paid] = [e for e in entries_of(w.approved.id) if e.kind == "paid"]
    return {"application_id": w.approved.id, "entry_id": paid.id}


# Who manages webhook endpoints: a company's administrator (both producers
# registered their companies) and an organisation's supervisors.
WEBHOOK_MANAGERS = frozenset({"producer", "other_producer", "owner_a_sup", "ministry_sup"})


def webhook(w) -> dict:
    """The producer's company's endpoint (made once)."""
    from permits.extensions import db
    from permits.models import WebhookEndpoint
    from permits.services import webhooks

    endpoint = db.session.query(WebhookEndpoint).filter_by(company_id=w.base.producer.company.id).first()
    if endpoint is None:
        endpoint, _secret = webhooks.create_endpoint(w.base.producer, f"company:{w.base.producer.company.id}",
                                                     "https://hooks.example.com/permits", events=webhooks.EVENT_NAMES)
        db.session.commit()
    return {"endpoint_id": endpoint.id}


def webhook_delivery(w) -> dict:
    """A delivery of that endpoint that gave up (made once): its re-send."""
    from permits.extensions import db
    from permits.models import WebhookDelivery, WebhookStatus

    endpoint_id = webhook(w)["endpoint_id"]
    delivery = db.session.query(WebhookDelivery).filter_by(endpoint_id=endpoint_id).first()
    if delivery is None:
        delivery = WebhookDelivery(endpoint_id=endpoint_id, event="permit.issued", idempotency_key="permit.issued:evt_matrix",
                                   payload={"id": "evt_matrix"}, status=WebhookStatus.DEAD, attempts=10)
        db.session.add(delivery)
        db.session.commit()
    return {"endpoint_id": endpoint_id, "delivery_id": delivery.id}


def a_past_day(w) -> dict:
    """Yesterday in Baku (the suite's clock may be moved)."""
    import datetime as dt

    from permits.services.opendata import today

    return {"day": (today() - dt.timedelta(days=1)).isoformat(), "fmt": "csv"}


ROUTES: dict[str, Route] = {
    # ------------------------------------------------------------------ public pages
    "main.index": public(),
    "main.healthz": public(),
    "main.set_language": public(note="POST; only the session's language"),
    "auth.login": public(),
    "auth.logout": public(note="POST; signs out whoever is signed in"),
    "auth.register": public(),
    "auth.forgot_password": public(),
    "auth.confirm_registration": public(
        values=pending_registration,
        hidden=lambda w: {"token": "not-a-registration-token"},
        hidden_status=400,
        note="GET shows the confirmation button; the account is made by its POST",
    ),
    "auth.reset_password": public(
        values=lambda w: {"token": w.reset_token},
        hidden=lambda w: {"token": w.reset_token[:-4] + "AAAA"},
        hidden_status=400,
        note="the token is the capability; a forged one is refused",
    ),
    "locations.catalogue": public(),
    "locations.quote": public(),
    "locations.site": public(values=lambda w: {"slug": w.base.site_a.slug},
                             hidden=lambda w: {"slug": w.hidden_site.slug}),
    "locations.illustration": public(values=lambda w: {"slug": w.base.site_a.slug},
                                     hidden=lambda w: {"slug": w.hidden_site.slug}),
    "locations.photo": public(values=lambda w: {"slug": w.base.site_a.slug, "photo_id": w.photo.id},
                              hidden=lambda w: {"slug": w.base.site_b.slug, "photo_id": w.photo.id}),
    "locations.add_to_application": Route(
        PRODUCERS, anonymous="login", values=lambda w: {"slug": w.base.site_a.slug},
        note="POST; anonymous visitors are sent to sign in, staff get 403",
    ),
    "locations.start_from_quote": Route(
        PRODUCERS, note="POST; anonymous visitors are sent to sign in and back to the quote, staff get 403",
    ),
    "verify.lookup": public(),
    "verify.by_token": public(values=lambda w: {"token": w.permit.verification_token},
                              hidden=lambda w: {"token": "not-a-permit-token"}),
    "statistics.scorecard": public(),
    # Open data (issue 18): no personal data, no sign-in.
    "opendata.index": public(),
    "opendata.permits_json": public(),
    "opendata.permits_csv": public(),
    "opendata.daily": public(values=a_past_day, hidden=lambda w: {"day": "2027-02-30", "fmt": "csv"},
                             note="a day that does not exist (or is still to come) is 404"),
    # ------------------------------------------------------------------ any signed-in user
    "main.home": Route(EVERYONE),
    "account.profile": Route(EVERYONE),
    "account.change_password": Route(EVERYONE),
    "account.notification_preferences": Route(EVERYONE),
    "account.create_token": Route(EVERYONE, note="POST; a token of the signed-in user only"),
    "account.revoke_token": Route(frozenset({"producer"}), values=lambda w: {"token_id": w.api_token.id},
                                  note="the token's own user; everyone else 404"),
    "inbox.index": Route(EVERYONE),
    "inbox.mark_all_read": Route(EVERYONE, note="POST; the user's own notices only"),
    "inbox.open_notification": Route(frozenset({"producer"}), values=lambda w: {"notification_id": w.notification.id}),
    "inbox.mark_read": Route(frozenset({"producer"}), values=lambda w: {"notification_id": w.notification.id}),
    # ------------------------------------------------------------------ platform admin
    "admin.index": Route(ADMIN),
    "admin.organisations": Route(ADMIN),
    "admin.staff": Route(ADMIN),
    "admin.process": Route(ADMIN),
    "admin.process_svg": Route(ADMIN),
    "outbox_admin.index": Route(ADMIN),
    "outbox_admin.resend": Route(ADMIN, values=lambda w: {"message_id": w.dead_message.id}),
    "dev.mailbox": Route(ADMIN),
    "dev.mail": Route(ADMIN, values=lambda w: {"name": w.mail_name}),
    "dev.mail_html": Route(ADMIN, values=lambda w: {"name": w.mail_name}),
    # ------------------------------------------------------------------ producers
    "portal.home": Route(PRODUCERS),
    "portal.new": Route(PRODUCERS),
    "portal.passport": Route(PRODUCERS),
    "portal.application": Route(frozenset({"producer"}), values=draft),
    "portal.contacts": Route(frozenset({"producer"}), values=draft),
    "portal.production": Route(frozenset({"producer"}), values=draft),
    "portal.activities": Route(frozenset({"producer"}), values=draft),
    "portal.crew": Route(frozenset({"producer"}), values=draft),
    "portal.declaration": Route(frozenset({"producer"}), values=draft),
    "portal.sites": Route(frozenset({"producer"}), values=draft),
    "portal.add_booking": Route(frozenset({"producer"}), values=draft),
    "portal.remove_booking": Route(frozenset({"producer"}),
                                   values=lambda w: {"application_id": w.draft.id, "booking_id": w.draft.bookings[0].id}),
    "portal.documents_section": Route(frozenset({"producer"}), values=draft),
    "portal.attach_document": Route(frozenset({"producer"}), values=draft),
    "portal.upload_document": Route(frozenset({"producer"}), values=draft),
    "portal.detach_document": Route(frozenset({"producer"}),
                                    values=lambda w: {"application_id": w.draft.id, "document_id": w.document.id}),
    "portal.check": Route(frozenset({"producer"}), values=draft),
    "portal.submit": Route(frozenset({"producer"}), values=draft),
    "portal.withdraw": Route(frozenset({"producer"}), values=lambda w: {"application_id": w.in_review.id}),
    # Redirects its owner to the status page when no site was refused; others get 404.
    "portal.replace_site": Route(frozenset({"producer"}), values=lambda w: {"application_id": w.in_review.id}),
    "portal.answer": Route(frozenset({"producer"}),
                           values=lambda w: {"application_id": w.in_review.id, "review_id": w.info_review.id}),
    "portal.download": Route(SEES_IN_REVIEW,
                             values=lambda w: {"application_id": w.in_review.id, "document_id": w.document.id},
                             note="the producers and the reviewers of the application"),
    "portal.invoice_pdf": Route(frozenset({"producer"}), values=invoice, note="any version of its invoices"),
    "portal.receipt_pdf": Route(frozenset({"producer"}), values=receipt),
    "portal.passport_download": Route(frozenset({"producer"}), values=lambda w: {"document_id": w.document.id}),
    "portal.passport_remove": Route(frozenset({"producer"}), values=lambda w: {"document_id": w.document.id}),
    # Money (issue 15): the company's invoices and payments; a fee waiver request of its own application.
    "money.index": Route(PRODUCERS, note="each producer sees their own company's money only"),
    "portal.request_waiver": Route(frozenset({"producer"}), values=lambda w: {"application_id": w.in_review.id},
                                   note="POST; the application's producers only"),
    # ------------------------------------------------------------------ issued permits
    "issued.permit": Route(SEES_IN_REVIEW, values=lambda w: {"permit_id": w.permit.id}),
    "issued.pdf": Route(SEES_IN_REVIEW, values=lambda w: {"permit_id": w.permit.id}),
    "issued.version_pdf": Route(SEES_IN_REVIEW, values=lambda w: {"permit_id": w.permit.id, "number": 1}),
    "issued.revoke": Route(frozenset({"ministry_sup"}), values=lambda w: {"permit_id": w.permit.id},
                           note="the ministry's supervisors (platform admins per can_revoke_permit, see report)"),
    "issued.amend": Route(frozenset({"producer"}), values=lambda w: {"permit_id": w.permit.id}),
    # ------------------------------------------------------------------ reviewers
    "review.queue": Route(STAFF),
    "review.all_applications": Route(MINISTRY),
    "review.escalations": Route(MINISTRY),
    "statistics.index": Route(MINISTRY),
    "statistics.table_csv": Route(MINISTRY, values=lambda w: {"table": "applications-by-month"}),
    "review.application": Route(MINISTRY, values=lambda w: {"application_id": w.in_review.id}),
    "review.document": Route(STAFF_OF_IN_REVIEW,
                             values=lambda w: {"application_id": w.in_review.id, "document_id": w.document.id}),
    "review.invoice_pdf": Route(MINISTRY, values=invoice, note="the film commission (its finance officers too)"),
    "review.receipt_pdf": Route(MINISTRY, values=receipt),
    "review.task": Route(STAFF_OF_IN_REVIEW, values=lambda w: {"review_id": w.owner_a_review.id},
                         note="its organisation, and the ministry which sees every review"),
    "review.claim": Route(OWNER_A_ACTS, values=lambda w: {"review_id": w.owner_a_review.id}),
    "review.release": Route(OWNER_A_ACTS, values=lambda w: {"review_id": w.owner_a_review.id}),
    "review.assign": Route(frozenset({"owner_a_sup"}), values=lambda w: {"review_id": w.owner_a_review.id}),
    "review.decide": Route(OWNER_A_ACTS, values=lambda w: {"review_id": w.owner_a_review.id, "action": "approve"}),
    "review.drop_sites": Route(OWNER_A_ACTS, values=lambda w: {"review_id": w.owner_a_review.id}),
    "review.note": Route(OWNER_A_ACTS, values=lambda w: {"review_id": w.owner_a_review.id}),
    "review.message": Route(OWNER_A_ACTS, values=lambda w: {"review_id": w.owner_a_review.id}),
    "review.delete_saved_text": Route(OWNER_A_ACTS, values=lambda w: {"saved_id": w.saved_text.id}),
    "review.saved_texts": Route(STAFF),
    # ------------------------------------------------------------------ the commission's finance
    "finance.index": Route(FINANCE_VIEWERS, note="supervisors read only"),
    "finance.find": Route(FINANCE),
    "finance.payment": Route(FINANCE, values=fee_invoice),
    "finance.statement": Route(FINANCE),
    "finance.statement_result": Route(FINANCE_VIEWERS, values=lambda w: {"statement_id": _statement(w).id}),
    "finance.line": Route(FINANCE, values=lambda w: {"line_id": _statement(w).lines[0].id}),
    "finance.refund": Route(FINANCE, values=lambda w: {"application_id": w.approved.id}),
    "finance.waiver": Route(FINANCE_VIEWERS, values=waiver_request,
                            note="the commission's supervisors decide (the finance officers read: POST 403); "
                                 "other commission staff 403, everybody else 404"),
    # ------------------------------------------------------------------ site owners
    "sites.index": Route(STAFF),
    "sites.calendar": Route(STAFF_OF_IN_REVIEW, values=lambda w: {"slug": w.base.site_a.slug},
                            note="the site's owner and the ministry"),
    "sites.settings": Route(frozenset({"owner_a_sup"}), values=lambda w: {"slug": w.base.site_a.slug}),
    "sites.add_blackout": Route(frozenset({"owner_a_sup"}), values=lambda w: {"slug": w.base.site_a.slug}),
    # ------------------------------------------------------------------ webhooks (issue 18)
    "webhooks.index": Route(WEBHOOK_MANAGERS, note="others signed in: 403"),
    "webhooks.new": Route(WEBHOOK_MANAGERS),
    "webhooks.endpoint": Route(frozenset({"producer"}), values=webhook, note="another owner's endpoint is 404"),
    "webhooks.edit": Route(frozenset({"producer"}), values=webhook),
    "webhooks.rotate": Route(frozenset({"producer"}), values=webhook),
    "webhooks.delete": Route(frozenset({"producer"}), values=webhook),
    "webhooks.resend": Route(frozenset({"producer"}), values=webhook_delivery),
    "sites.remove_blackout": Route(frozenset({"owner_a_sup"}),
                                   values=lambda w: {"slug": w.base.site_a.slug, "blackout_id": w.blackout.id}),
}


# ----------------------------------------------------------------------------- the JSON API
# API routes (endpoints "api.*") are called with a personal access token
# (read and write scopes) of each identity, never a session cookie: a signed-in
# browser without a token gets 401 on every operation that needs one.


@dataclass(frozen=True)
class ApiRoute:
    """``allowed``: identities whose token gets a 2xx (or 405 for a GET on a
    write-only route); every other identity's token gets 403 or 404 and
    changes nothing. ``public``: anonymous calls succeed too (else 401).
    ``values``/``query``: the URL values and query string from the world;
    ``hidden``: values of an object nobody may see (404 for everybody);
    ``body``: the request's body for a write (keyword arguments of the test
    client: ``json=`` or a multipart ``data=``), sent by every identity, so
    that a refusal is the authorization's, not the body's (``{}`` if none)."""

    allowed: frozenset
    public: bool = False
    values: Callable | None = None
    query: Callable | None = None
    hidden: Callable | None = None
    note: str = ""
    body: Callable | None = None
    # Statuses besides 2xx that prove an allowed identity got past the
    # authorization: an action on a review that the first allowed identity
    # took already is a 409.
    also_passed: frozenset = frozenset()


def flagged_final_review(w) -> dict:
    """A final review opened because the owner of site B refused (made once):
    the commission rejects, or drops the refused site."""
    import datetime as dt

    from permits.extensions import db
    from permits.models import ReviewTask
    from permits.services import workflow
    from tests.services.scenario import MONDAY, approve_all, open_reviews, submitted

    final = db.session.query(ReviewTask).filter_by(kind="ministry_final", flagged=True).first()
    if final is None:
        world = w.base
        application = submitted(world, start=dt.date(2027, 10, 4))
        approve_all(world, application, "ministry_screening")
        for review in open_reviews(application):
            action = "reject" if review.organisation_id == world.owner_b.id else "approve"
            workflow.decide(review, world.reviewer_for(review), action, reason="Closed for works", now=MONDAY)
        db.session.commit()
        [final] = open_reviews(application, "ministry_final")
    return {"review_id": final.id}


def api_public(**kwargs) -> ApiRoute:
    return ApiRoute(EVERYONE, public=True, **kwargs)


def _quote_query(w) -> str:
    return f"sites={w.base.site_a.slug}&start_date=2027-08-02&end_date=2027-08-03&crew=5"


def _new_booking(w) -> dict:
    return {"json": {"site": w.base.site_a.slug, "first_day": "2027-08-10", "last_day": "2027-08-11", "crew_on_site": 5}}


def _new_document(w) -> dict:
    import io

    from tests.security.conftest import pdf_bytes

    return {"data": {"kind": "synopsis", "file": (io.BytesIO(pdf_bytes("synopsis")), "synopsis.pdf")},
            "content_type": "multipart/form-data"}


def _ready_draft(w) -> dict:
    """The world's draft with every section completed (through the services)."""
    from permits.extensions import db
    from permits.services import applications
    from tests.portal.conftest import attach_needed_documents

    producer, application = w.base.producer, w.draft
    applications.save_contacts(application, producer, contact_name="Ana", contact_email="ana@example.test",
                               contact_phone="+994 12 000 00 00", complete=True)
    applications.save_production(application, producer, title="The Silk Road", production_type="feature",
                                 country_of_origin="FR", synopsis="A caravan crosses the old city at dawn.", complete=True)
    applications.mark_section(application, producer, "sites", True)
    applications.save_activities(application, producer, activities=[], safety_notes="", complete=True)
    applications.save_crew(application, producer, crew_total=40, equipment_notes="", complete=True)
    attach_needed_documents(application, producer, w.document.expires_on)
    applications.mark_section(application, producer, "documents", True)
    applications.declare(application, producer, name="Ana Producer", confirmed=True)
    db.session.commit()
    return {"application_id": application.id}


def _rendered_permit(w) -> dict:
    from tests.permits_issue.helpers import render_pending

    render_pending(w.permit)
    return {"application_id": w.approved.id}


API_ROUTES: dict[str, ApiRoute] = {
    "api.openapi_document": api_public(),
    "api.docs": api_public(),
    "api.list_sites": api_public(),
    "api.get_site": api_public(values=lambda w: {"slug": w.base.site_a.slug},
                               hidden=lambda w: {"slug": w.hidden_site.slug}),
    "api.get_quote": api_public(query=_quote_query),
    "api.get_scorecard": api_public(),
    "api.verify_by_token": api_public(values=lambda w: {"token": w.permit.verification_token},
                                      hidden=lambda w: {"token": "not-a-permit-token"}),
    "api.verify_by_number": api_public(query=lambda w: f"number={w.permit.number}&code={w.permit.short_code}"),
    "api.list_applications": ApiRoute(PRODUCERS, note="each producer lists their own company's"),
    "api.get_application": ApiRoute(frozenset({"producer"}), values=draft,
                                    note="another company's: 404; staff: 403"),
    "api.create_application": ApiRoute(PRODUCERS, note="POST; a draft of the caller's own company"),
    "api.put_production": ApiRoute(frozenset({"producer"}), values=draft, note="PUT with If-Match"),
    "api.list_reviews": ApiRoute(STAFF, note="each reviewer sees their organisation's queue"),
    # The producers' writes (If-Match: "*" on every call): the draft's sections, bookings and documents...
    "api.put_contacts": ApiRoute(frozenset({"producer"}), values=draft, note="PUT with If-Match"),
    "api.put_activities": ApiRoute(frozenset({"producer"}), values=draft, note="PUT with If-Match"),
    "api.put_crew": ApiRoute(frozenset({"producer"}), values=draft, note="PUT with If-Match"),
    "api.put_declaration": ApiRoute(frozenset({"producer"}), values=draft, note="PUT with If-Match",
                                    body=lambda w: {"json": {"declaration_name": "Ana Producer", "confirm": True}}),
    "api.put_section": ApiRoute(frozenset({"producer"}), values=lambda w: {"application_id": w.draft.id, "section": "sites"},
                                body=lambda w: {"json": {"complete": False}}),
    "api.get_sections": ApiRoute(frozenset({"producer"}), values=draft),
    "api.add_booking": ApiRoute(frozenset({"producer"}), values=draft, body=_new_booking),
    "api.delete_booking": ApiRoute(frozenset({"producer"}),
                                   values=lambda w: {"application_id": w.draft.id, "booking_id": w.draft.bookings[0].id}),
    "api.list_documents": ApiRoute(frozenset({"producer"}), values=draft),
    "api.upload_document": ApiRoute(frozenset({"producer"}), values=draft, body=_new_document, note="multipart"),
    "api.delete_document": ApiRoute(frozenset({"producer"}),
                                    values=lambda w: {"application_id": w.draft.id, "document_id": w.document.id}),
    # ... submission (the world's draft made complete first), and after it.
    "api.submit_application": ApiRoute(frozenset({"producer"}), values=_ready_draft),
    "api.withdraw_application": ApiRoute(frozenset({"producer"}), values=lambda w: {"application_id": w.in_review.id}),
    "api.answer_request": ApiRoute(frozenset({"producer"}),
                                   values=lambda w: {"application_id": w.in_review.id, "review_id": w.info_review.id},
                                   body=lambda w: {"json": {"body": "Nizami street, from 10:00 to 12:00."}},
                                   note="If-Match is the review's version"),
    "api.get_permit_pdf": ApiRoute(frozenset({"producer"}), values=_rendered_permit,
                                   note="staff read permits on their pages, not through the producers' API"),
    "api.list_invoices": ApiRoute(frozenset({"producer"}), values=lambda w: {"application_id": w.approved.id}),
    "api.get_invoice_pdf": ApiRoute(frozenset({"producer"}),
                                    values=lambda w: {"application_id": w.approved.id, **fee_invoice(w)}),
    "api.get_review": ApiRoute(STAFF_OF_IN_REVIEW, values=lambda w: {"review_id": w.owner_a_review.id},
                               note="its organisation, and the film commission which sees every review; others 404"),
    "api.claim_review": ApiRoute(OWNER_A_ACTS, values=lambda w: {"review_id": w.owner_a_review.id},
                                 also_passed=frozenset({409}), note="the second one finds it taken: 409"),
    "api.release_review": ApiRoute(OWNER_A_ACTS, values=lambda w: {"review_id": w.owner_a_review.id},
                                   also_passed=frozenset({409}), note="nobody holds it: 409 (not 403)"),
    "api.decide_review": ApiRoute(OWNER_A_ACTS, values=lambda w: {"review_id": w.owner_a_review.id},
                                  body=lambda w: {"json": {"action": "request_information", "reason": "Which gate?"}},
                                  also_passed=frozenset({409}), note="the commission sees it but may not decide: 403"),
    "api.drop_refused_sites": ApiRoute(frozenset({"ministry", "ministry_sup"}), values=flagged_final_review,
                                       also_passed=frozenset({409}),
                                       note="the commission's reviewers; its finance officer 403; the owners 404"),
}
