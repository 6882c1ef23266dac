"""Human wording for the producer's view of an application: events and clocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

from permits.labels import event_title, review_kind_name
from permits.models import ReviewTask, WorkflowEvent
from permits.services.clock import clock_state
from permits.templating import local_datetime
from workflows import BusinessCalendar, get_definition


def _review_name(event: WorkflowEvent) -> str:
    review = event.review
    if review is None:
        return _("a review")
    label = review_kind_name(review.kind)
    # One review per site owner: say whose.
    held_by_owner = get_definition(review.application.definition_version).scope_of(review.kind, review.organisation_id)
    if held_by_owner is not None and review.organisation is not None:
        return f"{label} ({review.organisation.name})"
    return label


# Staff-internal steps the producer does not need to see.
HIDDEN = {("review", "assign"), ("review", "release"), ("deadline", "escalate")}


def visible(event: WorkflowEvent) -> bool:
    return (event.subject, event.action) not in HIDDEN


def describe(event: WorkflowEvent) -> tuple[str, str]:
    """(title, modifier) of a timeline item; modifier is complete|current|warning|error."""
    a = event.action
    if event.subject == "application":
        texts = {
            "submit": (_("You submitted the application") if (event.payload or {}).get("route") != "fast_track"
                       else _("You submitted the application: it takes the fast track"), "complete"),
            "start_review": (_("Screening passed: the site owners and agencies are reviewing"), "complete"),
            "open_final": (_("Sent for the film commission's final decision"), "complete"),
            "return_to_parallel": (_("Sent back to the site reviews"), "current"),
            "approve": (_("Approved: your permit is issued"), "complete"),
            "await_payment": (_("Approved: the permit is issued once the fee is paid"), "current"),
            "settle": (_("The fee is paid: your permit is issued"), "complete"),
            "reject": (_("The application was refused"), "error"),
            "withdraw": (_("You withdrew the application"), "warning"),
            "lapse": (_("The application lapsed: the fee was not paid by its due date")
                      if (event.payload or {}).get("reason") == "unpaid"
                      else _("The application lapsed: the requested information did not arrive in time"), "error"),
            "revoke": (_("The permit was revoked"), "error"),
            "expire": (_("The permit expired"), "complete"),
            "amend": (_("You asked for an amendment"), "current"),
            "drop_sites": (_("The refused sites were dropped from the application"), "warning"),
            "replace_site": (_("You proposed another site for the refused one"), "current"),
            "flagged_late": (_("Submitted after the latest day to apply for the first shoot day"), "warning"),
        }
        return texts.get(a, (event_title(a), "complete"))
    if event.subject == "review":
        name = _review_name(event)
        if a == "open":
            return _("%(review)s started", review=name), "current"
        if a == "claim":
            return _("%(review)s: a reviewer is working on it", review=name), "current"
        if a == "message_producer":
            return _("%(review)s: a reviewer wrote to you", review=name), "current"
        if a == "release":
            return _("%(review)s is waiting for a reviewer", review=name), "current"
        if a == "approve":
            return _("%(review)s: approved", review=name), "complete"
        if a == "approve_with_conditions":
            return _("%(review)s: approved with conditions", review=name), "complete"
        if a == "approve_by_consent":
            versions = sorted({str(site.get("rules_version")) for site in (event.payload or {}).get("standing_consent", [])})
            return _("%(review)s: approved at once under the owner's standing consent (rules version %(version)s)",
                     review=name, version=", ".join(versions) or "1"), "complete"
        if a == "reject":
            return _("%(review)s: refused", review=name), "error"
        if a == "request_information":
            return _("%(review)s: more information needed from you", review=name), "warning"
        if a == "provide_information":
            return _("You answered the %(review)s", review=name), "complete"
        if a in ("cancel", "lapse", "drop"):
            return _("%(review)s closed", review=name), "complete"
        if a == "reopen":
            return _("%(review)s reopened", review=name), "current"
        if a == "assign":
            return _("%(review)s assigned to a reviewer", review=name), "current"
        return f"{name}: {event_title(a)}", "complete"
    if event.subject == "money":
        payload = event.payload or {}
        texts = {
            "invoice_issued": (_("Invoice %(number)s issued", number=payload.get("number", "")), "current"),
            "invoice_reissued": (_("Invoice %(number)s reissued (version %(version)s)", number=payload.get("number", ""),
                                   version=payload.get("version", "")), "current"),
            "payment_recorded": (_("Payment received"), "complete"),
            "refund_recorded": (_("Refund paid to you"), "complete"),
            "waiver_requested": (_("You asked for a fee waiver"), "current"),
            "waiver_granted": (_("The fee waiver was granted"), "complete"),
            "waiver_refused": (_("The fee waiver was refused"), "warning"),
            "account_closed": (_("The fees were settled as the application ended"), "complete"),
        }
        return texts.get(a, (event_title(a), "complete"))
    if event.subject == "permit":
        return _("Permit: %(action)s", action=event_title(a)), "complete"
    if event.subject == "amendment":
        return _("Amendment: %(action)s", action=event_title(a)), "current"
    if event.subject == "deadline":
        return _("A deadline passed: %(action)s", action=event_title(a)), "warning"
    return event_title(a), "complete"


@dataclass(frozen=True)
class Clock:
    modifier: str  # on-time | due-soon | overdue | paused | closed
    label: str
    detail: str


def clock_for(review: ReviewTask, cal: BusinessCalendar, now: dt.datetime) -> Clock:
    """The producer's words for a review's clock (its state from services.clock)."""
    state = clock_state(review, now)
    if state == "closed":
        return Clock(state, "", "")
    if state == "paused":
        return Clock(state, _("Paused"), _("The clock stops while the reviewer waits for your answer."))
    if state == "overdue":
        return Clock(state, _("Overdue"), _("Was due %(when)s", when=_fmt(review.due_at)))
    days = cal.business_seconds_between(now, review.due_at) / cal.business_day_seconds
    left = _("%(n)s business days left", n=f"{days:.1f}".rstrip("0").rstrip(".")) if days >= 1 else _("less than one business day left")
    return Clock(state, _("Due %(when)s", when=_fmt(review.due_at)), left)


def _fmt(value: dt.datetime) -> str:
    return local_datetime(value)
