"""The producer portal: drafts, the task list, status pages, the production passport."""

from flask import Blueprint

bp = Blueprint("portal", __name__)
