"""A small closed-loop HTTP load generator: processes × threads, each thread
one keep-alive connection (http.client), for a fixed duration.

Used by bench/bench_ceiling.py (wrk is not installed on the machines this
was written on). Each thread first visits the URL until the server sets no
more cookies (a returning visitor's session), then, in "full" mode, asks for
the page again and again without validators (a visitor whose browser keeps
nothing) or, in "revalidate" mode, with ``If-None-Match`` set to the last
ETag (a browser revalidating its copy after max-age, answered 304 when the
page has not changed).
"""

from __future__ import annotations

import http.client
import multiprocessing
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlsplit


def _worker(url: str, duration: float, mode: str, headers: dict, results: list, lock: threading.Lock) -> None:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    cookies: dict[str, str] = {}
    etag = None
    ok = errors = statuses_304 = 0
    latencies: list[float] = []

    def once(extra: dict) -> tuple[int, http.client.HTTPResponse | None]:
        nonlocal conn
        sent = {**headers, **extra}
        if cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        try:
            conn.request("GET", path, headers=sent)
            response = conn.getresponse()
            response.read()
            return response.status, response
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            return 0, None

    # Warm up: take the session cookies the server hands out.
    for _ in range(4):
        status, response = once({})
        if response is None:
            continue
        set_cookies = response.headers.get_all("Set-Cookie") or []
        for raw in set_cookies:
            jar = SimpleCookie()
            jar.load(raw)
            cookies.update({k: m.value for k, m in jar.items()})
        etag = response.headers.get("ETag") or etag
        if not set_cookies:
            break
    deadline = time.perf_counter() + duration
    while True:
        started = time.perf_counter()
        if started >= deadline:
            break
        extra = {"If-None-Match": etag} if (mode == "revalidate" and etag) else {}
        status, response = once(extra)
        latencies.append(time.perf_counter() - started)
        if status in (200, 304):
            ok += 1
            statuses_304 += status == 304
            if response is not None and response.headers.get("ETag"):
                etag = response.headers["ETag"]
        else:
            errors += 1
    conn.close()
    with lock:
        results.append((ok, errors, statuses_304, latencies))


def _process(url, duration, mode, headers, threads, queue) -> None:
    results: list = []
    lock = threading.Lock()
    pool = [threading.Thread(target=_worker, args=(url, duration, mode, headers, results, lock)) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    not_modified = sum(r[2] for r in results)
    latencies = sorted(x for r in results for x in r[3])
    queue.put((ok, errors, not_modified, latencies))


def run(url: str, *, duration: float = 10.0, processes: int = 2, threads: int = 10, mode: str = "full",
        headers: dict | None = None) -> dict:
    """Requests per second (answered 200 or 304) and latency percentiles."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_process, args=(url, duration, mode, headers or {}, threads, queue)) for _ in range(processes)]
    for p in procs:
        p.start()
    parts = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    ok = sum(p[0] for p in parts)
    errors = sum(p[1] for p in parts)
    not_modified = sum(p[2] for p in parts)
    latencies = sorted(x for p in parts for x in p[3])

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0

    return {"rps": ok / duration, "ok": ok, "errors": errors, "not_modified": not_modified,
            "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99)}
