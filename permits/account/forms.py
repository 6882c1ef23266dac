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
