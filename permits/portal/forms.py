"""Forms of the producer portal: one per task-list section, the passport,
the answer to a request for information and the confirmations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from permits.fields import TimeOfDayField
from permits.forms import BaseForm, CountryField, ShootDates, coerce_id
from permits.labels import ACTIVITIES, PRODUCTION_TYPES
from permits.services.documents import DOCUMENT_KINDS, PASSPORT_KINDS

# The free texts of an application (Text columns): long enough for any honest
# answer, short enough to print on the permit and read in a review.
LONG_TEXT = 5000

YES_NO = [("yes", _l("Yes, I have completed this section")), ("no", _l("No, I'll come back to it later"))]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VersionedForm(BaseForm):
    version = HiddenField()


class SectionForm(BaseForm):
    completed = RadioField(_l("Have you completed this section?"), choices=YES_NO,
                           validators=[InputRequired(_l("Say whether you have completed this section."))])

    @property
    def is_complete(self) -> bool:
        return self.completed.data == "yes"


class ContactsForm(SectionForm):
    contact_name = StringField(_l("Contact person for this shoot"), validators=[Length(max=255)])
    contact_email = StringField(_l("Contact e-mail address"), validators=[Length(max=255)])
    contact_phone = StringField(_l("Contact telephone number"), validators=[Length(max=64)],
                                description=_l("Reviewers and the site may call it during the shoot."))
    local_contact = StringField(_l("Local contact for residents (optional)"), validators=[Length(max=255)],
                                description=_l("A name and number residents can call, shown to the public on the site page during the shoot. Left empty, the site page gives the film commission's number, never yours."))


class ProductionForm(SectionForm):
    title = StringField(_l("Title of the production"), validators=[Length(max=255)])
    production_type = SelectField(_l("Type of production"), choices=[("", _l("Choose a type")), *list(PRODUCTION_TYPES.items())],
                                  validate_choice=False)
    country_of_origin = CountryField(_l("Country of origin"))
    synopsis = TextAreaField(_l("Synopsis"), validators=[Length(max=LONG_TEXT)], description=_l("What the production is about and what you will film at the sites."))


class ActivitiesForm(SectionForm):
    activities = MultiCheckboxField(_l("Activities during the shoot"), choices=list(ACTIVITIES.items()), validate_choice=False)
    safety_notes = TextAreaField(_l("Safety measures"), validators=[Length(max=LONG_TEXT)],
                                 description=_l("For each activity: who is responsible, what precautions you take, and any licences."))


class CrewForm(SectionForm):
    crew_total = IntegerField(_l("Size of the whole crew"), validators=[Optional(), NumberRange(0, 10000, _l("Enter a number between 0 and 10000."))],
                              description=_l("Everyone working on the production in Azerbaijan, cast included."))
    equipment_notes = TextAreaField(_l("Equipment"), validators=[Length(max=LONG_TEXT)], description=_l("Cameras, lighting, generators, cranes, vehicles and anything heavy."))


class MarkCompleteForm(SectionForm):
    """The sites and documents sections: their items are saved one by one."""


class DeclarationForm(BaseForm):
    confirm = BooleanField(_l("I confirm that the information in this application is true and complete, and that the production will follow the rules of each site and the conditions of the permit."))
    declaration_name = StringField(_l("Your full name"), validators=[Length(max=255)])


def _end_after_start(form, field):
    if field.data and form.start_date.data and field.data < form.start_date.data:
        raise ValidationError(_l("The last day must be on or after the first day."))


class BookingForm(BaseForm):
    location_id = SelectField(_l("Filming site"), coerce=coerce_id, validate_choice=False,
                              validators=[InputRequired(_l("Choose a filming site."))])
    start_date = DateField(_l("First shoot day"), validators=[InputRequired(_l("Enter the first shoot day."))])
    end_date = DateField(_l("Last shoot day"), validators=[InputRequired(_l("Enter the last shoot day.")), _end_after_start,
                                                           ShootDates()])
    daily_start = TimeOfDayField(_l("Daily start"), validators=[InputRequired(_l("Enter the time filming starts each day."))])
    daily_end = TimeOfDayField(_l("Daily end"), validators=[InputRequired(_l("Enter the time filming ends each day."))])
    crew_on_site = IntegerField(_l("Crew on site"), validators=[InputRequired(_l("Enter the number of people on site.")),
                                                               NumberRange(1, 5000, _l("Enter a crew between 1 and 5000."))])
    vehicles = IntegerField(_l("Vehicles"), default=0, validators=[Optional(), NumberRange(0, 500, _l("Enter between 0 and 500 vehicles."))])
    notes = TextAreaField(_l("Notes for the site owner (optional)"), validators=[Length(max=2000)])


class ReplaceSiteForm(BookingForm):
    """A site for the one a site owner refused (with the application's row version)."""

    version = HiddenField()


class PassportUploadForm(BaseForm):
    kind = SelectField(_l("Kind of document"), choices=[(k, DOCUMENT_KINDS[k]) for k in PASSPORT_KINDS], validate_choice=False)
    file = FileField(_l("File"), description=_l("PDF, JPEG or PNG, up to 20 MB."))
    expires_on = DateField(_l("Valid until"), validators=[Optional()], description=_l("Required for an insurance certificate and a licence."))
    insured_name = StringField(_l("Insured company (as written on the certificate)"), validators=[Length(max=255)],
                               description=_l("Insurance certificates only."))


class ApplicationUploadForm(PassportUploadForm):
    kind = SelectField(_l("Kind of document"), choices=list(DOCUMENT_KINDS.items()), validate_choice=False)
    keep = BooleanField(_l("Also keep it in my production passport"))


class AttachForm(BaseForm):
    document_id = SelectField(_l("Document from your production passport"), coerce=coerce_id, validate_choice=False,
                              validators=[InputRequired(_l("Choose a document."))])


class AnswerForm(VersionedForm):
    body = TextAreaField(_l("Your answer"), validators=[Length(max=5000)])
    files = MultipleFileField(_l("Documents (optional)"), description=_l("PDF, JPEG or PNG, up to 20 MB in total."))


class WithdrawForm(VersionedForm):
    reason = TextAreaField(_l("Why are you withdrawing? (optional)"), validators=[Length(max=2000)])


class SubmitForm(VersionedForm):
    pass


class EmptyForm(BaseForm):
    pass


class ConfirmForm(BaseForm):
    """A step that asks first: the answer is ``confirm=yes``."""

    confirm = HiddenField()

    @property
    def confirmed(self) -> bool:
        return self.confirm.data == "yes"


class WaiverForm(BaseForm):
    """A fee waiver request: the ground (its choices are the process's), why, and the proof."""

    ground = RadioField(_l("On which ground do you ask to pay less?"), choices=[], validate_choice=False,
                        validators=[InputRequired(_l("Choose the ground of your request."))])
    reason = TextAreaField(_l("Why does the ground apply to your production?"), validators=[Length(max=2000)],
                           description=_l("A sentence or two: the school, the organisation or the heritage the film is about."))
    file = FileField(_l("Proof"), description=_l("PDF, JPEG or PNG, up to 20 MB."))
