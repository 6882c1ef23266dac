"""Accounts: registration, sign-in, password changes and resets, staff."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from permits.extensions import db
from permits.models import (
    Company,
    CompanyMembership,
    Organisation,
    OrganisationMembership,
    StaffRole,
    User,
    normalise_email,
    utcnow,
)
from permits.notifications import queue_email
from permits.services import ServiceError
from permits.services.passwords import hash_password, needs_rehash, policy_errors, verify_password


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email_normalised == normalise_email(email))
    ).scalar_one_or_none()


def _check_new_password(password: str, email: str, name: str = "") -> None:
    errors = policy_errors(password, email=email, name=name)
    if errors:
        raise ServiceError(errors[0], field="password")


def create_user(*, email: str, name: str, password: str, language: str = "az", **flags) -> User:
    if find_user_by_email(email):
        raise ServiceError(_("An account with this e-mail address already exists."), field="email")
    _check_new_password(password, email, name)
    user = User(
        email=email.strip(),
        email_normalised=normalise_email(email),
        name=name.strip(),
        language=language,
        password_hash=hash_password(password),
        **flags,
    )
    db.session.add(user)
    db.session.flush()
    return user


def register_producer(
    *,
    email: str,
    name: str,
    password: str,
    language: str,
    legal_name: str,
    country: str,
    registration_number: str = "",
    phone: str = "",
) -> User:
    """A producer signs up together with the company they act for."""
    user = create_user(email=email, name=name, password=password, language=language)
    company = Company(
        legal_name=legal_name.strip(),
        country=country.upper(),
        registration_number=registration_number.strip(),
        contact_name=name.strip(),
        contact_email=email.strip(),
        contact_phone=phone.strip(),
    )
    db.session.add(company)
    db.session.flush()
    db.session.add(CompanyMembership(user_id=user.id, company_id=company.id, role="owner"))
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the e-mail and password match an active account, else None.

    An unknown e-mail still runs a full argon2 verification (against a dummy
    hash) so that the answer takes the same time either way.
    """
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not (user and ok and user.active):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def end_all_sessions(user: User) -> None:
    """Every session and remember cookie of this user becomes anonymous."""
    user.session_version = (user.session_version or 1) + 1


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise ServiceError(_("Your current password is not correct."), field="current_password")
    _check_new_password(new_password, user.email, user.name)
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)


def update_profile(user: User, *, name: str, language: str) -> None:
    if language not in current_app.config["LANGUAGES"]:
        raise ServiceError(_("Choose one of the offered languages."), field="language")
    user.name = name.strip()
    user.language = language


# Password reset: a signed token bound to the current password hash and
# session version, so it stops working once used (the hash changes) and
# after one hour (the signature's age).
def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _reset_fingerprint(user: User) -> str:
    return f"{user.session_version}:{user.password_hash[-16:]}"


def make_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"u": user.id, "f": _reset_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active or data.get("f") != _reset_fingerprint(user):
        return None
    return user


def request_password_reset(email: str) -> None:
    """Queue a reset e-mail if the account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    token = make_reset_token(user)
    queue_email(
        "password_reset",
        user,
        {
            "name": user.name,
            "reset_url": current_app.config["PUBLIC_BASE_URL"].rstrip("/")
            + url_for("auth.reset_password", token=token),
            "valid_minutes": current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
        },
        key=f"password-reset:{user.id}:{token[-24:]}",
    )


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        raise ServiceError(_("This link has expired or has already been used. Ask for a new one."))
    _check_new_password(new_password, user.email, user.name)
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    return user


def create_organisation(*, key: str, kind: str, name_az: str, name_en: str, name_ru: str, email: str = "", phone: str = "") -> Organisation:
    if db.session.execute(select(Organisation).where(Organisation.key == key)).scalar_one_or_none():
        raise ServiceError(_("An organisation with this key already exists."), field="key")
    organisation = Organisation(
        key=key, kind=kind, name_az=name_az, name_en=name_en, name_ru=name_ru, email=email, phone=phone
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def create_staff_user(
    *, organisation: Organisation, email: str, name: str, password: str, role: str = StaffRole.REVIEWER, language: str = "az"
) -> User:
    if role not in StaffRole.ALL:
        raise ServiceError(_("Choose one of the offered roles."), field="role")
    user = create_user(email=email, name=name, password=password, language=language)
    db.session.add(OrganisationMembership(user_id=user.id, organisation_id=organisation.id, role=role))
    db.session.flush()
    return user
