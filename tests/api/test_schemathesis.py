"""schemathesis against the API's own OpenAPI document, in-process (WSGI).

The document is read from the app (``/api/v1/openapi.json``), so every
operation it lists is called - the ones added after this file too - in a
small seeded world (sites, a producer with a draft and a submitted
application, a reviewer with open reviews, an issued permit), with the
producer's token, the reviewer's token (both read and write) and without
one. Every response must be no server error and agree with the document:
its status, its media type, its body's schema and its headers.

Bounded and the same on every run: Hypothesis derandomized with a fixed
number of examples per operation and caller, no deadline, no example
database; the suite's moment, not ticking; the API's rate limits raised for the run
(they are tested elsewhere). Each operation runs with generated path values,
then with the seeded objects' (so that the answers of real rows are checked
too), writes once with a generated If-Match and once with ``*``. Failures
are collected over the whole run and reported together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from permits.extensions import db
from permits.models import Permit
from tests.api.conftest import make_token
from tests.services.scenario import approve_all, build_world, draft, open_reviews, submitted

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
# Examples per operation, caller and pass (generated values, then the seeded objects'); a deeper
# run by hand: SCHEMATHESIS_EXAMPLES=200 pytest tests/api/test_schemathesis.py -s
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
HIGH_LIMITS = {"API_RATE_LIMIT": "1000000 per hour", "API_ANONYMOUS_RATE_LIMIT": "1000000 per hour",
               "VERIFY_RATE_LIMIT": "1000000 per hour", "OPEN_DATA_RATE_LIMIT": "1000000 per hour"}


@dataclasses.dataclass
class Seeded:
    tokens: dict[str, str | None]
    # Path values of real rows, by parameter name.
    values: dict[str, object]
    # Query values that name real rows or make a valid request (a quote, a verification), by name.
    queries: dict[str, object]


def _seed(app) -> Seeded:
    with app.app_context():
        world = build_world()
        the_draft = draft(world, sites=[world.site_a], start=dt.date(2027, 8, 2))
        # Submitted and screened: the owner of site A and tourism review it.
        in_review = submitted(world, sites=[world.site_a], start=dt.date(2027, 6, 7))
        approve_all(world, in_review, "ministry_screening")
        [owner_review] = open_reviews(in_review, "site_owner")
        # Issued: every review approved, the fee paid.
        issued = submitted(world, sites=[world.site_b], start=dt.date(2027, 7, 5))
        approve_all(world, issued, "ministry_screening")
        for kind in ("site_owner", "tourism"):
            approve_all(world, issued, kind)
        approve_all(world, issued, "ministry_final")
        permit = db.session.query(Permit).filter_by(application_id=issued.id).one()
        tokens = {
            "producer": make_token(world.producer, scopes=("read", "write"), name="schemathesis"),
            "reviewer": make_token(world.owner_a_reviewer, scopes=("read", "write"), name="schemathesis"),
            "anonymous": None,
        }
        values = {
            "application_id": the_draft.id,
            "review_id": owner_review.id,
            "booking_id": the_draft.bookings[0].id,
            "slug": world.site_a.slug,
            "token": permit.verification_token,
            "number": permit.number,
        }
        queries = {
            "sites": [world.site_a.slug],
            "start_date": "2027-08-02",
            "end_date": "2027-08-04",
            "crew": 5,
            "number": permit.number,
            "code": permit.short_code,
        }
        db.session.commit()
        db.session.remove()
    return Seeded(tokens=tokens, values=values, queries=queries)


@pytest.fixture
def high_limits(app):
    saved = {name: app.config.get(name) for name in HIGH_LIMITS}
    app.config.update(HIGH_LIMITS)
    yield
    app.config.update(saved)


@dataclasses.dataclass
class Run:
    cases: Counter = dataclasses.field(default_factory=Counter)
    statuses: Counter = dataclasses.field(default_factory=Counter)
    # Statuses by operation ("GET /api/v1/…"), whoever called.
    answers: dict[str, Counter] = dataclasses.field(default_factory=dict)
    failures: dict[str, str] = dataclasses.field(default_factory=dict)

    def record(self, label: str, message: str) -> None:
        self.failures.setdefault(f"{label}: {message.splitlines()[0][:160]}", message[:2000])


def _exercise(operation, who: str, token: str | None, run: Run, *, path_parameters=None, query=None, if_match=None,
              mode=GenerationMode.POSITIVE) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if if_match is not None:
        headers["If-Match"] = if_match
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None, query=query or None)
    label = f"{operation.method.upper()} {operation.path} as {who}" + (" (negative)" if mode == GenerationMode.NEGATIVE else "")

    @given(case=strategy)
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None, print_blob=False,
              phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
    def call(case):
        run.cases[label] += 1
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
        except FailureGroup as failures:
            for failure in failures.exceptions:
                run.record(label, f"{failure.title}\n{failure.message}\n{case.as_curl_command(headers=headers)}")
            return
        except Exception as error:  # the app's exception reached the client
            run.record(label, f"{type(error).__name__}: {error}\n{case.as_curl_command(headers=headers)}")
            return
        run.statuses[response.status_code] += 1
        run.answers.setdefault(operation.label, Counter())[response.status_code] += 1

    try:
        call()
    except Unsatisfiable:
        # Nothing of the operation can be made invalid (no parameters, no body).
        assert mode == GenerationMode.NEGATIVE, label


def test_every_operation_of_the_document_agrees_with_its_answers(app, high_limits, still):
    seeded = _seed(app)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=lambda op: (op.path, op.method))
    # Every operation of the document (schemathesis leaves out the document's own).
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert {(op.method.upper(), op.path) for op in operations} == documented - {("GET", "/api/v1/openapi.json")}
    assert len(operations) >= 17
    run = Run()
    for operation in operations:
        names = {parameter.name for parameter in operation.path_parameters}
        pinned = {name: value for name, value in seeded.values.items() if name in names}
        query_names = {parameter.name for parameter in operation.query}
        query = {name: value for name, value in seeded.queries.items() if name in query_names}
        writes = operation.method.upper() in WRITE_METHODS
        for who, token in seeded.tokens.items():
            _exercise(operation, who, token, run)
            _exercise(operation, who, token, run, mode=GenerationMode.NEGATIVE)
            if pinned or query:
                _exercise(operation, who, token, run, path_parameters=pinned, query=query)
            if writes:
                _exercise(operation, who, token, run, path_parameters=pinned, query=query, if_match="*")
    total = sum(run.cases.values())
    print(f"\nschemathesis: {len(operations)} operations, {total} cases, statuses {dict(sorted(run.statuses.items()))}")
    for label, answers in sorted(run.answers.items()):
        print(f"  {label}: {dict(sorted(answers.items()))}")
    assert not run.failures, f"{len(run.failures)} failures:\n\n" + "\n\n".join(run.failures.values())
    assert run.statuses[200] > 0 and run.statuses[201] > 0  # the seeded rows were reached, not only refusals


# Scenarios per caller, and calls per scenario, of the stateful run.
STATEFUL_SCENARIOS = int(os.environ.get("SCHEMATHESIS_SCENARIOS", "15"))
STATEFUL_STEPS = 6


def _machine(schema, who: str, token: str, run: Run):
    """schemathesis' state machine over the document's links (a queue's first
    review, then take it, decide, give it back... with the ETag as If-Match),
    calling with ``token`` and collecting failures into ``run``."""
    headers = {"Authorization": f"Bearer {token}"}

    class Machine(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            label = f"{case.operation.label} as {who} (links)"
            run.cases[label] += 1
            run.statuses[response.status_code] += 1
            run.answers.setdefault(label, Counter())[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers, transport_kwargs=kwargs)
            except FailureGroup as failures:
                for failure in failures.exceptions:
                    run.record(label, f"{failure.title}\n{failure.message}\n{case.as_curl_command(headers=headers)}")

    return Machine


def test_the_documents_links_lead_somewhere_that_agrees_with_it(app, high_limits, still):
    seeded = _seed(app)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    run = Run()
    for who in ("reviewer", "producer"):
        _machine(schema, who, seeded.tokens[who], run).run(settings=settings(
            max_examples=STATEFUL_SCENARIOS, stateful_step_count=STATEFUL_STEPS, derandomize=True, deadline=None,
            database=None, print_blob=False, phases=(Phase.explicit, Phase.generate),
            suppress_health_check=list(HealthCheck)))
    total = sum(run.cases.values())
    print(f"\nschemathesis (links): {total} calls, statuses {dict(sorted(run.statuses.items()))}")
    for label, answers in sorted(run.answers.items()):
        print(f"  {label}: {dict(sorted(answers.items()))}")
    assert not run.failures, f"{len(run.failures)} failures:\n\n" + "\n\n".join(run.failures.values())
    linked = [label for label in run.cases if label.split(" as ")[0].endswith(("/claim", "/decisions"))]
    assert linked, sorted(run.cases)
