"""The reviewers' dashboard: queues, the review page, ministry views, site-owner tools, statistics."""

from flask import Blueprint

bp = Blueprint("review", __name__)
