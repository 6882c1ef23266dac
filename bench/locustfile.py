"""The load profile of the single window (issue 20): anonymous visitors
browsing the public pages, producers filing complete applications and
reviewers deciding, run headless by bench/bench_load.py.

Forms are read from the pages as a browser would: every field of the form
(hidden ones too: the CSRF token, a record's version) is sent with its
value, and the user fills only what a person would type. The accounts are the
demo's (``flask seed-demo``); bench/bench_load.py passes them in
``BENCH_PRODUCERS`` and ``BENCH_REVIEWERS`` (comma-separated e-mails).
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import os
import random
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "film-permit-demo-2027")
# "e-mail|company's legal name" (the insurance certificate names the company).
# Seconds a person takes to fill in a form before sending it (a producer's section, a reviewer's decision).
# People take far longer; without any pause, each simulated producer sends a whole application's twenty
# requests back to back every few seconds. BENCH_FILL_SECONDS="0,0" removes the pause.
FILL_SECONDS = tuple(float(x) for x in os.environ.get("BENCH_FILL_SECONDS", "1,3").split(","))
PRODUCERS = [e for e in os.environ.get("BENCH_PRODUCERS", "").split(",") if e]
REVIEWERS = [e for e in os.environ.get("BENCH_REVIEWERS", "").split(",") if e]
SLUGS = [s for s in os.environ.get("BENCH_SLUGS", "").split(",") if s]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj % bench\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class _Forms(HTMLParser):
    """Every <form>: its action, method and fields with their current values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": (a.get("method") or "get").lower(), "fields": [],
                          "selects": {}, "buttons": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name or kind in ("file", "submit", "button", "image"):
                if kind == "submit" and name:
                    self._form["buttons"].append((name, a.get("value", "")))
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["selects"][self._select] = []
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._form["selects"][self._select].append(value)
            if "selected" in a:
                self._form["fields"].append((self._select, value))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"].append((self._textarea, ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(page: str) -> list[dict]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def form_with(response, action_part: str) -> dict | None:
    """The first form of the page whose action (the page's own address when
    the form names none) contains ``action_part``, with ``target`` set."""
    here = urlsplit(response.url)
    own = here.path + (f"?{here.query}" if here.query else "")
    forms = [{**form, "target": html.unescape(form["action"]) or own} for form in forms_of(response.text)]
    exact = [f for f in forms if f["target"].split("?")[0] == action_part]
    return next(iter(exact or [f for f in forms if action_part in f["target"]]), None)


def fill(form: dict, values: dict) -> dict:
    data: dict = {}
    for name, value in form["fields"]:
        data.setdefault(name, value)
    data.update(values)
    return data


_addresses = itertools.count(1)


def own_address(user: HttpUser) -> None:
    """Each simulated person comes from an address of their own, as people do
    (the bench runs the product with TRUSTED_PROXIES=1, like a proxy in front),
    so the per-address limits (sign-in, verification) count per person."""
    n = next(_addresses)
    user.client.headers["X-Forwarded-For"] = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def future(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


class SignedIn(HttpUser):
    abstract = True
    emails: list[str] = []

    def on_start(self):
        own_address(self)
        self.email, _, self.company = random.choice(self.emails).partition("|")
        page = self.client.get("/auth/login", name="/auth/login")
        self.post_form(page, "/auth/login", {"email": self.email, "password": PASSWORD}, "/auth/login [POST]")

    def post_form(self, page, action_part: str, values: dict, name: str, files=None):
        """Post the page's form (a response) whose action contains ``action_part``,
        after the time a person takes to fill it in."""
        form = form_with(page, action_part)
        if form is None:
            return None
        gevent.sleep(random.uniform(*FILL_SECONDS))
        return self.client.post(form["target"], data=fill(form, values), files=files, name=name)


class Visitor(HttpUser):
    """Anonymous browsing: the catalogue, a site, its next month, a quote, the scorecard."""

    weight = 6
    wait_time = between(1, 4)

    def on_start(self):
        own_address(self)

    @task(4)
    def catalogue(self):
        self.client.get("/sites/", name="/sites/")

    @task(3)
    def site(self):
        slug = random.choice(SLUGS)
        self.client.get(f"/sites/{slug}", name="/sites/<slug>")
        month = (dt.date.today().replace(day=1) + dt.timedelta(days=40)).strftime("%Y-%m")
        self.client.get(f"/sites/{slug}?month={month}", name="/sites/<slug>?month")

    @task(2)
    def quote(self):
        a, b = random.sample(SLUGS, 2)
        day = future(random.randint(40, 120))
        self.client.get(f"/sites/quote?sites={a}&sites={b}&start_date={day}&end_date={day}&crew=20"
                        "&production_type=feature&country_of_origin=FR", name="/sites/quote [computed]")

    @task(1)
    def scorecard(self):
        self.client.get("/scorecard/", name="/scorecard/")


class Producer(SignedIn):
    """Files a complete application: a draft, every section, a booking, a
    document uploaded and attached, the declaration, then submits."""

    weight = 2
    wait_time = between(2, 6)
    emails = PRODUCERS

    @task
    def file_an_application(self):
        c = self.client
        page = c.get("/applications/", name="/applications/")
        started = self.post_form(page, "/applications/new", {}, "/applications/new")
        if started is None or not re.search(r"/applications/\d+", started.url):
            return
        base = re.search(r"/applications/\d+", started.url).group(0)
        # Sites and dates: one booking.
        page = c.get(f"{base}/sites/add", name="/applications/<id>/sites/add")
        form = form_with(page, "/sites/add")
        if form is None:
            return
        site_ids = [v for v in form["selects"].get("location_id", []) if v]
        for _attempt in range(3):
            # A site may be closed or taken on those days: the producer tries another (a 400 that says why).
            start = random.randint(50, 300)
            with c.post(form["target"], name="/applications/<id>/sites/add [POST]", catch_response=True,
                        data=fill(form, {"location_id": random.choice(site_ids), "start_date": future(start),
                                         "end_date": future(start + 1), "daily_start": "08:00", "daily_end": "18:00",
                                         "crew_on_site": "5", "vehicles": "1"})) as added:
                if added.status_code == 400:
                    added.success()
                    continue
            break
        page = c.get(f"{base}/sites", name="/applications/<id>/sites")
        self.post_form(page, f"{base}/sites", {"completed": "yes"}, "/applications/<id>/sites [POST]")
        sections = {
            "contacts": {"contact_name": "Bench Producer", "contact_email": "bench@example.test",
                         "contact_phone": "+994 12 555 00 00"},
            "production": {"title": f"Bench {random.randint(1, 10**6)}", "production_type": "feature",
                           "country_of_origin": "FR", "synopsis": "A caravan crosses the old city at dawn."},
            "activities": {},
            "crew": {"crew_total": "25", "equipment_notes": "Two cameras."},
        }
        for section, values in sections.items():
            page = c.get(f"{base}/{section}", name=f"/applications/<id>/{section}")
            self.post_form(page, f"{base}/{section}", {**values, "completed": "yes"},
                           f"/applications/<id>/{section} [POST]")
        # Documents: the insurance certificate uploaded and attached.
        page = c.get(f"{base}/documents", name="/applications/<id>/documents")
        self.post_form(page, f"{base}/documents/upload",
                       {"kind": "insurance", "expires_on": future(500), "insured_name": self.company},
                       "/applications/<id>/documents/upload",
                       files={"file": ("insurance.pdf", PDF, "application/pdf")})
        page = c.get(f"{base}/documents", name="/applications/<id>/documents")
        self.post_form(page, f"{base}/documents", {"completed": "yes"}, "/applications/<id>/documents [POST]")
        page = c.get(f"{base}/declaration", name="/applications/<id>/declaration")
        self.post_form(page, f"{base}/declaration", {"confirm": "y", "declaration_name": "Bench Producer"},
                       "/applications/<id>/declaration [POST]")
        page = c.get(f"{base}/check", name="/applications/<id>/check")
        self.post_form(page, f"{base}/submit", {}, "/applications/<id>/submit")
        c.get(base, name="/applications/<id>")


class Reviewer(SignedIn):
    """Opens the queue, claims an open review and approves it."""

    weight = 2
    wait_time = between(2, 6)
    emails = REVIEWERS

    @task
    def decide_one(self):
        c = self.client
        queue = c.get("/review/", name="/review/").text
        ids = list(dict.fromkeys(re.findall(r'href="/review/tasks/(\d+)"', queue)))
        if not ids:
            return
        review = random.choice(ids[:10])
        page = c.get(f"/review/tasks/{review}", name="/review/tasks/<id>")
        if self.post_form(page, f"/review/tasks/{review}/claim", {}, "/review/tasks/<id>/claim") is not None:
            page = c.get(f"/review/tasks/{review}", name="/review/tasks/<id>")
        if f"/review/tasks/{review}/decide/approve" not in page.text:
            return
        page = c.get(f"/review/tasks/{review}/decide/approve", name="/review/tasks/<id>/decide/approve")
        answer = self.post_form(page, f"/review/tasks/{review}/decide/approve", {},
                                "/review/tasks/<id>/decide/approve [POST]")
        if answer is not None and form_with(answer, f"/review/tasks/{review}/decide/approve"):
            # The confirmation step: the same form, confirmed.
            self.post_form(answer, f"/review/tasks/{review}/decide/approve", {"confirm": "1"},
                           "/review/tasks/<id>/decide/approve [confirm]")
