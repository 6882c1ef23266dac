"""In-app notifications: the bell, the list, preferences."""

from flask import Blueprint

bp = Blueprint("inbox", __name__)
