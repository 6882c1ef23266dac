"""Translated labels for codes stored in the database.

This is the one place besides the demo data where review and organisation
kinds are spelled out: the process definition (workflows/) names them, and
these are their names in the reader's language.
"""

from flask_babel import lazy_gettext as _l

from workflows import get_definition, registered_versions

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

APPLICATION_STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Screening"),
    "in_review": _l("Under review"),
    "final_review": _l("Final decision"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    "lapsed": _l("Lapsed"),
    "revoked": _l("Revoked"),
    "expired": _l("Expired"),
}

REVIEW_STATES = {
    "pending": _l("Waiting"),
    "in_review": _l("In review"),
    "info_requested": _l("Waiting for the producer"),
    "approved": _l("Approved"),
    "approved_with_conditions": _l("Approved with conditions"),
    "rejected": _l("Refused"),
    "cancelled": _l("Closed"),
}

REVIEW_KINDS = {
    "ministry_screening": _l("Screening by the film commission"),
    "site_owner": _l("Site owner's review"),
    "tourism": _l("Tourism agency's review"),
    "ministry_final": _l("Final decision of the film commission"),
    "police": _l("Police review"),
    "aviation": _l("Civil aviation review"),
}

# The commission's queues of one stage, linked from its dashboard.
STAGE_QUEUES = {
    "screening": _l("Screening queue"),
    "final": _l("Final decision queue"),
}


def review_kind_name(code: str) -> str:
    """A review kind's name in the reader's language, found through the
    definition that names the kind (its ``label_key``)."""
    for version in reversed(registered_versions()):
        try:
            kind = get_definition(version).review_kind(code)
        except KeyError:
            continue
        return str(REVIEW_KINDS.get(kind.label_key, kind.label))
    return str(REVIEW_KINDS.get(code, code))


DECISIONS = {
    "approve": _l("approved"),
    "approve_with_conditions": _l("approved with conditions"),
    "reject": _l("refused"),
    "request_information": _l("more information requested"),
}

PRODUCTION_TYPES = {
    "feature": _l("Feature film"),
    "series": _l("Series"),
    "documentary": _l("Documentary"),
    "commercial": _l("Commercial"),
    "music_video": _l("Music video"),
    "student": _l("Student film"),
    "stills": _l("Stills photography"),
}

ACTIVITIES = {
    "drone": _l("Drone"),
    "pyrotechnics": _l("Pyrotechnics or special effects"),
    "prop_weapons": _l("Prop weapons"),
    "road_closure": _l("Road closure"),
    "animals": _l("Animals"),
    "set_construction": _l("Set construction"),
    "night_work": _l("Night work"),
}

TIERS = {"low": _l("Low impact"), "medium": _l("Medium impact"), "high": _l("High impact")}
