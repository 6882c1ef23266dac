"""Issued permits: PDF download, revocation, amendments (riders)."""

from flask import Blueprint

bp = Blueprint("issued", __name__)
