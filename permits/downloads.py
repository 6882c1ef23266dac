"""Private files drawn on demand (invoices, receipts): downloaded, never
cached by a shared cache, never sniffed into something else, and inert if a
browser opens them anyway."""

from __future__ import annotations

import io

from flask import send_file

PDF = "application/pdf"


def send_private_pdf(data: bytes, filename: str):
    response = send_file(io.BytesIO(data), mimetype=PDF, as_attachment=True, download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
