"""The permit's printed labels, bilingual: Azerbaijani, the language of the
authority and of the police officer it is shown to, with the producer's
language alongside ("İcazə nömrəsi / Permit number", "İcazə nömrəsi /
Номер разрешения"); Azerbaijani alone for an Azerbaijani producer.

Each label is an English msgid (the catalogues translate it). A permit is a
legal document that must never print a half-translated label, so until the
catalogues carry these msgids the Azerbaijani and Russian wording below is
used in their place (``label`` prefers the catalogue's translation).
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from permits.formats import OFFICIAL_LANGUAGE, side_by_side

LABELS = {
    "title": _l("Filming permit"),
    "number": _l("Permit number"),
    "code": _l("Verification code"),
    "version": _l("Version"),
    "status": _l("Status"),
    "validity": _l("Valid"),
    "issued": _l("Issued on"),
    "authority": _l("Issuing authority"),
    "production": _l("Production"),
    "production_title": _l("Title"),
    "production_type": _l("Type of production"),
    "company": _l("Production company"),
    "country": _l("Country"),
    "reference": _l("Application"),
    "sites": _l("Filming sites and dates"),
    "site": _l("Site"),
    "dates": _l("Dates"),
    "hours": _l("Daily hours"),
    "crew": _l("Crew on site"),
    "activities": _l("Activities"),
    "none": _l("None declared"),
    "conditions": _l("Conditions"),
    "no_conditions": _l("No special conditions."),
    "amendment": _l("Amendment"),
    "verify": _l("Check this permit"),
    "verify_hint": _l("Scan the QR code, or enter the permit number and the verification code at"),
    "page": _l("Page"),
    "valid": _l("valid"),
    "revoked": _l("revoked"),
    "expired": _l("expired"),
}

FALLBACK = {
    "az": {
        "title": "Çəkiliş icazəsi",
        "number": "İcazə nömrəsi",
        "code": "Yoxlama kodu",
        "version": "Versiya",
        "status": "Status",
        "validity": "Etibarlıdır",
        "issued": "Verilmə tarixi",
        "authority": "İcazəni verən orqan",
        "production": "İstehsal",
        "production_title": "Adı",
        "production_type": "İstehsalın növü",
        "company": "İstehsal şirkəti",
        "country": "Ölkə",
        "reference": "Müraciət",
        "sites": "Çəkiliş yerləri və tarixlər",
        "site": "Yer",
        "dates": "Tarixlər",
        "hours": "Gündəlik saatlar",
        "crew": "Məkanda heyət",
        "activities": "Fəaliyyətlər",
        "none": "Bəyan edilməyib",
        "conditions": "Şərtlər",
        "no_conditions": "Xüsusi şərt yoxdur.",
        "amendment": "Düzəliş",
        "verify": "Bu icazəni yoxlayın",
        "verify_hint": "QR kodu skan edin və ya icazə nömrəsini və yoxlama kodunu daxil edin:",
        "page": "Səhifə",
        "valid": "etibarlı",
        "revoked": "ləğv edilib",
        "expired": "müddəti bitib",
    },
    "ru": {
        "title": "Разрешение на съёмку",
        "number": "Номер разрешения",
        "code": "Код проверки",
        "version": "Версия",
        "status": "Статус",
        "validity": "Действует",
        "issued": "Дата выдачи",
        "authority": "Выдавший орган",
        "production": "Производство",
        "production_title": "Название",
        "production_type": "Вид производства",
        "company": "Продюсерская компания",
        "country": "Страна",
        "reference": "Заявка",
        "sites": "Места и даты съёмок",
        "site": "Место",
        "dates": "Даты",
        "hours": "Часы работы",
        "crew": "Группа на площадке",
        "activities": "Виды работ",
        "none": "Не заявлены",
        "conditions": "Условия",
        "no_conditions": "Особых условий нет.",
        "amendment": "Изменение",
        "verify": "Проверить разрешение",
        "verify_hint": "Отсканируйте QR-код или введите номер разрешения и код проверки на",
        "page": "Страница",
        "valid": "действует",
        "revoked": "отозвано",
        "expired": "истекло",
    },
}


def label(key: str, language: str) -> str:
    """One label in one language."""
    english = str(LABELS[key]._args[0]) if hasattr(LABELS[key], "_args") else str(LABELS[key])
    if language == "en":
        return english
    with force_locale(language):
        translated = _(english)
    if translated != english:
        return translated
    return FALLBACK.get(language, {}).get(key, english)


def bilingual(key: str, language: str) -> str:
    """``"İcazə nömrəsi / Permit number"`` for an English-speaking producer,
    ``"İcazə nömrəsi / Номер разрешения"`` for a Russian-speaking one,
    ``"İcazə nömrəsi"`` alone for an Azerbaijani-speaking one."""
    return side_by_side(label(key, OFFICIAL_LANGUAGE), label(key, language))


def translated_code(mapping: dict, code: str, language: str) -> str:
    """A code label from permits.labels in one language (English fallback)."""
    value = mapping.get(code)
    if value is None:
        return code
    with force_locale(language):
        return str(value)
