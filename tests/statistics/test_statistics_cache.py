"""The statistics' heavy aggregate is computed once per cache period."""

from permits.services import statistics


def test_cached_computes_once_within_the_period(app_ctx):
    calls = []
    app_ctx.config["STATISTICS_CACHE_SECONDS"] = 60
    try:
        first = statistics.cached("test-key", lambda: calls.append(1) or {"n": len(calls)})
        second = statistics.cached("test-key", lambda: calls.append(1) or {"n": len(calls)})
    finally:
        app_ctx.config["STATISTICS_CACHE_SECONDS"] = 0
        statistics._CACHE.clear()
    assert first == second == {"n": 1} and len(calls) == 1


def test_no_cache_when_the_period_is_zero(app_ctx):
    calls = []
    statistics.cached("test-key", lambda: calls.append(1))
    statistics.cached("test-key", lambda: calls.append(1))
    assert len(calls) == 2
