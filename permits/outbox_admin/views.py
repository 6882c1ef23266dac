"""Admin page of failed and dead outbox messages, with re-send."""

from flask import Blueprint

bp = Blueprint("outbox_admin", __name__)
