from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Regexp

from permits.auth.forms import LANGUAGE_CHOICES
from permits.forms import BaseForm, coerce_id
from permits.labels import ORGANISATION_KINDS


class OrganisationForm(BaseForm):
    key = StringField(
        _l("Short key"),
        description=_l("Lower-case letters, digits and hyphens, e.g. sheki-reserve."),
        validators=[
            DataRequired(_l("Enter a short key.")),
            Length(max=64),
            Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Use lower-case letters, digits and hyphens only.")),
        ],
    )
    kind = SelectField(_l("Kind"), choices=list(ORGANISATION_KINDS.items()))
    name_az = StringField(_l("Name in Azerbaijani"), validators=[DataRequired(_l("Enter the name in Azerbaijani.")), Length(max=255)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(_l("Enter the name in English.")), Length(max=255)])
    name_ru = StringField(_l("Name in Russian"), validators=[DataRequired(_l("Enter the name in Russian.")), Length(max=255)])
    email = EmailField(_l("Contact e-mail"), validators=[Length(max=255)])
    phone = StringField(_l("Contact phone"), validators=[Length(max=64)])


class StaffUserForm(BaseForm):
    organisation_id = SelectField(_l("Organisation"), coerce=coerce_id)
    role = SelectField(
        _l("Role"),
        choices=[("reviewer", _l("Reviewer")), ("supervisor", _l("Supervisor")), ("admin", _l("Organisation admin"))],
    )
    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(max=255)])
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter the e-mail address.")), Email(_l("Enter a valid e-mail address, like name@example.com.")),
                    Length(max=255)],
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    password = PasswordField(
        _l("Initial password"),
        description=_l("Give it to the person in a safe way; they can change it on their account page."),
        validators=[DataRequired(_l("Choose a password."))],
    )
