"""The public scorecard: permits issued and turnaround of every reviewing body."""

from flask import Blueprint

bp = Blueprint("transparency", __name__)
