"""Forms of the finance pages. Every POST form carries the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from permits.forms import BaseForm


class FindForm(BaseForm):
    """A GET search: no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Invoice number or payment reference"),
                    description=_l("For example AZI-2027-000012 or RF18AZI2027000012."),
                    validators=[DataRequired(_l("Enter an invoice number or a payment reference.")), Length(max=80)])


class MoneyForm(BaseForm):
    """A transfer seen on the commission's bank account (a payment in, a refund out)."""

    paid_on = DateField(_l("Date the bank booked it"), validators=[InputRequired(_l("Enter the date the bank booked it."))])
    amount = StringField(_l("Amount (manat)"), description=_l("For example 150.00 or 1 234,50."),
                         validators=[DataRequired(_l("Enter the amount in manats, for example 150.00.")), Length(max=40)])
    bank_reference = StringField(_l("Bank reference of the transfer"),
                                 description=_l("The bank's own identifier of the transaction, as on the statement."),
                                 validators=[DataRequired(_l("Enter the bank's reference of the transfer.")), Length(max=64)])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class PaymentForm(MoneyForm):
    pass


class RefundForm(MoneyForm):
    pass


class StatementForm(BaseForm):
    file = FileField(_l("Bank statement (CSV)"), description=_l("A CSV file of at most 2 MB."),
                     validators=[FileRequired(_l("Choose the statement's CSV file."))])


class ResolveForm(BaseForm):
    reference = StringField(_l("Invoice number or payment reference"),
                            description=_l("Record the line as a payment of this invoice. Leave it empty to close the line with a note."),
                            validators=[Optional(), Length(max=80)])
    note = TextAreaField(_l("Note"), description=_l("What was done: returned to the sender, the producer asked for the rest…"),
                         validators=[Optional(), Length(max=2000)])


class WaiverDecisionForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=[("grant", _l("Grant the waiver")), ("refuse", _l("Refuse the waiver"))],
                          validators=[InputRequired(_l("Choose whether to grant or refuse the waiver."))])
    note = TextAreaField(_l("Note to the producer"), description=_l("Required when you refuse: the producer will read it."),
                         validators=[Optional(), Length(max=2000)])
