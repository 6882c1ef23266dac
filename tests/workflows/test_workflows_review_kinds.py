"""A review kind carries everything the services need: who holds it, its
stage and SLA, whether a refusal can be cured by changing sites, the
documents it needs and the key of its name."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from workflows import (
    DEFINITION_V1,
    ApplicationFacts,
    BookingFacts,
    DocumentNeed,
    Handler,
    RequiredReview,
    ReviewKind,
    RoutingRule,
    documents_needed,
    register_predicate,
    required_reviews,
)

D = DEFINITION_V1


def booking(loc, org, **kw) -> BookingFacts:
    kw.setdefault("start_date", date(2027, 5, 3))
    kw.setdefault("end_date", date(2027, 5, 4))
    return BookingFacts(location_id=loc, owner_org_id=org, **kw)


def facts(*bookings, country="AZ") -> ApplicationFacts:
    return ApplicationFacts("feature", country, bookings=tuple(bookings))


def test_version_one_kinds():
    screening, owner, tourism, final = D.review_kinds
    assert [k.stage for k in D.review_kinds] == ["screening", "parallel", "parallel", "final"]
    assert owner.handler is Handler.SITE_OWNERS and owner.cured_by_site_change
    assert all(k.handler is Handler.ORGANISATION and not k.cured_by_site_change for k in (screening, tourism, final))
    assert [k.label_key for k in D.review_kinds] == [k.code for k in D.review_kinds]
    assert D.commission_org_kind == screening.org_kind == final.org_kind
    assert D.commission_kinds("screening", "final") == (screening, final)
    assert D.site_owner_org_kinds == {owner.org_kind}
    assert D.stage_sla_business_days("screening") == screening.sla_business_days
    assert D.scope_of(owner.code, 7) == 7 and D.scope_of(tourism.code, 7) is None


def test_a_refusal_only_a_site_owner_review_can_cure_is_refused_elsewhere():
    with pytest.raises(ValueError, match="cured by a site change"):
        ReviewKind("tourism", "tourism", "tourism agency", 5, "parallel", cured_by_site_change=True)
    with pytest.raises(ValueError, match="cured by a site change"):
        ReviewKind("owner_final", "site_owner", "owner", 5, "final", handler=Handler.SITE_OWNERS,
                   cured_by_site_change=True)


def test_the_screening_needs_insurance_and_a_drone_licence_for_a_drone():
    plain = facts(booking("L1", "ORG-A"))
    assert [need.document_kind for _kind, need in documents_needed(D, plain)] == ["insurance"]
    flying = facts(booking("L1", "ORG-A", activities={"drone"}))
    assert [(kind.code, need.document_kind) for kind, need in documents_needed(D, flying)] == [
        ("ministry_screening", "insurance"),
        ("ministry_screening", "drone_licence"),
    ]
    # A draft may declare a drone before it books a site.
    assert [n.document_kind for _k, n in documents_needed(D, facts(), activities={"drone"})] == [
        "insurance",
        "drone_licence",
    ]


def test_a_new_kind_brings_its_documents_and_holders_as_data():
    register_predicate("has_restricted_site", lambda f: any(b.restricted for b in f.bookings))
    security = ReviewKind(
        "security", "site_owner", "site security", 3, "parallel", handler=Handler.SITE_OWNERS,
        documents=(DocumentNeed("site_plan"),),
    )
    v9 = dataclasses.replace(
        D,
        version=9,
        review_kinds=(*D.review_kinds, security),
        routing_rules=(*D.routing_rules, RoutingRule("security", "has_restricted_site")),
    )
    application = facts(booking("L1", "ORG-A", restricted=True), booking("L2", "ORG-B"))
    # one review per owner whose own bookings satisfy the rule
    assert RequiredReview("security", "site_owner", "ORG-A") in required_reviews(v9, application)
    assert RequiredReview("security", "site_owner", "ORG-B") not in required_reviews(v9, application)
    assert ("security", "site_plan") in [(k.code, n.document_kind) for k, n in documents_needed(v9, application)]
    assert "site_plan" not in [n.document_kind for _k, n in documents_needed(v9, facts(booking("L2", "ORG-B")))]


def test_an_unknown_activity_in_a_document_need_is_refused():
    with pytest.raises(ValueError, match="unknown activity"):
        DocumentNeed("licence", activity="karaoke")
