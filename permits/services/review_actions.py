"""What a reviewer may do on a review now: the review page's buttons and the
API's ``actions`` (and its refusals) come from here, so both offer the same.

The definition the application started on says which review actions the
user's role in the review's organisation may take from the review's state;
on top of it: a flagged final review (a site was refused) only rejects or
drops the refused sites, and only the reviewer who holds a review gives it
back to the queue. The verbs themselves (permits.services.workflow) check
again under the row lock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from flask_babel import gettext as _

from permits.models import ReviewTask, User
from permits.services import PermissionDenied, ServiceError
from permits.services.context import calendar, definition_of, now_utc, staff_role
from permits.services.workflow import REVIEW_DECISIONS, WorkflowRefused
from workflows import ORGANISATION_ROLES, Role, get_definition, registered_versions

# The decisions in the order the page offers them.
DECISION_ORDER = ("approve", "approve_with_conditions", "request_information", "reject")
# A step the page offers on a flagged final review (not a transition of the review itself).
DROP_REFUSED_SITES = "drop_refused_sites"


def decision_actions_of_definitions() -> tuple[str, ...]:
    """Every decision a reviewer can take in some registered definition (the
    review transitions open to an organisation's role that the decision verb
    performs), in the page's order."""
    found = set()
    for version in registered_versions():
        for transition in get_definition(version).review_transitions:
            if transition.action in REVIEW_DECISIONS and transition.roles & ORGANISATION_ROLES:
                found.add(transition.action)
    ordered = [action for action in DECISION_ORDER if action in found]
    return (*ordered, *sorted(found - set(ordered)))


def human_review_actions_of_definitions() -> tuple[str, ...]:
    """The review actions an organisation's member takes by hand in some
    registered definition (claim, release and the decisions)."""
    actions: dict[str, None] = {}
    for version in registered_versions():
        for transition in get_definition(version).review_transitions:
            if transition.roles & ORGANISATION_ROLES:
                actions.setdefault(transition.action)
    return tuple(actions)


def role_of(user: User | None, review: ReviewTask) -> Role | None:
    """The user's role in the review's organisation (None: not a member)."""
    if user is None:
        return None
    return staff_role(user, review.organisation_id)


def allowed_actions(review: ReviewTask, user: User | None) -> tuple[str, ...]:
    """The review actions the definition lets the user's role take from the review's state now."""
    role = role_of(user, review)
    if role is None:
        return ()
    try:
        return definition_of(review.application).allowed_review_actions(review.kind, review.state, role)
    except (KeyError, ValueError):
        return ()


def is_final(review: ReviewTask) -> bool:
    """The review that decides the whole application (the definition's final stage)."""
    return definition_of(review.application).stage_of(review.kind) == "final"


def is_supervisor(user: User | None, organisation_id: int) -> bool:
    role = staff_role(user, organisation_id) if user is not None else None
    return role is not None and role.value in ("supervisor", "admin")


def decision_actions(review: ReviewTask, user: User | None, actions: tuple[str, ...] | None = None) -> list[str]:
    """The decisions offered: a flagged final review only rejects (or drops sites)."""
    actions = allowed_actions(review, user) if actions is None else actions
    flagged = is_final(review) and review.application.needs_ministry_decision
    return [a for a in DECISION_ORDER if a in actions and not (flagged and a != "reject")]


def producer_due(review: ReviewTask, now: dt.datetime | None = None) -> dt.datetime:
    """When the producer must answer a request for information made now (the definition's time)."""
    definition = definition_of(review.application)
    return calendar().add_business_days(now or now_utc(), definition.info_response_business_days)


@dataclasses.dataclass(frozen=True)
class Offer:
    """What the page shows the user on a review, and what the API lets them do."""

    can_act: bool  # a member of the review's organisation
    actions: tuple[str, ...]  # the definition's review actions for the user's role, now
    decisions: tuple[str, ...]
    claim: bool
    release: bool
    drop_sites: bool
    assign: bool

    @property
    def steps(self) -> tuple[str, ...]:
        """The actions offered now, by name: claim, release, the decisions, drop_refused_sites."""
        named = [name for name, offered in (("claim", self.claim), ("release", self.release)) if offered]
        return (*named, *self.decisions, *([DROP_REFUSED_SITES] if self.drop_sites else []))


def offer(review: ReviewTask, user: User | None) -> Offer:
    can_act = role_of(user, review) is not None
    actions = allowed_actions(review, user)
    final = is_final(review)
    return Offer(
        can_act=can_act,
        actions=actions,
        decisions=tuple(decision_actions(review, user, actions)),
        claim="claim" in actions,
        release="release" in actions and user is not None and review.assignee_id == user.id,
        drop_sites=final and review.is_open and bool(review.application.needs_ministry_decision) and can_act,
        assign=is_supervisor(user, review.organisation_id) and review.is_open,
    )


def refusal(review: ReviewTask, user: User | None, step: str, current: Offer | None = None) -> ServiceError | None:
    """Why ``step`` is not offered to the user now (None: it is): not a member
    of the review's organisation, or a role the definition never lets take it
    (PermissionDenied, 403); otherwise the review's state or the process
    refuses it now (WorkflowRefused, 409)."""
    current = current or offer(review, user)
    if step in current.steps:
        return None
    role = role_of(user, review)
    if role is None:
        return PermissionDenied(_("Only the organisation that holds this review can act on it."))
    if step == DROP_REFUSED_SITES:
        permitted = is_final(review) and role in (Role.REVIEWER, Role.SUPERVISOR)
    else:
        definition = definition_of(review.application)
        permitted = any(t.action == step and t.permits(role, None) for t in definition.review_transitions)
    if not permitted:
        return PermissionDenied(_("Your role in this organisation cannot do this."))
    if step == "release" and "release" in current.actions:
        return WorkflowRefused(_("Only the reviewer who holds this review can give it back; a supervisor can reassign it."))
    if step == DROP_REFUSED_SITES:
        return WorkflowRefused(_("There is no refused site to drop."))
    return WorkflowRefused(_("This is not possible at this stage of the review."))
