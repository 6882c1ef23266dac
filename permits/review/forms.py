"""Forms of the reviewers' dashboard. Every POST form carries the CSRF token;
forms that act on a review carry its row version."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from permits.forms import BaseForm, CountryField, coerce_id, optional_id
from permits.labels import PRODUCTION_TYPES, TIERS

MAX_CONDITIONS = 20


class FilterForm(BaseForm):
    """The queue filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Reference, title or company"), validators=[Optional(), Length(max=100)])
    site = SelectField(_l("Filming site"), coerce=optional_id, validators=[Optional()])
    production_type = SelectField(_l("Type of production"), validators=[Optional()])
    tier = SelectField(_l("Impact"), validators=[Optional()])
    country = CountryField(_l("Country of origin"), validators=[Optional()], placeholder=_l("Any country"))
    shoot_from = DateField(_l("Shooting from"), validators=[Optional()])
    shoot_to = DateField(_l("Shooting until"), validators=[Optional()])
    kind = SelectField(_l("Review"), validators=[Optional()])
    state = SelectField(_l("Stage"), validators=[Optional()])

    def __init__(self, *args, sites=(), kinds=(), states=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.site.choices = [(None, _l("Any site")), *list(sites)]
        self.production_type.choices = [("", _l("Any type")), *list(PRODUCTION_TYPES.items())]
        self.tier.choices = [("", _l("Any impact")), *list(TIERS.items())]
        self.kind.choices = [("", _l("Any review")), *list(kinds)]
        self.state.choices = [("", _l("Any stage")), *list(states)]

    def validate_shoot_to(self, field):
        if field.data and self.shoot_from.data and field.data < self.shoot_from.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("The end of the period must be after its start."))


class VersionForm(BaseForm):
    version = HiddenField(validators=[InputRequired(_l("The form is incomplete. Reload the page and try again."))])
    confirm = HiddenField()

    @property
    def confirmed(self) -> bool:
        return self.confirm.data == "yes"

    def expected_version(self) -> int | None:
        return optional_id(self.version.data)


class ClaimForm(VersionForm):
    pass


class AssignForm(VersionForm):
    assignee = SelectField(_l("Reviewer"), coerce=coerce_id, validators=[InputRequired(_l("Choose a reviewer."))])


class DecisionForm(VersionForm):
    conditions = FieldList(StringField(_l("Condition"), validators=[Optional(), Length(max=1000)]), min_entries=3, max_entries=MAX_CONDITIONS)
    saved_conditions = SelectMultipleField(
        _l("Saved conditions of your organisation"),
        coerce=coerce_id,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )
    save_conditions = BooleanField(_l("Save the conditions I typed for reuse"))
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)])
    saved_reason = SelectField(_l("Or use a saved reason"), coerce=optional_id, validators=[Optional()])
    save_reason = BooleanField(_l("Save this reason for reuse"))


class DropSitesForm(VersionForm):
    note = TextAreaField(_l("Note for the record (optional)"), validators=[Optional(), Length(max=5000)])


class NoteForm(BaseForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(_l("Write something before sending.")), Length(max=5000)])


class DeleteForm(BaseForm):
    pass
