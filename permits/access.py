"""Object-level authorization shared by the blueprints.

Rule: an object the user may not see is a 404 (its existence is not
revealed); an action the user may see but not take is a 403.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from permits.extensions import db
from permits.models import Application, Document, ReviewTask
from workflows import current_definition


def producer_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_producer:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def ministry_required(view):
    """For the film commission's staff only (403 for other staff)."""

    @wraps(view)
    @staff_required
    def wrapped(*args, **kwargs):
        if not is_ministry(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def company_ids(user) -> set[int]:
    return {m.company_id for m in user.company_memberships}


def organisation_ids(user) -> set[int]:
    return {m.organisation_id for m in user.organisation_memberships}


def is_ministry(user) -> bool:
    """A member of the film commission (the organisation kind the process
    definition names as its commission)."""
    commission = current_definition().commission_org_kind
    return any(m.organisation.kind == commission for m in user.organisation_memberships)


def application_for_producer_or_404(application_id: int) -> Application:
    """An application of one of the current user's companies."""
    application = db.session.get(Application, application_id)
    if application is None or application.company_id not in company_ids(current_user):
        abort(404)
    return application


def review_for_staff_or_404(review_id: int) -> ReviewTask:
    """A review held by the current user's organisation (the ministry sees all)."""
    review = db.session.get(ReviewTask, review_id)
    if review is None:
        abort(404)
    if review.organisation_id not in organisation_ids(current_user) and not is_ministry(current_user):
        abort(404)
    return review


def staff_can_see_application(user, application: Application) -> bool:
    """Reviewers see an application once one of its reviews is held by their
    organisation; the ministry sees every submitted application."""
    if application.state == "draft":
        return False
    if is_ministry(user):
        return True
    mine = organisation_ids(user)
    return any(review.organisation_id in mine for review in application.reviews)


def document_for_user_or_404(document_id: int, application: Application | None = None) -> Document:
    """A document: its company's producers; or reviewers of an application it is attached to."""
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    if document.company_id in company_ids(current_user):
        return document
    attached = application is not None and any(link.document_id == document.id for link in application.documents)
    if attached and current_user.is_staff and staff_can_see_application(current_user, application):
        return document
    abort(404)
