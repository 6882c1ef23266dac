"""Translated labels for codes stored in the database.

This is the one place besides the demo data where review and organisation
kinds are spelled out: the process definition (workflows/) names them, and
these are their names in the reader's language.
"""

from flask_babel import lazy_gettext as _l

from permits.models.base import current_language
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
    "emergency": _l("Emergency services"),
}

APPLICATION_STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Screening"),
    "in_review": _l("Under review"),
    "final_review": _l("Final decision"),
    "awaiting_payment": _l("Approved, awaiting payment"),
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
    "emergency": _l("Emergency services' review"),
    "commission_decision": _l("Fast-track decision of the film commission"),
}

# The commission's queues of one stage, linked from its dashboard.
STAGE_QUEUES = {
    "screening": _l("Screening queue"),
    "final": _l("Final decision queue"),
}

# Routes through the stages (workflows.ROUTES).
ROUTES = {
    "standard": _l("Standard review"),
    "fast_track": _l("Fast track"),
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
    "approve_by_consent": _l("approved under the owner's standing consent"),
}

# The audit trail's entries (WorkflowEvent.action): every action of the
# process definitions' transitions and every step the services record beside
# them (tests/i18n/test_event_titles.py finds them all in the code).
EVENT_TITLES = {
    "submit": _l("Submitted by the producer"),
    "open": _l("Review opened"),
    "claim": _l("Review taken"),
    "release": _l("Review given back to the queue"),
    "assign": _l("Review assigned"),
    "approve": _l("Approved"),
    "approve_with_conditions": _l("Approved with conditions"),
    "approve_by_consent": _l("Approved at once under the owner's standing consent"),
    "reject": _l("Refused"),
    "request_information": _l("Information requested from the producer"),
    "provide_information": _l("The producer answered"),
    "cancel": _l("Review closed"),
    "start_review": _l("Screening passed: reviews opened"),
    "open_final": _l("Final decision opened"),
    "return_to_parallel": _l("Back to the parallel reviews"),
    "drop": _l("Refused site dropped"),
    "drop_sites": _l("Refused sites dropped"),
    "replace_site": _l("Another site proposed for the refused one"),
    "message_producer": _l("Message sent to the producer"),
    "withdraw": _l("Withdrawn by the producer"),
    "lapse": _l("Lapsed: no answer in time"),
    "revoke": _l("Permit revoked"),
    "expire": _l("Permit expired"),
    "amend": _l("Amendment requested"),
    "reopen": _l("Review reopened"),
    "escalate": _l("Overdue: the supervisors were alerted"),
    "flagged_late": _l("Submitted after the latest day to apply"),
    "await_payment": _l("Approved: the permit waits for the fee"),
    "settle": _l("Fee paid: permit issued"),
    "invoice_issued": _l("Invoice issued"),
    "invoice_reissued": _l("Invoice reissued"),
    "payment_recorded": _l("Payment recorded"),
    "refund_recorded": _l("Refund recorded"),
    "waiver_requested": _l("Fee waiver requested"),
    "waiver_granted": _l("Fee waiver granted"),
    "waiver_refused": _l("Fee waiver refused"),
    "account_closed": _l("Fees settled as the application ended"),
}


def event_title(action: str) -> str:
    """An audit trail entry in the reader's language (an unknown action,
    which the tests do not let happen, made readable)."""
    title = EVENT_TITLES.get(action)
    return str(title) if title is not None else (action or "").replace("_", " ").capitalize()


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
    "police_uniforms": _l("Police uniforms or vehicles"),
    "public_road_stunts": _l("Stunts or crowds on a public road"),
    "open_flames": _l("Open flames or fire effects"),
}

TIERS = {"low": _l("Low impact"), "medium": _l("Medium impact"), "high": _l("High impact")}

# Money (issue 15): the grounds of a fee waiver (workflows.money.WaiverGround
# codes), what proof each asks for, and what became of a request.
WAIVER_GROUNDS = {
    "student": _l("Student film"),
    "non_profit_documentary": _l("Non-profit documentary"),
    "heritage_film": _l("Film about the country's heritage"),
}
WAIVER_PROOFS = {
    "student": _l("Attach a letter from the film school."),
    "non_profit_documentary": _l("Attach the non-profit registration certificate."),
    "heritage_film": _l("Attach the synopsis of the film."),
}
WAIVER_STATES = {
    "requested": _l("Requested"),
    "granted": _l("Granted"),
    "refused": _l("Refused"),
}
# The kinds of a ledger line (workflows.money.EntryKind).
MONEY_ENTRY_KINDS = {
    "invoiced": _l("Invoiced"),
    "waived": _l("Waived"),
    "paid": _l("Paid"),
    "refunded": _l("Refunded"),
    "cancelled": _l("Cancelled"),
}


def waiver_ground_label(code: str) -> str:
    return str(WAIVER_GROUNDS.get(code, (code or "").replace("_", " ")))


def invoice_line_label(code: str, sites: dict | None = None) -> str:
    """An invoice line's code (``tier:<tier>``, ``site:<location id>``,
    ``review:<kind>``) named in the reader's language; ``sites`` maps
    location ids to their Location (its name in the reader's language)."""
    kind, _sep, value = (code or "").partition(":")
    if kind == "tier":
        return str(_l("Base fee (%(tier)s)", tier=TIERS.get(value, value)))
    if kind == "site":
        site = (sites or {}).get(int(value)) if value.isdigit() else None
        return str(_l("Site: %(site)s", site=site.name if site is not None else value))
    if kind == "review":
        return str(_l("Review fee: %(review)s", review=review_kind_name(value)))
    return code or ""


# The codes of Location.region and Location.category, named in the three
# languages (proper names, so not gettext).
# Economic regions of the Republic of Azerbaijan (2021 division).
REGION_NAMES = {
    "baku": {"az": "Bakı", "en": "Baku", "ru": "Баку"},
    "absheron_khizi": {
        "az": "Abşeron-Xızı",
        "en": "Absheron-Khizi",
        "ru": "Абшерон-Хызы",
    },
    "mountainous_shirvan": {
        "az": "Dağlıq Şirvan",
        "en": "Mountainous Shirvan",
        "ru": "Нагорный Ширван",
    },
    "sheki_zagatala": {
        "az": "Şəki-Zaqatala",
        "en": "Shaki-Zagatala",
        "ru": "Шеки-Загатала",
    },
    "guba_khachmaz": {
        "az": "Quba-Xaçmaz",
        "en": "Guba-Khachmaz",
        "ru": "Губа-Хачмаз",
    },
    "ganja_dashkasan": {
        "az": "Gəncə-Daşkəsən",
        "en": "Ganja-Dashkasan",
        "ru": "Гянджа-Дашкесан",
    },
    "gazakh_tovuz": {"az": "Qazax-Tovuz", "en": "Gazakh-Tovuz", "ru": "Газах-Товуз"},
    "karabakh": {"az": "Qarabağ", "en": "Karabakh", "ru": "Карабах"},
    "east_zangezur": {
        "az": "Şərqi Zəngəzur",
        "en": "East Zangezur",
        "ru": "Восточный Зангезур",
    },
    "lankaran_astara": {
        "az": "Lənkəran-Astara",
        "en": "Lankaran-Astara",
        "ru": "Ленкорань-Астара",
    },
    "central_aran": {
        "az": "Mərkəzi Aran",
        "en": "Central Aran",
        "ru": "Центральный Аран",
    },
    "mil_mughan": {"az": "Mil-Muğan", "en": "Mil-Mughan", "ru": "Миль-Муган"},
    "shirvan_salyan": {
        "az": "Şirvan-Salyan",
        "en": "Shirvan-Salyan",
        "ru": "Ширван-Сальян",
    },
    "nakhchivan": {"az": "Naxçıvan", "en": "Nakhchivan", "ru": "Нахчыван"},
}

CATEGORY_NAMES = {
    "old_town": {"az": "Köhnə şəhər", "en": "Old town", "ru": "Старый город"},
    "monument": {"az": "Abidə", "en": "Monument", "ru": "Памятник"},
    "museum": {"az": "Muzey", "en": "Museum", "ru": "Музей"},
    "nature": {"az": "Təbiət", "en": "Nature", "ru": "Природа"},
    "landscape": {"az": "Landşaft", "en": "Landscape", "ru": "Ландшафт"},
    "urban": {"az": "Şəhər mühiti", "en": "Urban", "ru": "Городская среда"},
    "village": {"az": "Kənd", "en": "Village", "ru": "Село"},
    "religious": {
        "az": "Dini məkan",
        "en": "Religious site",
        "ru": "Религиозное место",
    },
}


def _named(names: dict, code: str) -> str:
    """In the reader's language, else English, else the code made readable."""
    by_language = names.get(code, {})
    return by_language.get(current_language()) or by_language.get("en") or (code or "").replace("_", " ").title()


def region_label(code: str) -> str:
    return _named(REGION_NAMES, code)


def category_label(code: str) -> str:
    return _named(CATEGORY_NAMES, code)
