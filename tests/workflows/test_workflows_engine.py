"""The join and the stage logic: examples, properties and a stateful machine."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from workflows import (
    APPROVING_REVIEW_STATES,
    DEFINITION_V1,
    DEFINITION_V2,
    FAST_TRACK,
    OPEN_REVIEW_STATES,
    STANDARD,
    TERMINAL_APPLICATION_STATES,
    ApplicationFacts,
    ApplicationState,
    BookingFacts,
    ReviewSnapshot,
    ReviewState,
    Role,
    SiteConsent,
    Step,
    TransitionNotAllowed,
    final_approval_blockers,
    next_step,
    reviews_for_step,
)

D = DEFINITION_V1
A, R = ApplicationState, ReviewState

FACTS = ApplicationFacts(
    "feature",
    "FR",
    bookings=(
        BookingFacts("icherisheher", "ORG-ICH", heritage=True),
        BookingFacts("gobustan", "ORG-GOB", heritage=True),
        BookingFacts("yanar-dag", "ORG-ICH"),
    ),
)


def snap(kind, state, owner=None):
    return ReviewSnapshot(kind, R(state), owner)


# Version 2: the agencies on one application, and a simple shoot on the fast track.
FACTS_AGENCIES = ApplicationFacts(
    "feature",
    "FR",
    bookings=(
        BookingFacts("icherisheher", "ORG-ICH", heritage=True, activities={"drone", "road_closure", "pyrotechnics"}),
        BookingFacts("gobustan", "ORG-GOB", heritage=True, activities={"drone", "road_closure", "pyrotechnics"}),
    ),
)
FACTS_SIMPLE = ApplicationFacts(
    "commercial", "AZ", bookings=(BookingFacts("white-city", "ORG-CITY", crew=8, consent=SiteConsent(rules_version=1, max_crew=15)),)
)


def perform(state: ApplicationState, reviews: list[ReviewSnapshot], step: Step, D=D, facts=FACTS, route=STANDARD):
    """What the services do for a step (the reference used by the tests)."""
    action = step.application_action
    if action is not None:
        state = D.apply_application_action(state, action, Role.SYSTEM)
    if step is Step.RETURN_TO_PARALLEL:
        reviews = [
            snap(r.kind_code, R.CANCELLED, r.owner_org_id)
            if D.stage_of(r.kind_code) == "final" and r.state in OPEN_REVIEW_STATES
            else r
            for r in reviews
        ]
    if step is Step.REJECT:
        reviews = [
            snap(r.kind_code, R.CANCELLED, r.owner_org_id) if r.state in OPEN_REVIEW_STATES else r for r in reviews
        ]
    for req in reviews_for_step(D, step, facts, route):
        # On the fast track the owners' standing consent approves their reviews as they open.
        approved_at_once = route == FAST_TRACK and D.review_kind(req.kind_code).approved_by_standing_consent
        reviews = [*reviews, snap(req.kind_code, R.APPROVED if approved_at_once else R.PENDING, req.owner_org_id)]
    return state, reviews


def settle(state, reviews, limit=10, D=D, facts=FACTS, route=STANDARD):
    steps = []
    for _ in range(limit):
        step = next_step(D, state, reviews, route)
        if step is Step.NONE:
            return state, reviews, steps
        steps.append(step)
        state, reviews = perform(state, reviews, step, D, facts, route)
    raise AssertionError(f"next_step did not settle: {steps}")


def decide(reviews, kind, new_state, owner=None):
    return [
        snap(kind, new_state, owner)
        if (r.kind_code, r.owner_org_id) == (kind, owner) and r.state is not R.CANCELLED
        else r
        for r in reviews
    ]


# -- examples -----------------------------------------------------------------------


def test_happy_path():
    state, reviews, steps = settle(A.SUBMITTED, [])
    assert steps == [Step.OPEN_SCREENING] and reviews == [snap("ministry_screening", "pending")]
    reviews = decide(reviews, "ministry_screening", R.APPROVED)
    state, reviews, steps = settle(state, reviews)
    assert steps == [Step.OPEN_PARALLEL] and state is A.IN_REVIEW
    assert {(r.kind_code, r.owner_org_id) for r in reviews[1:]} == {
        ("site_owner", "ORG-GOB"),
        ("site_owner", "ORG-ICH"),
        ("tourism", None),
    }
    reviews = decide(reviews, "site_owner", R.APPROVED, "ORG-GOB")
    reviews = decide(reviews, "tourism", R.APPROVED_WITH_CONDITIONS)
    assert next_step(D, state, reviews) is Step.NONE  # ORG-ICH still open
    reviews = decide(reviews, "site_owner", R.APPROVED, "ORG-ICH")
    state, reviews, steps = settle(state, reviews)
    assert steps == [Step.OPEN_FINAL] and state is A.FINAL_REVIEW
    # idempotent: the join happened, asking again changes nothing
    assert next_step(D, state, reviews) is Step.NONE
    assert next_step(D, state, reviews) is Step.NONE
    reviews = decide(reviews, "ministry_final", R.APPROVED)
    state, reviews, steps = settle(state, reviews)
    assert steps == [Step.APPROVE] and state is A.APPROVED
    assert next_step(D, state, reviews) is Step.NONE


def test_screening_rejection_rejects():
    reviews = [snap("ministry_screening", "rejected")]
    assert next_step(D, A.SUBMITTED, reviews) is Step.REJECT
    assert settle(A.SUBMITTED, reviews)[0] is A.REJECTED


def _in_parallel():
    reviews = [
        snap("ministry_screening", "approved"),
        snap("site_owner", "pending", "ORG-GOB"),
        snap("site_owner", "pending", "ORG-ICH"),
        snap("tourism", "pending"),
    ]
    return A.IN_REVIEW, reviews


def test_site_owner_rejection_goes_to_the_ministry_then_the_site_is_dropped():
    state, reviews = _in_parallel()
    reviews = decide(reviews, "site_owner", R.REJECTED, "ORG-GOB")
    assert next_step(D, state, reviews) is Step.NONE  # others still open
    reviews = decide(reviews, "site_owner", R.APPROVED, "ORG-ICH")
    reviews = decide(reviews, "tourism", R.APPROVED)
    assert next_step(D, state, reviews) is Step.MINISTRY_DECIDES_REJECTION
    assert Step.MINISTRY_DECIDES_REJECTION.flags_final_review
    state, reviews, _ = settle(state, reviews)
    assert state is A.FINAL_REVIEW
    assert [b.owner_org_id for b in final_approval_blockers(D, reviews)] == ["ORG-GOB"]
    # the final review approving over a refusal never approves the application
    approved_final = decide(reviews, "ministry_final", R.APPROVED)
    assert next_step(D, state, approved_final) is Step.NONE
    # the producer drops Gobustan: that review is dropped, the ministry approves
    reviews = decide(reviews, "site_owner", R.CANCELLED, "ORG-GOB")
    assert final_approval_blockers(D, reviews) == []
    reviews = decide(reviews, "ministry_final", R.APPROVED)
    assert next_step(D, state, reviews) is Step.APPROVE


def test_site_replaced_returns_to_the_parallel_stage():
    state, reviews = _in_parallel()
    reviews = decide(reviews, "site_owner", R.REJECTED, "ORG-GOB")
    reviews = decide(reviews, "site_owner", R.APPROVED, "ORG-ICH")
    reviews = decide(reviews, "tourism", R.APPROVED)
    state, reviews, _ = settle(state, reviews)
    reviews = decide(reviews, "ministry_final", R.INFO_REQUESTED)
    # replaced by another site of the same owner: the refusal is re-opened
    reviews = decide(reviews, "site_owner", R.PENDING, "ORG-GOB")
    assert next_step(D, state, reviews) is Step.RETURN_TO_PARALLEL
    state, reviews, steps = settle(state, reviews)
    assert steps == [Step.RETURN_TO_PARALLEL] and state is A.IN_REVIEW
    assert snap("ministry_final", "cancelled") in reviews
    reviews = decide(reviews, "site_owner", R.APPROVED, "ORG-GOB")
    state, reviews, steps = settle(state, reviews)
    assert steps == [Step.OPEN_FINAL] and state is A.FINAL_REVIEW
    reviews = decide(reviews, "ministry_final", R.APPROVED)
    assert settle(state, reviews)[0] is A.APPROVED


def test_no_parallel_reviews_goes_straight_to_final():
    assert next_step(D, A.IN_REVIEW, [snap("ministry_screening", "approved")]) is Step.OPEN_FINAL


def test_final_rejection_rejects():
    reviews = [snap("site_owner", "approved", "X"), snap("ministry_final", "rejected")]
    assert next_step(D, A.FINAL_REVIEW, reviews) is Step.REJECT


def test_amendment_record_runs_the_same_process():
    # an amendment record starts in_review with the touched parallel reviews
    reviews = [snap("site_owner", "pending", "ORG-ICH")]
    assert next_step(D, A.IN_REVIEW, reviews) is Step.NONE
    reviews = decide(reviews, "site_owner", R.APPROVED, "ORG-ICH")
    state, reviews, steps = settle(A.IN_REVIEW, reviews)
    assert steps == [Step.OPEN_FINAL]
    reviews = decide(reviews, "ministry_final", R.APPROVED)
    assert settle(state, reviews)[0] is A.APPROVED
    assert D.apply_application_action(A.APPROVED, "amend", Role.PRODUCER) is A.APPROVED


# -- properties -----------------------------------------------------------------------

KINDS = [k.code for k in D.review_kinds]
review_snapshots = st.builds(
    ReviewSnapshot,
    kind_code=st.sampled_from(KINDS),
    state=st.sampled_from(list(ReviewState)),
    owner_org_id=st.sampled_from([None, "ORG-A", "ORG-B"]),
)
review_lists = st.lists(review_snapshots, max_size=8)
app_states = st.sampled_from(list(ApplicationState))


def active(reviews, stage, D=D):
    return [r for r in reviews if r.state is not R.CANCELLED and D.stage_of(r.kind_code) == stage]


@given(app_states, review_lists, st.randoms())
def test_next_step_is_deterministic_and_order_independent(state, reviews, rnd):
    shuffled = list(reviews)
    rnd.shuffle(shuffled)
    assert next_step(D, state, reviews) is next_step(D, state, shuffled)
    assert next_step(D, state.value, reviews) is next_step(D, state, reviews)


@given(app_states, review_lists)
def test_join_properties(state, reviews):
    step = next_step(D, state, reviews)
    parallel = active(reviews, "parallel")
    final = active(reviews, "final")
    if step is Step.OPEN_FINAL:
        assert state is A.IN_REVIEW
        assert all(r.state in APPROVING_REVIEW_STATES for r in parallel)
    if step is Step.MINISTRY_DECIDES_REJECTION:
        assert state is A.IN_REVIEW
        assert not any(r.state in OPEN_REVIEW_STATES for r in parallel)
        assert any(r.state is R.REJECTED for r in parallel)
    # OPEN_FINAL and MINISTRY_DECIDES_REJECTION need contradictory facts
    all_approved = all(r.state in APPROVING_REVIEW_STATES for r in parallel)
    some_rejected = any(r.state is R.REJECTED for r in parallel)
    assert not (all_approved and some_rejected)
    if step is Step.APPROVE:
        assert state is A.FINAL_REVIEW
        assert final and all(r.state in APPROVING_REVIEW_STATES for r in final)
        assert final_approval_blockers(D, reviews) == []
    if step is Step.OPEN_PARALLEL:
        assert state is A.SUBMITTED
        screening = active(reviews, "screening")
        assert screening and all(r.state in APPROVING_REVIEW_STATES for r in screening)
    if state in TERMINAL_APPLICATION_STATES or state in (A.DRAFT, A.APPROVED):
        assert step is Step.NONE


@given(app_states, review_lists)
def test_steps_are_always_performable_and_settle(state, reviews):
    # every step's application action is allowed from the state it is asked in,
    # and performing the steps reaches NONE: after that, asking again is NONE.
    state, reviews, steps = settle(state, reviews)
    assert len(steps) <= 4
    assert next_step(D, state, reviews) is Step.NONE


# -- a stateful machine driving the pure definition -------------------------------------

ALL_REVIEW_ACTIONS = sorted({t.action for t in (*DEFINITION_V1.review_transitions, *DEFINITION_V2.review_transitions)})
ALL_APP_ACTIONS = sorted({t.action for t in DEFINITION_V2.application_transitions})
ORG_KINDS = [None, "ministry", "site_owner", "tourism", "police", "aviation", "emergency"]


class ProcessMachine(RuleBasedStateMachine):
    """Version 1's process; the subclasses below drive version 2 (the agencies, the fast track)."""

    D = DEFINITION_V1
    facts = FACTS
    route = STANDARD

    def __init__(self):
        super().__init__()
        self.state = A.DRAFT
        self.reviews: list[ReviewSnapshot] = []
        self.terminal_seen: ApplicationState | None = None
        self.history: list[Step] = []
        submitted = self.D.apply_application_action(A.DRAFT, "submit", Role.PRODUCER)
        self.state, self.reviews, _ = settle(submitted, [], D=self.D, facts=self.facts, route=self.route)

    def _settle(self):
        self.state, self.reviews, steps = settle(self.state, self.reviews, D=self.D, facts=self.facts, route=self.route)
        self.history.extend(steps)
        if self.state in TERMINAL_APPLICATION_STATES:
            # the services cancel what is still open when an application ends
            self.reviews = [
                snap(r.kind_code, R.CANCELLED, r.owner_org_id) if r.state in OPEN_REVIEW_STATES else r
                for r in self.reviews
            ]

    @rule(
        index=st.integers(min_value=0, max_value=20),
        action=st.sampled_from(ALL_REVIEW_ACTIONS),
        # People only: the system's review actions (reopen, cancel, drop, lapse)
        # are the engine's and the services', which take them in their own
        # circumstances (_settle here, the services' stateful test there). A
        # random "system reopens then cancels the screening" is no real path.
        role=st.sampled_from([r for r in Role if r is not Role.SYSTEM]),
    )
    def review_action(self, index, action, role):
        if not self.reviews or self.state not in (A.SUBMITTED, A.IN_REVIEW, A.FINAL_REVIEW):
            return
        i = index % len(self.reviews)
        r = self.reviews[i]
        try:
            new = self.D.apply_review_action(r.kind_code, r.state, action, role)
        except TransitionNotAllowed:
            assert action not in self.D.allowed_review_actions(r.kind_code, r.state, role)
            return
        assert action in self.D.allowed_review_actions(r.kind_code, r.state, role)
        self.reviews[i] = snap(r.kind_code, new, r.owner_org_id)
        self._settle()

    @rule(
        action=st.sampled_from(ALL_APP_ACTIONS),
        # People only, as for the reviews: the system's application actions
        # (return_to_parallel, open_final...) are the engine's own steps; a
        # random "system returns a settled final review to the parallel
        # stage" opens a second final review that no real path makes.
        role=st.sampled_from([r for r in Role if r is not Role.SYSTEM]),
        org_kind=st.sampled_from(ORG_KINDS),
    )
    def application_action(self, action, role, org_kind):
        before = self.state
        try:
            self.state = self.D.apply_application_action(self.state, action, role, org_kind)
        except TransitionNotAllowed:
            return
        if before in TERMINAL_APPLICATION_STATES:
            raise AssertionError(f"terminal {before} changed by {action}")
        self._settle()

    @precondition(
        lambda self: (
            self.state in (A.SUBMITTED, A.IN_REVIEW, A.FINAL_REVIEW)
            and any(r.state in OPEN_REVIEW_STATES for r in self.reviews)
        )
    )
    @rule(data=st.data())
    def someone_moves_an_open_review(self, data):
        # a directed rule so the machine gets deep into the process
        open_ = [i for i, r in enumerate(self.reviews) if r.state in OPEN_REVIEW_STATES]
        i = data.draw(st.sampled_from(open_))
        r = self.reviews[i]
        role = (
            Role.PRODUCER
            if r.state is R.INFO_REQUESTED
            else data.draw(st.sampled_from([Role.REVIEWER, Role.SUPERVISOR]))
        )
        allowed = self.D.allowed_review_actions(r.kind_code, r.state, role)
        if not allowed:
            return
        action = data.draw(st.sampled_from(allowed))
        self.reviews[i] = snap(r.kind_code, self.D.apply_review_action(r.kind_code, r.state, action, role), r.owner_org_id)
        self._settle()

    @precondition(lambda self: self.state is A.FINAL_REVIEW)
    @rule()
    def ministry_decides_on_the_final_review(self):
        for i, r in enumerate(self.reviews):
            if self.D.stage_of(r.kind_code) == "final" and r.state in (R.PENDING, R.IN_REVIEW):
                blocked = bool(final_approval_blockers(self.D, self.reviews))
                action = "reject" if blocked else "approve"
                new = self.D.apply_review_action(r.kind_code, r.state, action, Role.SUPERVISOR)
                self.reviews[i] = snap(r.kind_code, new, r.owner_org_id)
                self._settle()
                assert self.state is (A.REJECTED if blocked else A.APPROVED)
                return

    @invariant()
    def only_named_states(self):
        assert isinstance(self.state, ApplicationState)
        for r in self.reviews:
            assert isinstance(r.state, ReviewState)
            self.D.review_kind(r.kind_code)

    @invariant()
    def terminal_states_never_change(self):
        if self.terminal_seen is not None:
            assert self.state is self.terminal_seen
        elif self.state in TERMINAL_APPLICATION_STATES:
            self.terminal_seen = self.state

    @invariant()
    def settled(self):
        assert next_step(self.D, self.state, self.reviews, self.route) is Step.NONE

    @invariant()
    def stage_consistency(self):
        if self.state in (A.SUBMITTED, A.IN_REVIEW, A.FINAL_REVIEW) and self.D.kinds_in_stage("screening", self.route):
            assert active(self.reviews, "screening", self.D), "a submitted application has a screening"
        if self.state is A.FINAL_REVIEW:
            assert not any(r.state in OPEN_REVIEW_STATES for r in active(self.reviews, "parallel", self.D))
        if self.state is A.IN_REVIEW:
            assert not any(r.state in OPEN_REVIEW_STATES for r in active(self.reviews, "final", self.D))

    @invariant()
    def engine_never_approves_over_a_refusal(self):
        if self.history and self.history[-1] is Step.APPROVE:
            assert final_approval_blockers(self.D, self.reviews) == []


class AgenciesMachine(ProcessMachine):
    """Version 2: the police, civil aviation and emergency services beside the owners and tourism."""

    D = DEFINITION_V2
    facts = FACTS_AGENCIES


class FastTrackMachine(ProcessMachine):
    """Version 2's fast track: no screening, the owner's consent at once, one commission decision."""

    D = DEFINITION_V2
    facts = FACTS_SIMPLE
    route = FAST_TRACK


ProcessMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
TestProcessMachine = ProcessMachine.TestCase
AgenciesMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
TestAgenciesMachine = AgenciesMachine.TestCase
FastTrackMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=30, deadline=None)
TestFastTrackMachine = FastTrackMachine.TestCase
