"""Forms of the site owners' tools. Every POST form carries the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from permits.fields import TimeOfDayField
from permits.forms import BaseForm


class SiteSettingsForm(BaseForm):
    rules_az = TextAreaField(_l("Rules in Azerbaijani (one per line)"), validators=[Optional(), Length(max=5000)])
    rules_en = TextAreaField(_l("Rules in English (one per line)"), validators=[Optional(), Length(max=5000)])
    rules_ru = TextAreaField(_l("Rules in Russian (one per line)"), validators=[Optional(), Length(max=5000)])
    fee_per_day = StringField(_l("Fee per shoot day (manat)"), validators=[DataRequired(_l("Enter the fee per shoot day, or 0.")),
                                                                                   Length(max=20)])
    max_crew = IntegerField(
        _l("Largest crew on site"),
        validators=[InputRequired(_l("Enter the largest crew allowed.")), NumberRange(min=1, max=5000, message=_l("Enter a number between 1 and 5,000."))],
    )
    yearly_cap_days = IntegerField(
        _l("Yearly cap of shoot days (empty for no cap)"),
        validators=[Optional(), NumberRange(min=1, max=366, message=_l("Enter a number between 1 and 366, or leave it empty."))],
    )
    standing_consent = BooleanField(
        _l("Standing consent: approve at once every low-impact shoot within these rules"),
        description=_l("A shoot with at most 15 people and 5 vehicles on site, no drone, road closure, pyrotechnics or "
                       "other special activity, within the crew limit and filming hours, not on a closed day and within "
                       "the yearly cap. The commission can then issue such a permit within one business day."),
    )
    filming_hours_start = TimeOfDayField(_l("Filming hours from (empty for any time)"), validators=[Optional()])
    filming_hours_end = TimeOfDayField(_l("Filming hours until"), validators=[Optional()])


class BlackoutForm(BaseForm):
    start_date = DateField(_l("First closed day"), validators=[InputRequired(_l("Enter the first closed day as a date."))])
    end_date = DateField(_l("Last closed day"), validators=[InputRequired(_l("Enter the last closed day as a date."))])
    reason = StringField(_l("Reason (shown to producers)"), validators=[Optional(), Length(max=255)])


class RemoveForm(BaseForm):
    """A button that removes something: only the CSRF token."""
