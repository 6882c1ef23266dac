"""The public scorecard: permits issued and turnaround of every reviewing body."""

from flask import Blueprint, render_template

from permits.services import queues

bp = Blueprint("transparency", __name__)


@bp.route("/")
def scorecard():
    response = render_template("transparency/scorecard.html", card=queues.scorecard())
    return response, 200, {"Cache-Control": "public, max-age=300"}
