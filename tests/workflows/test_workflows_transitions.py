"""Table tests over every (state, action, role) triple of both state machines,
for every registered version of the process."""

from __future__ import annotations

import itertools

import pytest

from workflows import (
    DEFINITION_V1,
    DEFINITION_V2,
    DEFINITION_V3,
    ORGANISATION_ROLES,
    ApplicationState,
    ReviewState,
    Role,
    TransitionNotAllowed,
)

D = DEFINITION_V1
UNKNOWN_ACTION = "frobnicate"

REVIEW_TABLE = {
    ("pending", "claim"): ("in_review", {"reviewer", "supervisor"}),
    ("in_review", "release"): ("pending", {"reviewer", "supervisor"}),
    ("pending", "approve"): ("approved", {"reviewer", "supervisor"}),
    ("in_review", "approve"): ("approved", {"reviewer", "supervisor"}),
    ("pending", "approve_with_conditions"): ("approved_with_conditions", {"reviewer", "supervisor"}),
    ("in_review", "approve_with_conditions"): (
        "approved_with_conditions",
        {"reviewer", "supervisor"},
    ),
    ("pending", "reject"): ("rejected", {"reviewer", "supervisor"}),
    ("in_review", "reject"): ("rejected", {"reviewer", "supervisor"}),
    ("pending", "request_information"): ("info_requested", {"reviewer", "supervisor"}),
    ("in_review", "request_information"): ("info_requested", {"reviewer", "supervisor"}),
    ("info_requested", "provide_information"): ("in_review", {"producer"}),
    ("pending", "cancel"): ("cancelled", {"system"}),
    ("in_review", "cancel"): ("cancelled", {"system"}),
    ("info_requested", "cancel"): ("cancelled", {"system"}),
    ("info_requested", "lapse"): ("cancelled", {"system"}),
    ("approved", "reopen"): ("pending", {"system"}),
    ("approved_with_conditions", "reopen"): ("pending", {"system"}),
    ("rejected", "reopen"): ("pending", {"system"}),
    ("rejected", "drop"): ("cancelled", {"system"}),
}

DECIDERS = {"reviewer", "supervisor"}
APPLICATION_TABLE = {
    ("draft", "submit"): ("submitted", {"producer"}),
    ("submitted", "start_review"): ("in_review", {"system"}),
    ("submitted", "reject"): ("rejected", {"system"}),
    ("in_review", "open_final"): ("final_review", {"system"}),
    ("final_review", "return_to_parallel"): ("in_review", {"system"}),
    ("final_review", "approve"): ("approved", DECIDERS | {"system"}),
    ("final_review", "reject"): ("rejected", DECIDERS | {"system"}),
    ("draft", "withdraw"): ("withdrawn", {"producer"}),
    ("submitted", "withdraw"): ("withdrawn", {"producer"}),
    ("in_review", "withdraw"): ("withdrawn", {"producer"}),
    ("final_review", "withdraw"): ("withdrawn", {"producer"}),
    ("submitted", "lapse"): ("lapsed", {"system"}),
    ("in_review", "lapse"): ("lapsed", {"system"}),
    ("final_review", "lapse"): ("lapsed", {"system"}),
    ("approved", "revoke"): ("revoked", {"supervisor", "platform_admin"}),
    ("approved", "expire"): ("expired", {"system"}),
    ("approved", "amend"): ("approved", {"producer"}),
}
MINISTRY_ONLY = {("final_review", "approve"), ("final_review", "reject"), ("approved", "revoke")}

# Version 2 adds one review transition: the owner's standing consent approves as the review opens.
REVIEW_TABLE_V2 = {**REVIEW_TABLE, ("pending", "approve_by_consent"): ("approved", {"system"})}
# Version 3 adds the wait for the fee: approved with a balance due, the
# permit waits (awaiting_payment); paid, it is issued; unpaid, it lapses.
APPLICATION_TABLE_V3 = {
    **APPLICATION_TABLE,
    ("final_review", "await_payment"): ("awaiting_payment", DECIDERS | {"system"}),
    ("awaiting_payment", "settle"): ("approved", {"system"}),
    ("awaiting_payment", "lapse"): ("lapsed", {"system"}),
    ("awaiting_payment", "withdraw"): ("withdrawn", {"producer"}),
}
MINISTRY_ONLY_V3 = MINISTRY_ONLY | {("final_review", "await_payment")}
TABLES = {
    1: (DEFINITION_V1, REVIEW_TABLE, 19, APPLICATION_TABLE, MINISTRY_ONLY),
    2: (DEFINITION_V2, REVIEW_TABLE_V2, 20, APPLICATION_TABLE, MINISTRY_ONLY),
    3: (DEFINITION_V3, REVIEW_TABLE_V2, 20, APPLICATION_TABLE_V3, MINISTRY_ONLY_V3),
}

REVIEW_ACTIONS = sorted({a for _, a in REVIEW_TABLE_V2} | {UNKNOWN_ACTION})
APPLICATION_ACTIONS = sorted({a for _, a in APPLICATION_TABLE_V3} | {UNKNOWN_ACTION})
VERSIONS = sorted(TABLES)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_expected_tables_are_the_definition(version):
    defn, review_table, review_count, application_table, ministry_only = TABLES[version]
    review = {(t.source, t.action): (t.target, {r.value for r in t.roles}) for t in defn.review_transitions}
    app = {(t.source, t.action): (t.target, {r.value for r in t.roles}) for t in defn.application_transitions}
    assert review == review_table
    assert app == application_table
    assert len(defn.review_transitions) == review_count
    assert len(defn.application_transitions) == len(application_table)
    assert {(t.source, t.action) for t in defn.application_transitions if t.org_kinds} == ministry_only


# One test per version and state, every action and role inside it: the same
# checks as one test per triple, without thousands of items to collect.
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("state", list(ReviewState), ids=lambda v: v.value)
def test_review_table(state, version):
    D, review_table, _count, _app, _ministry = TABLES[version]
    for action, role in itertools.product(REVIEW_ACTIONS, list(Role)):
        case = f"v{version}: {state.value} -{action}-> as {role.value}"
        expected = review_table.get((state.value, action))
        for kind in D.review_kinds:
            if expected is not None and role.value in expected[1]:
                new = D.apply_review_action(kind.code, state, action, role)
                assert new == ReviewState(expected[0]), case
                assert isinstance(new, ReviewState), case
                assert action in D.allowed_review_actions(kind.code, state, role), case
            else:
                with pytest.raises(TransitionNotAllowed) as err:
                    D.apply_review_action(kind.code, state, action, role)
                assert action in str(err.value) and state.value in str(err.value), case
                assert action not in D.allowed_review_actions(kind.code, state, role), case


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("state", list(ApplicationState), ids=lambda v: v.value)
def test_application_table(state, version):
    D, _review, _count, application_table, _ministry = TABLES[version]
    for action, role in itertools.product(APPLICATION_ACTIONS, list(Role)):
        case = f"v{version}: {state.value} -{action}-> as {role.value}"
        expected = application_table.get((state.value, action))
        org_kind = "ministry" if role in ORGANISATION_ROLES else None
        if expected is not None and role.value in expected[1]:
            new = D.apply_application_action(state, action, role, org_kind=org_kind)
            assert new == ApplicationState(expected[0]), case
            assert action in D.allowed_application_actions(state, role, org_kind), case
        else:
            with pytest.raises(TransitionNotAllowed) as err:
                D.apply_application_action(state, action, role, org_kind=org_kind)
            assert action in str(err.value) and state.value in str(err.value), case
            assert action not in D.allowed_application_actions(state, role, org_kind), case


@pytest.mark.parametrize(("source", "action"), sorted(MINISTRY_ONLY))
@pytest.mark.parametrize("org_kind", ["site_owner", "tourism", None])
def test_ministry_only_transitions_refuse_other_organisations(source, action, org_kind):
    with pytest.raises(TransitionNotAllowed, match="only ministry organisations may"):
        D.apply_application_action(source, action, Role.SUPERVISOR, org_kind=org_kind)


def test_terminal_application_states_have_no_way_out():
    from workflows import TERMINAL_APPLICATION_STATES

    for t in D.application_transitions:
        assert ApplicationState(t.source) not in TERMINAL_APPLICATION_STATES


def test_messages_are_plain_english():
    with pytest.raises(TransitionNotAllowed) as err:
        D.apply_review_action("tourism", "pending", "approve", "producer")
    assert str(err.value) == (
        "The producer cannot 'approve' the tourism agency review that is 'pending'; only reviewer, supervisor may."
    )
    with pytest.raises(TransitionNotAllowed) as err:
        D.apply_application_action("rejected", "withdraw", "producer")
    assert "Nothing can be done from 'rejected'" in str(err.value)
    with pytest.raises(TransitionNotAllowed) as err:
        D.apply_application_action("approved", "withdraw", "producer")
    assert "revoke (platform_admin, supervisor)" in str(err.value)


def test_unknown_states_roles_and_kinds_are_refused():
    with pytest.raises(TransitionNotAllowed, match="Unknown review state"):
        D.apply_review_action("tourism", "limbo", "approve", "reviewer")
    with pytest.raises(TransitionNotAllowed, match="Unknown role"):
        D.apply_review_action("tourism", "pending", "approve", "janitor")
    with pytest.raises(TransitionNotAllowed, match="no review kind"):
        D.apply_review_action("police", "pending", "approve", "reviewer")
    with pytest.raises(TransitionNotAllowed, match="Unknown application state"):
        D.apply_application_action("limbo", "submit", "producer")


def test_string_values_are_accepted():
    assert D.apply_review_action("site_owner", "pending", "claim", "reviewer") == "in_review"
    assert D.apply_application_action("draft", "submit", "producer") == "submitted"
