"""Translated labels for codes stored in the database."""

from flask_babel import lazy_gettext as _l

ROLE_NAMES = {
    "producer": _l("Producer"),
    "reviewer": _l("Reviewer"),
    "supervisor": _l("Supervisor"),
    "admin": _l("Organisation admin"),
    "platform_admin": _l("Platform administrator"),
}

ORGANISATION_KINDS = {
    "ministry": _l("Ministry / film commission"),
    "site_owner": _l("Site owner"),
    "tourism": _l("Tourism agency"),
    "police": _l("Police"),
    "aviation": _l("Civil aviation"),
}
