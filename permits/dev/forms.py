"""The local mailbox's filter (a GET form: it changes nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

from permits.forms import BaseForm


class MailboxFilterForm(BaseForm):
    class Meta:
        csrf = False

    to = StringField(_l("To (part of the address)"), validators=[Optional(), Length(max=255)])
    subject = StringField(_l("Subject contains"), validators=[Optional(), Length(max=255)])
