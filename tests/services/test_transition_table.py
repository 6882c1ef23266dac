"""Every (state, action, role) through the services: what the definition
allows happens, everything else is refused with a clear error and changes
nothing."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import func, select

from permits.models import Application, Deadline, OutboxMessage, ReviewTask, WorkflowEvent
from permits.services import PermissionDenied, ServiceError, workflow
from permits.services.context import definition_of
from tests.services.scenario import MONDAY, build_world, open_reviews, submitted
from workflows import DEFINITION_V1, ApplicationState, ReviewState, Role

REVIEW_VERBS = ("claim", "release", "approve", "approve_with_conditions", "reject", "request_information", "provide_information")
REVIEW_ACTORS = ("producer", "reviewer", "supervisor", "other_organisation", "other_producer")
APPLICATION_VERBS = ("submit", "withdraw", "revoke")
APPLICATION_ACTORS = ("producer", "other_producer", "ministry_supervisor", "ministry_reviewer")


def _actor(world, name):
    return {
        "producer": world.producer,
        "reviewer": world.ministry_reviewer,
        "supervisor": world.ministry_supervisor,
        "other_organisation": world.tourism_reviewer,
        "other_producer": world.other_producer,
        "ministry_supervisor": world.ministry_supervisor,
        "ministry_reviewer": world.ministry_reviewer,
    }[name]


def _role(name):
    return {
        "producer": Role.PRODUCER,
        "reviewer": Role.REVIEWER,
        "supervisor": Role.SUPERVISOR,
        "ministry_supervisor": Role.SUPERVISOR,
        "ministry_reviewer": Role.REVIEWER,
    }.get(name)


def _snapshot(db, application_id):
    return (
        db.session.execute(select(Application.state, Application.version).where(Application.id == application_id)).one(),
        sorted(db.session.execute(select(ReviewTask.id, ReviewTask.state, ReviewTask.version)).all()),
        db.session.scalar(select(func.count(WorkflowEvent.id))),
        db.session.scalar(select(func.count(Deadline.id))),
        db.session.scalar(select(func.count(OutboxMessage.id))),
    )


def _put_review_in(review, state):
    review.state = state.value
    if state is ReviewState.INFO_REQUESTED:
        review.paused_at, review.due_at, review.remaining_business_seconds = MONDAY, None, 3600
    else:
        review.paused_at, review.remaining_business_seconds = None, None
        review.due_at = MONDAY + dt.timedelta(days=2)


def _call_review_verb(verb, review, actor):
    if verb == "claim":
        return workflow.claim(review, actor)
    if verb == "release":
        return workflow.release(review, actor)
    if verb == "provide_information":
        return workflow.provide_information(review, actor, "Here it is.", now=MONDAY)
    return workflow.decide(
        review, actor, verb, conditions=["A guide must be present"], reason="Because.", now=MONDAY
    )


def test_every_review_state_action_and_role(db):
    world = build_world()
    application = submitted(world)
    [screening] = open_reviews(application)
    screening_id = screening.id
    checked = allowed_count = 0
    for state, verb, actor_name in itertools.product(ReviewState, REVIEW_VERBS, REVIEW_ACTORS):
        review = db.session.get(ReviewTask, screening_id)
        _put_review_in(review, state)
        db.session.flush()
        before = _snapshot(db, application.id)
        role = _role(actor_name)
        in_organisation = actor_name in ("reviewer", "supervisor")
        is_company = actor_name == "producer"
        defined = role is not None and verb in DEFINITION_V1.allowed_review_actions("ministry_screening", state, role)
        allowed = defined and (in_organisation or (is_company and verb == "provide_information"))
        case = f"{state.value} --{verb}--> as {actor_name}"
        if allowed:
            _call_review_verb(verb, review, _actor(world, actor_name))
            db.session.flush()
            target = DEFINITION_V1.apply_review_action("ministry_screening", state, verb, role)
            assert db.session.get(ReviewTask, screening_id).state == target.value, case
            allowed_count += 1
        else:
            with pytest.raises(ServiceError) as refusal:
                _call_review_verb(verb, review, _actor(world, actor_name))
            assert refusal.value.message, case
            if not in_organisation and not is_company:
                assert isinstance(refusal.value, PermissionDenied), case
            assert _snapshot(db, application.id) == before, f"{case} changed something"
        db.session.rollback()
        checked += 1
    assert checked == len(ReviewState) * len(REVIEW_VERBS) * len(REVIEW_ACTORS) == 245
    assert allowed_count == 21  # 10 actions each for reviewer and supervisor + the producer's answer


def _call_application_verb(verb, application, actor):
    if verb == "submit":
        return workflow.submit(application, actor, now=MONDAY)
    if verb == "withdraw":
        return workflow.withdraw(application, actor, now=MONDAY)
    return workflow.revoke(application, actor, "Safety breach.", now=MONDAY)


def test_every_application_state_action_and_role(db):
    world = build_world()
    from tests.services.scenario import draft

    application = draft(world)
    application_id = application.id
    checked = allowed_count = 0
    for state, verb, actor_name in itertools.product(ApplicationState, APPLICATION_VERBS, APPLICATION_ACTORS):
        application = db.session.get(Application, application_id)
        application.state = state.value
        db.session.flush()
        before = _snapshot(db, application_id)
        role = _role(actor_name)
        org_kind = "ministry" if actor_name.startswith("ministry") else None
        defn = definition_of(application)  # the version the application is driven by
        defined = role is not None and verb in defn.allowed_application_actions(state, role, org_kind)
        allowed = defined and actor_name != "other_producer"
        case = f"{state.value} --{verb}--> as {actor_name}"
        if allowed:
            _call_application_verb(verb, application, _actor(world, actor_name))
            db.session.flush()
            expected = defn.apply_application_action(state, verb, role, org_kind).value
            # Submitting goes on by itself: the screening opens (state stays submitted).
            assert db.session.get(Application, application_id).state == expected, case
            allowed_count += 1
        else:
            with pytest.raises(ServiceError) as refusal:
                _call_application_verb(verb, application, _actor(world, actor_name))
            assert refusal.value.message, case
            assert _snapshot(db, application_id) == before, f"{case} changed something"
        db.session.rollback()
        checked += 1
    assert checked == len(ApplicationState) * len(APPLICATION_VERBS) * len(APPLICATION_ACTORS) == 132
    # submit from a draft; withdraw from a draft and the three review states; revoke (a draft is
    # driven by the version it was created on until it is filed).
    assert allowed_count == 6
