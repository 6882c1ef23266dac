"""Public verification of permits by QR token or number and short code."""

from flask import Blueprint

bp = Blueprint("verify", __name__)
