"""GET forms of the catalogue: filters and the quote (no CSRF: they change nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from permits.forms import BaseForm, CountryField, ShootDates
from permits.labels import ACTIVITIES, PRODUCTION_TYPES


class GetForm(BaseForm):
    class Meta:
        csrf = False


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _end_after_start(form, field):
    if field.data and form.start_date.data and field.data < form.start_date.data:
        raise ValidationError(_l("The last day must be on or after the first day."))


class CatalogueFilterForm(GetForm):
    q = StringField(_l("Search by name or description"), validators=[Optional(), Length(max=100)])
    region = SelectField(_l("Region"), validators=[Optional()], validate_choice=False)
    category = SelectField(_l("Kind of site"), validators=[Optional()], validate_choice=False)
    heritage = BooleanField(_l("Heritage sites only"))
    crew = IntegerField(_l("Crew on site"), validators=[Optional(), NumberRange(1, 5000, _l("Enter a crew between 1 and 5000."))],
                        description=_l("Sites that allow at least this many people."))
    start_date = DateField(_l("Free from"), validators=[Optional()])
    end_date = DateField(_l("Free until"), validators=[Optional(), _end_after_start])


class QuoteForm(GetForm):
    sites = MultiCheckboxField(_l("Filming sites"), coerce=str, validate_choice=False)
    # The dates of every site without dates of its own (SiteDatesForm); the
    # view asks for them when a chosen site has none.
    start_date = DateField(_l("First shoot day"), validators=[Optional()])
    end_date = DateField(_l("Last shoot day"), validators=[Optional(), _end_after_start, ShootDates()])
    crew = IntegerField(_l("Crew on site"), validators=[InputRequired(_l("Enter the number of people on site.")),
                                                        NumberRange(1, 5000, _l("Enter a crew between 1 and 5000."))])
    vehicles = IntegerField(_l("Vehicles"), validators=[Optional(), NumberRange(0, 500, _l("Enter between 0 and 500 vehicles."))])
    activities = MultiCheckboxField(_l("Activities"), choices=list(ACTIVITIES.items()), validate_choice=False)
    production_type = SelectField(_l("Type of production"), choices=list(PRODUCTION_TYPES.items()), validators=[Optional()])
    country_of_origin = CountryField(_l("Country of origin"), validators=[Optional()])

    def validate_sites(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one filming site."))


class SiteDatesForm(GetForm):
    """One chosen site's own shoot days on the quote (prefix ``site-<slug>``);
    both empty: the site is filmed on the quote's common dates."""

    start_date = DateField(_l("First shoot day"), validators=[Optional()])
    end_date = DateField(_l("Last shoot day"), validators=[Optional(), _end_after_start, ShootDates()])

    def validate_start_date(self, field):
        def given(f):
            return bool(f.raw_data and str(f.raw_data[0]).strip())

        if given(field) != given(self.end_date):
            raise ValidationError(_l("Enter both days, or leave both empty to use the dates above."))

    @property
    def own_dates(self):
        """(first, last) when the site has valid dates of its own, else None."""
        if self.start_date.data and self.end_date.data and not self.errors:
            return self.start_date.data, self.end_date.data
        return None
