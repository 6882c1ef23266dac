"""Small helpers for tests: signing in, CSRF tokens, the local mailbox."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str | bytes) -> str:
    if isinstance(html, bytes):
        html = html.decode()
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def login(client, email: str, password: str, **extra):
    page = client.get("/auth/login")
    return client.post(
        "/auth/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.data), **extra},
    )


def post_form(client, url: str, data: dict, *, page_url: str | None = None, **kwargs):
    """POST like a browser: read the CSRF token from the page first."""
    page = client.get(page_url or url)
    return client.post(url, data={"csrf_token": csrf_token(page.data), **data}, **kwargs)


class Mailbox:
    def __init__(self, path: Path):
        self.path = path

    def messages(self) -> list[email.message.EmailMessage]:
        if not self.path.exists():
            return []
        result = []
        for item in sorted(self.path.glob("*.eml")):
            with open(item, "rb") as handle:
                result.append(email.message_from_binary_file(handle, policy=policy.default))
        return result

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages() if m["To"].lower() == address.lower()]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()
