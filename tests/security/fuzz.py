"""A fuzzer of every form and query string of the app, signed in as each
role: used by tests/security/test_fuzz_inputs.py (a small deterministic run)
and bench/fuzz_inputs.py (thousands of requests on PostgreSQL).

For each identity (anonymous and each role of the security world) it visits
every GET route of ``app.url_map`` with the world's values, collects every
form on the pages it gets (action, method, fields, CSRF token), then sends
each form - and each route's query string - values that broke things
before: NUL and other control characters, integers beyond the columns'
range, dates in the year 9999, very long strings, invalid percent
encodings, line breaks in one-line fields, repeated keys, files of junk.
A 500 is a failure; it is recorded with what was sent."""

from __future__ import annotations

import io
import random
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

from flask import url_for

from tests.security.conftest import IDENTITIES
from tests.security.routes import API_ROUTES, ROUTES

# Values that answered 500 in the black-box test, and their neighbours.
NASTY = [
    "\x00", "A\x00", "%00", "\x00abc", "a\x01b\x02c\x1f\x7f", "\x0b\x0c", "\u0085\u2028\u2029",
    "99999999999", "-1", "0", "2147483648", "9223372036854775808", "1e309", "NaN", "-0", "1.5", "٣", "１２",
    "9999-12-31", "9999-12-30", "0001-01-01", "10000-01-01", "2027-02-30", "2027-13-01", "24:00", "99:99",
    "x" * 300, "y" * 5000, "é" * 2000, "\u202etxt.exe", "🎬" * 50,
    "' OR '1'='1", "<script>alert(1)</script>", "../../etc/passwd", "%", "%ff%fe", "{{7*7}}", "None", "null",
    " ", "\r\n\r\n", "Line one\nLine two", "", "true", "[]", "{}",
]
NASTY_PATH_VALUES = ["99999999999", "2147483648", "0", "-1", "%00abc", "\x00", "A" * 5000, "a" * 300, "..", "é", "1e3"]
# Query parameters the views read outside their forms.
EXTRA_PARAMETERS = ["q", "before", "after", "per_page", "month", "number", "code", "site", "next", "inline", "show",
                    "queue", "state", "kind", "tier", "country", "shoot_from", "shoot_to", "sites", "start_date",
                    "end_date", "crew", "region", "category", "heritage", "vehicles", "activities", "production_type"]
# Forms not sent: signing out would leave the rest of the round anonymous.
SKIPPED_ACTIONS = {"/auth/logout"}
JUNK_FILES = [b"\x00" * 64, b"%PDF-1.4\n\x00\x00" + b"A" * 100, b"\xff\xd8\xff" + b"\x00" * 10,
              b"<html><script>alert(1)</script></html>"]


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = attrs.get("action") or self.page_url
            self._form = Form(action=action, method=(attrs.get("method") or "get").upper(),
                              enctype=attrs.get("enctype") or "application/x-www-form-urlencoded")
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self._form.files.append(name)
            elif kind in ("checkbox", "radio"):
                self._form.fields.setdefault(name, []).append(attrs.get("value") or "y")
            elif kind not in ("submit", "button", "image", "reset"):
                self._form.fields.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self._form.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            self._form.fields[self._select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.fields.setdefault(name, []).append("")
        elif tag == "button" and name:
            self._form.fields.setdefault(name, []).append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


@dataclass
class Failure:
    identity: str
    method: str
    url: str
    data: dict
    status: int

    def __str__(self) -> str:
        shown = {k: (v[:60] + "…" if isinstance(v, str) and len(v) > 60 else v) for k, v in self.data.items()}
        return f"{self.status} {self.identity} {self.method} {self.url[:200]} {shown}"


@dataclass
class Result:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    forms: int = 0

    @property
    def server_errors(self) -> int:
        return self.statuses[500]


class Fuzzer:
    """``Fuzzer(app, world, seed).run(budget)``: the world is the security world
    (tests/security/conftest.py make_world); the app must be inside an app context."""

    def __init__(self, app, world, seed: int = 12, identities=(None, *IDENTITIES), variants: int = 3):
        self.app = app
        self.world = world
        self.random = random.Random(seed)
        self.identities = identities
        self.variants = variants  # fuzzed versions of each form and query string per visit
        self.result = Result()
        self._urls: list[str] | None = None
        self._user_ids = {identity: world.user(identity).get_id() for identity in identities if identity}

    # -- plumbing -------------------------------------------------------------------
    def client(self, identity):
        client = self.app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = self.random.choice(["en", "az", "ru"])
        if identity is not None:
            with client.session_transaction() as session:
                session["_user_id"] = self._user_ids[identity]
                session["_fresh"] = True
        return client

    def send(self, client, identity, method: str, url: str, data: dict | None = None, multipart=False):
        self.result.requests += 1
        try:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.open(url, method=method, data=data or {},
                                       content_type="multipart/form-data" if multipart else None)
        except Exception as exc:  # the app let an exception out: as bad as a 500
            self.result.statuses[500] += 1
            self.result.failures.append(Failure(identity or "anonymous", method, url, {"exception": repr(exc)}, 500))
            return None
        self.result.statuses[response.status_code] += 1
        if response.status_code >= 500:
            shown = {k: v for k, v in (data or {}).items() if not hasattr(v, "read") and not isinstance(v, tuple)}
            self.result.failures.append(Failure(identity or "anonymous", method, url, shown, response.status_code))
        return response

    def nasty(self) -> str:
        return self.random.choice(NASTY)

    def get_routes(self) -> list[str]:
        """Every GET route with the world's values (worked out once: some make rows)."""
        if self._urls is None:
            self._urls = self._route_urls()
            from permits.extensions import db

            db.session.commit()  # hold no transaction while the requests run
        return self._urls

    def _route_urls(self) -> list[str]:
        urls = []
        self._rules = []
        with self.app.test_request_context():
            for rule in self.app.url_map.iter_rules():
                if rule.endpoint == "static":
                    continue
                route = ROUTES.get(rule.endpoint) or API_ROUTES.get(rule.endpoint)
                values = route.values(self.world) if route and route.values else {}
                try:
                    url = url_for(rule.endpoint, **values)
                except Exception:
                    continue
                self._rules.append((rule, values))
                if "GET" in rule.methods:
                    urls.append(url)
        return sorted(set(urls))

    def fuzz_paths(self, client, identity) -> None:
        """Every route with one of its URL values replaced by a nasty one."""
        for rule, values in self._rules:
            for name in rule.arguments:
                value = self.random.choice(NASTY_PATH_VALUES)
                path = rule.rule
                for other, real in values.items():
                    path = path.replace(f"<{other}>", quote(str(real), safe=""))
                    for converter in ("id", "int", "string", "path"):
                        path = path.replace(f"<{converter}:{other}>", quote(str(real), safe=""))
                for converter in ("", "id:", "int:", "string:", "path:"):
                    path = path.replace(f"<{converter}{name}>", quote(value, safe=""))
                method = "GET" if "GET" in rule.methods else "POST"
                self.send(client, identity, method, path, {"csrf_token": "x"} if method == "POST" else None)

    # -- the fuzzing ----------------------------------------------------------------
    def fuzz_query(self, client, identity, url: str, known: list[str]) -> None:
        names = list(dict.fromkeys([*known, *self.random.sample(EXTRA_PARAMETERS, 4)]))
        pairs = [(name, self.nasty()) for name in names if self.random.random() < 0.6]
        if self.random.random() < 0.3 and pairs:
            pairs.append((pairs[0][0], self.nasty()))  # a repeated key
        query = urlencode(pairs, quote_via=quote)
        if self.random.random() < 0.15:
            query += "&raw=%ff%fe%00&%00=x"  # invalid UTF-8 and a NUL name, as sent
        self.send(client, identity, "GET", f"{urlsplit(url).path}?{query}")

    def fuzz_form(self, client, identity, form: Form) -> None:
        if urlsplit(form.action).path in SKIPPED_ACTIONS:
            return
        data: dict = {}
        for name, options in form.fields.items():
            if name == "csrf_token":
                data[name] = options[0] if options else ""
                continue
            roll = self.random.random()
            if roll < 0.45:
                data[name] = self.nasty()
            elif roll < 0.9 and options:
                data[name] = self.random.choice(options) or self.nasty()
            elif options:
                data[name] = [self.nasty(), self.random.choice(options)]  # the field twice
        multipart = form.enctype == "multipart/form-data"
        for name in form.files:
            if self.random.random() < 0.7:
                data[name] = (io.BytesIO(self.random.choice(JUNK_FILES)), self.random.choice(
                    ["x.pdf", "\x00.pdf", "a" * 300 + ".png", "../../x.jpg", "page.html", ""]))
        action = urlsplit(form.action).path or "/"
        if form.method == "GET":
            pairs = [(k, v) for k, value in data.items() for v in (value if isinstance(value, list) else [value])]
            self.send(client, identity, "GET", f"{action}?{urlencode(pairs, quote_via=quote)}")
        else:
            self.send(client, identity, form.method, action, data, multipart=multipart)

    def crawl(self, client, identity) -> list[tuple[str, list[Form]]]:
        pages = []
        for url in self.get_routes():
            response = self.send(client, identity, "GET", url)
            if response is None or response.status_code != 200 or not response.mimetype.startswith("text/html"):
                continue
            pages.append((url, forms_of(response.get_data(as_text=True), urlsplit(url).path)))
        return pages

    def run(self, budget: int) -> Result:
        """Whole rounds over every identity until at least ``budget`` requests are sent."""
        self.get_routes()
        while self.result.requests < budget:
            for identity in self.identities:
                client = self.client(identity)
                self.fuzz_paths(client, identity)
                for url, forms in self.crawl(client, identity):
                    self.result.forms += len(forms)
                    get_names = [name for form in forms if form.method == "GET" for name in form.fields]
                    for _ in range(self.variants):
                        self.fuzz_query(client, identity, url, get_names)
                        for form in forms:
                            self.fuzz_form(client, identity, form)
        return self.result
