from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from permits.forms import BaseForm, CountryField
from permits.i18n import LANGUAGE_NAMES
from permits.services.passwords import MIN_LENGTH, policy_errors


class PasswordPolicy:
    """The password rules of services.passwords, shown next to the field."""

    def __call__(self, form, field):
        email_field = getattr(form, "email", None)
        name_field = getattr(form, "name", None)
        errors = policy_errors(
            field.data or "",
            email=(email_field.data or "") if email_field else "",
            name=(name_field.data or "") if name_field else "",
        )
        if errors:
            raise ValidationError(errors[0])

LANGUAGE_CHOICES = list(LANGUAGE_NAMES.items())


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


class RegistrationForm(BaseForm):
    name = StringField(_l("Your full name"), validators=[DataRequired(_l("Enter your full name.")), Length(max=255)])
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Email(_l("Enter a valid e-mail address, like name@example.com.")), Length(max=255)],
    )
    phone = StringField(_l("Phone number"), validators=[Length(max=64)])
    language = SelectField(_l("Language for e-mails and pages"), choices=LANGUAGE_CHOICES)
    legal_name = StringField(
        _l("Company legal name"), validators=[DataRequired(_l("Enter the company's legal name.")), Length(max=255)]
    )
    country = CountryField(_l("Country of the company"), validators=[DataRequired(_l("Choose the company's country."))])
    registration_number = StringField(_l("Company registration number"), validators=[Length(max=64)])
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(n)d characters. A phrase of several words works well.", n=MIN_LENGTH),
        validators=[DataRequired(_l("Choose a password.")), PasswordPolicy()],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(_l("Repeat the password.")), EqualTo("password", _l("The two passwords do not match."))],
    )


class ForgotPasswordForm(BaseForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=255)])


class ResetPasswordForm(BaseForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least %(n)d characters. A phrase of several words works well.", n=MIN_LENGTH),
        validators=[DataRequired(_l("Choose a password.")), PasswordPolicy()],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(_l("Repeat the password.")), EqualTo("password", _l("The two passwords do not match."))],
    )


class EmptyForm(BaseForm):
    """A button that only needs the CSRF token (confirming a registration)."""
