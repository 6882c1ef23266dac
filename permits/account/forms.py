from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from permits.auth.forms import LANGUAGE_CHOICES, PasswordPolicy
from permits.forms import BaseForm
from permits.services.passwords import MIN_LENGTH


class ProfileForm(BaseForm):
    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter your full name.")), Length(max=255)])
    language = SelectField(_l("Language of your e-mails"), choices=LANGUAGE_CHOICES,
                           description=_l("Pages are in this language too, until you choose another at the top of a page: that changes the pages only."))


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    password = PasswordField(
        _l("New password"),
        description=_l("At least %(n)d characters. A phrase of several words works well.", n=MIN_LENGTH),
        validators=[DataRequired(_l("Choose a password.")), PasswordPolicy()],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(_l("Repeat the password.")), EqualTo("password", _l("The two passwords do not match."))],
    )


class NotificationPreferencesForm(BaseForm):
    email_notifications = BooleanField(_l("Send me an e-mail when something happens"))
    daily_digest = BooleanField(
        _l("Instead of one e-mail per event, send me one summary every morning at 07:00"),
    )


ACCESS_CHOICES = [
    ("read", _l("Read only: see sites, applications and reviews")),
    ("write", _l("Read and write: also change applications")),
]
LIFETIME_CHOICES = [
    ("30", _l("30 days")),
    ("90", _l("90 days")),
    ("365", _l("One year")),
]


class ApiTokenForm(BaseForm):
    name = StringField(_l("Token name"), validators=[DataRequired(_l("Name the token.")), Length(max=100)],
                       description=_l("Say what will use it, for example “Our booking system”."))
    access = SelectField(_l("What the token may do"), choices=ACCESS_CHOICES, default="read")
    lifetime = SelectField(_l("Expires after"), choices=LIFETIME_CHOICES, default="90")


class RevokeTokenForm(BaseForm):
    """The confirmation: a button (and the CSRF token)."""
