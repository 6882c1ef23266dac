"""A small, deterministic run of the input fuzzer (tests/security/fuzz.py):
every form and query string, and every route's URL values, as anonymous and
four roles, with the values that answered 500 in the black-box test. None
may answer 500. bench/fuzz_inputs.py runs thousands of requests on
PostgreSQL over all eight roles."""

from __future__ import annotations

from permits.extensions import limiter
from tests.security.fuzz import Fuzzer


def test_fuzzed_forms_query_strings_and_paths_never_answer_500(app, sec, db):
    limiter.enabled = False  # every request reaches its view (the limits have their own tests)
    try:
        fuzzer = Fuzzer(app, sec, seed=20261201, identities=(None, "producer", "owner_a_sup", "ministry_sup", "admin"),
                        variants=1)
        result = fuzzer.run(budget=1)
    finally:
        limiter.enabled = True
    print(f"{result.requests} requests, {result.forms} forms: {dict(sorted(result.statuses.items()))}")
    assert result.requests > 500 and result.forms > 100
    assert result.server_errors == 0, "\n".join(str(f) for f in result.failures[:30])
