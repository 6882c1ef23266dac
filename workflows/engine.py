"""The stage logic and the join, as pure functions over plain values.

The services call :func:`next_step` under a row lock on the application (or
amendment record), perform the step it names, and call it again until it
returns :attr:`Step.NONE`.  Each step changes either the application state or
the set of reviews, so the loop ends, and a repeated call after a step has been
performed returns ``NONE`` (the join happens once).

What each step asks of the services:

=============================  =====================================  ============================
step                           application action (role system)       reviews
=============================  =====================================  ============================
OPEN_SCREENING                 -                                      open the screening review(s)
OPEN_PARALLEL                  ``start_review`` (submitted->in_review) open ``required_reviews``
OPEN_FINAL                     ``open_final`` (in_review->final)      open the final review(s)
MINISTRY_DECIDES_REJECTION     ``open_final``                         open final review(s) *flagged*
RETURN_TO_PARALLEL             ``return_to_parallel``                 cancel open final review(s)
REJECT                         ``reject``                             cancel open reviews
APPROVE                        ``approve``                            issue the permit / rider
=============================  =====================================  ============================

Cancelled reviews are ignored everywhere (a dropped site's review, a final
review superseded by a return to the parallel stage).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Sequence

from .definition import STANDARD, ProcessDefinition
from .routing import ApplicationFacts, RequiredReview, required_reviews
from .states import (
    APPROVING_REVIEW_STATES,
    OPEN_REVIEW_STATES,
    ApplicationState,
    ReviewState,
)

__all__ = [
    "ReviewSnapshot",
    "Step",
    "final_approval_blockers",
    "next_step",
    "reviews_for_step",
]


class Step(str, enum.Enum):
    NONE = "none"
    OPEN_SCREENING = "open_screening"
    OPEN_PARALLEL = "open_parallel"
    OPEN_FINAL = "open_final"
    MINISTRY_DECIDES_REJECTION = "ministry_decides_rejection"
    RETURN_TO_PARALLEL = "return_to_parallel"
    REJECT = "reject"
    APPROVE = "approve"

    def __str__(self) -> str:
        return self.value

    @property
    def application_action(self) -> str | None:
        """The application action the services apply (role system), if any."""
        return _STEP_ACTIONS[self]

    @property
    def flags_final_review(self) -> bool:
        return self is Step.MINISTRY_DECIDES_REJECTION


_STEP_ACTIONS: dict[Step, str | None] = {
    Step.NONE: None,
    Step.OPEN_SCREENING: None,
    Step.OPEN_PARALLEL: "start_review",
    Step.OPEN_FINAL: "open_final",
    Step.MINISTRY_DECIDES_REJECTION: "open_final",
    Step.RETURN_TO_PARALLEL: "return_to_parallel",
    Step.REJECT: "reject",
    Step.APPROVE: "approve",
}


@dataclasses.dataclass(frozen=True)
class ReviewSnapshot:
    kind_code: str
    state: ReviewState
    owner_org_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", ReviewState(self.state))


def _by_stage(defn: ProcessDefinition, reviews: Iterable[ReviewSnapshot]) -> dict[str, list[ReviewState]]:
    stages: dict[str, list[ReviewState]] = {"screening": [], "parallel": [], "final": []}
    for r in reviews:
        state = ReviewState(r.state)
        if state is ReviewState.CANCELLED:
            continue
        stages[defn.stage_of(r.kind_code)].append(state)
    return stages


def final_approval_blockers(defn: ProcessDefinition, reviews: Sequence[ReviewSnapshot]) -> list[ReviewSnapshot]:
    """Parallel reviews that forbid approving the final review: open or rejected.

    The ministry cannot approve over a site owner's refusal; it rejects, or
    asks the producer to drop or replace the site (the services then ``drop``
    or ``reopen`` that review).  Services must check this before approving a
    final review; :func:`next_step` never returns APPROVE while it is not empty.
    """
    return sorted(
        (
            r
            for r in reviews
            if defn.stage_of(r.kind_code) == "parallel"
            and (r.state in OPEN_REVIEW_STATES or r.state is ReviewState.REJECTED)
        ),
        key=lambda r: (r.kind_code, r.owner_org_id or "", r.state.value),
    )


def next_step(
    defn: ProcessDefinition,
    application_state: ApplicationState | str,
    reviews: Sequence[ReviewSnapshot],
    route: str = STANDARD,
) -> Step:
    """What the services must do now.  Deterministic, order-independent, idempotent.

    On a route without screening (the fast track) a submitted application
    goes straight to its parallel reviews.
    """
    state = ApplicationState(application_state)
    stages = _by_stage(defn, reviews)
    screening, parallel, final = stages["screening"], stages["parallel"], stages["final"]

    if state is ApplicationState.SUBMITTED:
        if not defn.kinds_in_stage("screening", route):
            return Step.OPEN_PARALLEL
        if not screening:
            return Step.OPEN_SCREENING
        if ReviewState.REJECTED in screening:
            return Step.REJECT
        if all(s in APPROVING_REVIEW_STATES for s in screening):
            return Step.OPEN_PARALLEL
        return Step.NONE

    if state is ApplicationState.IN_REVIEW:
        if any(s in OPEN_REVIEW_STATES for s in parallel):
            return Step.NONE
        if ReviewState.REJECTED in parallel:
            return Step.MINISTRY_DECIDES_REJECTION
        return Step.OPEN_FINAL

    if state is ApplicationState.FINAL_REVIEW:
        if any(s in OPEN_REVIEW_STATES for s in parallel):
            return Step.RETURN_TO_PARALLEL
        if ReviewState.REJECTED in final:
            return Step.REJECT
        if final and all(s in APPROVING_REVIEW_STATES for s in final) and ReviewState.REJECTED not in parallel:
            return Step.APPROVE
        return Step.NONE

    # draft, approved (amendments run on their own record) and terminal states
    return Step.NONE


def reviews_for_step(
    defn: ProcessDefinition, step: Step, facts: ApplicationFacts, route: str = STANDARD
) -> list[RequiredReview]:
    """The reviews the services must open for ``step`` on a route (empty for the others)."""
    if step is Step.OPEN_SCREENING:
        return _whole_stage(defn, "screening", route)
    if step is Step.OPEN_PARALLEL:
        return required_reviews(defn, facts, stages=("parallel",), route=route)
    if step in (Step.OPEN_FINAL, Step.MINISTRY_DECIDES_REJECTION):
        return _whole_stage(defn, "final", route)
    return []


def _whole_stage(defn: ProcessDefinition, stage: str, route: str) -> list[RequiredReview]:
    # screening and final reviews are always there (the definition validates
    # that their routing rules say "always")
    return [RequiredReview(k.code, k.org_kind, None) for k in defn.kinds_in_stage(stage, route)]
