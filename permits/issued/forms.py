"""Forms of the issued-permit pages: revocation and amendment requests."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from permits.fields import TimeOfDayField
from permits.forms import BaseForm, ShootDates, coerce_id


class RevokeForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for revoking the permit"),
        description=_l("The producer reads this, and the public verification page says the permit is revoked."),
        validators=[DataRequired(_l("Give the reason for revoking the permit.")), Length(max=5000)],
    )
    version = HiddenField()


def _end_after_start(form, field):
    if form.start_date.data and field.data and field.data < form.start_date.data:
        raise ValidationError(_l("The last day must be on or after the first day."))


class AmendForm(BaseForm):
    location_id = SelectField(
        _l("Filming site"), coerce=coerce_id, validators=[DataRequired(_l("Choose the filming site."))],
        description=_l("A site already on the permit, to add dates, or another site."),
    )
    start_date = DateField(_l("First shoot day"), validators=[InputRequired(_l("Enter the first shoot day."))])
    end_date = DateField(_l("Last shoot day"), validators=[InputRequired(_l("Enter the last shoot day.")), _end_after_start,
                                                           ShootDates()])
    daily_start = TimeOfDayField(_l("Daily start"), validators=[InputRequired(_l("Enter the time filming starts each day."))])
    daily_end = TimeOfDayField(_l("Daily end"), validators=[InputRequired(_l("Enter the time filming ends each day."))])
    crew_on_site = IntegerField(
        _l("People on site"),
        validators=[InputRequired(_l("Enter the number of people on site.")),
                    NumberRange(min=1, max=2000, message=_l("Enter a number between 1 and 2000."))],
    )
    vehicles = IntegerField(
        _l("Vehicles"), default=0,
        validators=[Optional(), NumberRange(min=0, max=500, message=_l("Enter a number between 0 and 500."))],
    )
    note = TextAreaField(
        _l("Why do you need this change? (optional)"),
        description=_l("For the reviewers. It is not printed on the permit."),
        validators=[Length(max=2000, message=_l("Write at most 2000 characters."))],
    )
    version = HiddenField()
