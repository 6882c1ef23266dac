"""Security headers on every response, errors and files included."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def register(app: Flask) -> None:
    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        if "frame-ancestors" not in headers["Content-Security-Policy"]:
            # A view's own policy (a file, a sandboxed e-mail) still may not be framed by another site.
            headers["Content-Security-Policy"] += "; frame-ancestors 'none'"
        headers["X-Content-Type-Options"] = "nosniff"
        # Defaults: a view that sets its own (the verification page's
        # no-referrer, which keeps permit tokens out of other sites' logs) wins.
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("HSTS"):
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        authenticated = False
        try:
            authenticated = current_user.is_authenticated
        except Exception:  # no user context (e.g. a static file before login setup)
            authenticated = False
        if authenticated and not request.path.startswith("/static/"):
            # Nothing a signed-in user saw may be kept by a shared browser or proxy.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
