"""Forms of the webhook pages. Every POST form carries the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from permits.forms import BaseForm
from permits.services.webhooks import (
    EVENT_NAMES,
    INFORMATION_REQUESTED,
    MAX_DESCRIPTION,
    PERMIT_ISSUED,
    PERMIT_REVOKED,
    REVIEW_DECIDED,
    STATE_CHANGED,
)

EVENT_LABELS = {
    STATE_CHANGED: _l("An application's state changed"),
    REVIEW_DECIDED: _l("A review was decided"),
    INFORMATION_REQUESTED: _l("A reviewer asked the producer for information"),
    PERMIT_ISSUED: _l("A permit was issued"),
    PERMIT_REVOKED: _l("A permit was revoked"),
}
assert set(EVENT_LABELS) == set(EVENT_NAMES)


def event_choices() -> list[tuple[str, object]]:
    return [(name, EVENT_LABELS[name]) for name in EVENT_NAMES]


class _EndpointFields(BaseForm):
    description = StringField(_l("Description (for you)"), validators=[Optional(), Length(max=MAX_DESCRIPTION)])
    events = SelectMultipleField(_l("Events to send"), choices=event_choices, validate_choice=False)


class EndpointForm(_EndpointFields):
    owner = SelectField(_l("Whose endpoint"), validate_choice=False)
    url = StringField(
        _l("Address (HTTPS)"),
        validators=[DataRequired(_l("Enter the endpoint's address.")), Length(max=500)],
        description=_l("Where the deliveries are sent, e.g. https://example.com/hooks/permits."),
    )


class EditForm(_EndpointFields):
    active = BooleanField(_l("Switched on (deliveries are sent)"))


class ConfirmForm(BaseForm):
    """A button: only the CSRF token."""
