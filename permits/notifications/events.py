"""Every notification the product sends, as data: subject, lines and the
link's label, in English msgids that the catalogues translate.

One generic template (``templates/emails/event.*``) renders them all, so the
e-mails stay consistent and every text is in the catalogues. Placeholders are
filled from the outbox row's context (reference, title, organisation...).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class EventSpec:
    subject: object
    lines: tuple
    action: object  # the link's label
    audience: str  # producer | reviewer (which page the link opens)


EVENTS: dict[str, EventSpec] = {
    "application_received": EventSpec(
        _l("We received your application %(reference)s"),
        (
            _l("Your application %(reference)s for “%(title)s” has been received."),
            _l("The film commission screens it first, within %(days)s business days. You can follow every review and its deadline on the application's page."),
        ),
        _l("Follow your application"),
        "producer",
    ),
    "application_received_fast_track": EventSpec(
        _l("We received your application %(reference)s"),
        (
            _l("Your application %(reference)s for “%(title)s” has been received."),
            _l("It takes the fast track: the site owners' standing consent approved your sites, and the film commission decides within %(days)s business day."),
        ),
        _l("Follow your application"),
        "producer",
    ),
    "review_opened": EventSpec(
        _l("New application to review: %(reference)s"),
        (
            _l("Application %(reference)s for “%(title)s” by %(company)s is waiting for the review of %(organisation)s (%(review)s)."),
            _l("It is due by %(due)s."),
        ),
        _l("Open the review"),
        "reviewer",
    ),
    "information_requested": EventSpec(
        _l("Information needed for application %(reference)s"),
        (
            _l("%(organisation)s needs more information about your application %(reference)s:"),
            "%(body)s",
            _l("Please answer by %(due)s. The review is paused until you answer; without an answer the application lapses."),
        ),
        _l("Answer now"),
        "producer",
    ),
    "information_provided": EventSpec(
        _l("The producer answered: %(reference)s"),
        (
            _l("%(company)s answered your request for information on application %(reference)s."),
            _l("The review's clock is running again; it is due by %(due)s."),
        ),
        _l("Open the review"),
        "reviewer",
    ),
    "review_decided": EventSpec(
        _l("%(organisation)s has decided on application %(reference)s"),
        (
            _l("%(organisation)s has decided on your application %(reference)s: %(decision)s."),
            "%(details)s",
        ),
        _l("See the decision"),
        "producer",
    ),
    "application_approved": EventSpec(
        _l("Permit granted: %(reference)s"),
        (
            _l("Your application %(reference)s for “%(title)s” has been approved."),
            _l("Your permit number is %(number)s."),
            _l("Your permit is being prepared; you can download it from the application's page, with its conditions."),
        ),
        _l("Download the permit"),
        "producer",
    ),
    "permit_issued_to_site_owner": EventSpec(
        _l("Permit issued for filming at your site: %(reference)s"),
        (
            _l("The film commission issued permit %(number)s to %(company)s for “%(title)s”."),
            _l("Filming at your sites: %(bookings)s."),
            _l("What comes next: the crew may film on these days within the permit's conditions; anyone can check the permit by its QR code. Nothing more is needed from you."),
        ),
        _l("See the application"),
        "reviewer",
    ),
    "application_rejected": EventSpec(
        _l("Application %(reference)s was not approved"),
        (
            _l("Your application %(reference)s for “%(title)s” was not approved."),
            _l("Reason: %(reason)s"),
            _l("What comes next: the application is closed. You can file a new application at any time."),
        ),
        _l("See the details"),
        "producer",
    ),
    "application_withdrawn": EventSpec(
        _l("Application %(reference)s was withdrawn"),
        (_l("Application %(reference)s for “%(title)s” was withdrawn by the producer. Open reviews are closed."),),
        _l("See the application"),
        "any",
    ),
    "review_reminder": EventSpec(
        _l("Reminder: %(review)s of %(reference)s is due %(due)s"),
        (_l("The review of application %(reference)s (%(review)s) by %(organisation)s is due by %(due)s."),),
        _l("Open the review"),
        "reviewer",
    ),
    "review_escalated": EventSpec(
        _l("Overdue: %(review)s of %(reference)s"),
        (
            _l("The review of application %(reference)s (%(review)s) by %(organisation)s was due by %(due)s and is not decided."),
            _l("Please decide it or reassign it today."),
        ),
        _l("Open the review"),
        "reviewer",
    ),
    "information_due_soon": EventSpec(
        _l("Your answer for %(reference)s is due soon"),
        (
            _l("%(organisation)s is still waiting for your answer on application %(reference)s."),
            _l("Please answer by %(due)s, or the application lapses."),
        ),
        _l("Answer now"),
        "producer",
    ),
    "application_lapsed": EventSpec(
        _l("Application %(reference)s has lapsed"),
        (_l("Application %(reference)s lapsed because the information requested was not provided in time. You can file a new application at any time."),),
        _l("See the application"),
        "any",
    ),
    "site_decision_needed": EventSpec(
        _l("A site was refused: application %(reference)s"),
        (
            _l("A reviewing organisation refused part of application %(reference)s. You can propose another site from the application's page; otherwise the film commission will reject the application or drop the refused site."),
        ),
        _l("See the application"),
        "producer",
    ),
    "permit_expiring": EventSpec(
        _l("Your permit %(number)s ends soon"),
        (_l("Permit %(number)s for “%(title)s” is valid until %(until)s."),),
        _l("See the permit"),
        "producer",
    ),
    "invoice_issued": EventSpec(
        _l("Invoice %(number)s for application %(reference)s"),
        (
            _l("The film commission invoiced the fee for application %(reference)s (“%(title)s”): %(total_text)s, due by %(due)s."),
            _l("Pay by bank transfer with the payment reference %(payment_reference)s. The invoice is attached; the permit is issued once the fee is paid."),
        ),
        _l("See the invoice"),
        "producer",
    ),
    "invoice_reissued": EventSpec(
        _l("Invoice %(number)s was reissued"),
        (
            _l("Invoice %(number)s for application %(reference)s was reissued with your fee waiver: %(total_text)s is now due."),
            _l("The new version is attached; the earlier one stays readable on the application's page."),
        ),
        _l("See the invoice"),
        "producer",
    ),
    "invoice_repriced": EventSpec(
        _l("Invoice %(number)s was reissued"),
        (
            _l("The sites of application %(reference)s changed, so invoice %(number)s was reissued: %(total_text)s is now due."),
            _l("The new version is attached; the earlier one stays readable on the application's page."),
        ),
        _l("See the invoice"),
        "producer",
    ),
    "application_approved_awaiting_payment": EventSpec(
        _l("Application %(reference)s approved: the permit waits for the fee"),
        (
            _l("Application %(reference)s for “%(title)s” has been approved. The permit is issued as soon as the fee is paid."),
            _l("Still to pay: %(balance_text)s, with the payment reference %(payment_reference)s. Without payment by %(due)s the application lapses."),
        ),
        _l("See what to pay"),
        "producer",
    ),
    "payment_due_soon": EventSpec(
        _l("The fee for application %(reference)s is due soon"),
        (
            _l("%(balance_text)s is still to pay for application %(reference)s (“%(title)s”), with the payment reference %(payment_reference)s."),
            _l("An approved application that is not paid by its due date lapses, and no permit is issued."),
        ),
        _l("See what to pay"),
        "producer",
    ),
    "application_lapsed_unpaid": EventSpec(
        _l("Application %(reference)s has lapsed: the fee was not paid"),
        (_l("Application %(reference)s lapsed because its fee was not paid by the due date. You can file a new application at any time."),),
        _l("See the application"),
        "producer",
    ),
    "payment_received": EventSpec(
        _l("Payment received for application %(reference)s"),
        (
            _l("The film commission received %(amount_text)s for application %(reference)s. The receipt %(receipt)s is attached."),
            _l("Still to pay: %(balance_text)s."),
        ),
        _l("See the application"),
        "producer",
    ),
    "payment_received_in_full": EventSpec(
        _l("Payment received for application %(reference)s"),
        (
            _l("The film commission received %(amount_text)s for application %(reference)s. The receipt %(receipt)s is attached."),
            _l("The fee is paid in full."),
        ),
        _l("See the application"),
        "producer",
    ),
    "refund_paid": EventSpec(
        _l("Refund paid for application %(reference)s"),
        (_l("The film commission paid back %(amount_text)s for application %(reference)s (bank reference %(bank_reference)s)."),),
        _l("See your payments"),
        "producer",
    ),
    "waiver_requested": EventSpec(
        _l("Fee waiver requested: %(reference)s"),
        (_l("%(company)s asks for a fee waiver for application %(reference)s (“%(title)s”). A supervisor decides."),),
        _l("Decide the request"),
        "reviewer",
    ),
    "waiver_granted": EventSpec(
        _l("Fee waiver granted for %(reference)s"),
        (_l("The film commission granted your fee waiver request for application %(reference)s."), "%(note)s"),
        _l("See the application"),
        "producer",
    ),
    "waiver_refused": EventSpec(
        _l("Fee waiver refused for %(reference)s"),
        (_l("The film commission refused your fee waiver request for application %(reference)s."), "%(note)s"),
        _l("See the application"),
        "producer",
    ),
    "permit_revoked": EventSpec(
        _l("Permit %(number)s has been revoked"),
        (_l("Permit %(number)s for “%(title)s” has been revoked by the film commission."), _l("Reason: %(reason)s")),
        _l("See the details"),
        "producer",
    ),
    "message_to_producer": EventSpec(
        _l("A message about your application %(reference)s"),
        (_l("%(organisation)s wrote about your application %(reference)s:"), "%(body)s"),
        _l("Open your application"),
        "producer",
    ),
    # Amendments (riders) to a permit - area: permits (issue 7).
    "amendment_approved": EventSpec(
        _l("Amendment approved: %(reference)s"),
        (
            _l("The amendment of your permit for “%(title)s” was approved: %(summary)s"),
            _l("Version %(version)s of the permit is being prepared; you can download it from the application's page."),
        ),
        _l("See the permit"),
        "producer",
    ),
    "amendment_refused": EventSpec(
        _l("Amendment not approved: %(reference)s"),
        (
            _l("The amendment of your permit for “%(title)s” was not approved: %(summary)s"),
            _l("Reason: %(reason)s"),
            _l("Your permit stays valid as it was."),
        ),
        _l("See the details"),
        "producer",
    ),
}


# Who else is told of an application's event, by event (notify.tell_producers
# resolves each group): "site_owners" are the staff of each owner organisation
# of the application's sites, each told of its own sites with this event.
ALSO_TOLD: dict[str, dict[str, str]] = {
    "application_approved": {"site_owners": "permit_issued_to_site_owner"},
}

# The step an e-mail is about, and what comes next, by the stage of the
# review's kind in the process definition (``stage`` in the context:
# screening, parallel or final; workflows.STAGES). An e-mail queued without a
# stage (before this existed) falls back to the generic wording above.
DECISION_OUTCOMES = {
    "approve": "approved",
    "approve_with_conditions": "approved",
    "approve_by_consent": "approved",
    "reject": "refused",
}

BY_STAGE: dict[tuple[str, ...], EventSpec] = {
    # To the producer: a review decided.
    ("review_decided", "screening", "approved"): EventSpec(
        _l("Screening passed: application %(reference)s"),
        (
            _l("%(organisation)s screened your application %(reference)s for “%(title)s”: it is complete and goes on."),
            _l("What comes next: your application is now with the site owners and agencies, who review it in parallel. You hear from each of them; when all have approved, the film commission takes the final decision."),
        ),
        _l("Follow your application"),
        "producer",
    ),
    ("review_decided", "screening", "refused"): EventSpec(
        _l("Screening: application %(reference)s was not accepted"),
        (
            _l("%(organisation)s screened your application %(reference)s for “%(title)s” and did not accept it."),
            _l("Reason: %(details)s"),
            _l("What comes next: the application is closed. You can file a new application at any time."),
        ),
        _l("See the details"),
        "producer",
    ),
    ("review_decided", "parallel", "approved"): EventSpec(
        _l("%(review)s approved: application %(reference)s"),
        (
            _l("%(organisation)s approved its part of your application %(reference)s (%(review)s): %(decision)s."),
            _l("Conditions: %(details)s"),
            _l("This is not the permit yet. What comes next: when every site owner and agency has approved, the film commission takes the final decision."),
        ),
        _l("Follow your application"),
        "producer",
    ),
    ("review_decided", "parallel", "refused"): EventSpec(
        _l("%(review)s refused: application %(reference)s"),
        (
            _l("%(organisation)s refused its part of your application %(reference)s (%(review)s)."),
            _l("Reason: %(details)s"),
            _l("What comes next: the film commission decides whether the application goes on without the refused site or is rejected. You may propose another site from the application's page."),
        ),
        _l("See the details"),
        "producer",
    ),
    ("review_decided", "final", "approved"): EventSpec(
        _l("Final decision on application %(reference)s: approved"),
        (
            _l("%(organisation)s took the final decision on your application %(reference)s for “%(title)s”: %(decision)s."),
            _l("Conditions: %(details)s"),
            _l("What comes next: the permit is issued, or, when a fee is still to pay, issued as soon as it is paid. A separate e-mail brings the permit or what to pay."),
        ),
        _l("See the decision"),
        "producer",
    ),
    ("review_decided", "final", "refused"): EventSpec(
        _l("Final decision on application %(reference)s: not approved"),
        (
            _l("%(organisation)s took the final decision on your application %(reference)s for “%(title)s”: it is not approved."),
            _l("Reason: %(details)s"),
            _l("What comes next: the application is closed. You can file a new application at any time."),
        ),
        _l("See the details"),
        "producer",
    ),
    # To the staff of the organisation that holds a review that opened.
    ("review_opened", "screening"): EventSpec(
        _l("Screening needed: application %(reference)s"),
        (
            _l("Application %(reference)s for “%(title)s” by %(company)s has been filed and waits for screening by %(organisation)s (%(review)s)."),
            _l("It is due by %(due)s."),
            _l("After the screening: an accepted application goes to the site owners and agencies in parallel; a refusal closes it."),
        ),
        _l("Open the screening"),
        "reviewer",
    ),
    ("review_opened", "parallel"): EventSpec(
        _l("Review needed: application %(reference)s (%(review)s)"),
        (
            _l("The film commission accepted application %(reference)s for “%(title)s” by %(company)s at screening; it waits for the review of %(organisation)s (%(review)s)."),
            _l("It is due by %(due)s."),
            _l("After your review: when every site owner and agency has approved, the film commission takes the final decision."),
        ),
        _l("Open the review"),
        "reviewer",
    ),
    ("review_opened", "final"): EventSpec(
        _l("Final decision needed: application %(reference)s"),
        (
            _l("Application %(reference)s for “%(title)s” by %(company)s waits for the final decision of %(organisation)s (%(review)s)."),
            _l("It is due by %(due)s."),
            _l("After your decision: an approval issues the permit (once the fee is paid); a refusal closes the application."),
        ),
        _l("Open the final decision"),
        "reviewer",
    ),
}


def spec(name: str, context: dict | None = None) -> EventSpec:
    """The event's wording; for a review's event, the wording of its stage."""
    context = context or {}
    stage = context.get("stage")
    if stage:
        outcome = DECISION_OUTCOMES.get(str(context.get("decision_code", "")))
        for key in ((name, stage, outcome), (name, stage)):
            if key in BY_STAGE:
                return BY_STAGE[key]
    return EVENTS[name]
