"""The public catalogue of filming sites."""

from flask import Blueprint

bp = Blueprint("locations", __name__)
