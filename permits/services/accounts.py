"""Accounts: registration, sign-in, password changes and resets, staff."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from permits.countries import is_country
from permits.extensions import db
from permits.models import (
    Company,
    CompanyMembership,
    Organisation,
    OrganisationMembership,
    PendingRegistration,
    StaffRole,
    User,
    normalise_email,
    utcnow,
)
from permits.notifications import queue_email
from permits.services import ServiceError, api_tokens
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


# Registration answers the same way for a new and an existing address (no
# one learns from it whether an address has an account): the form's page says
# "check your e-mail"; a new address gets a link that creates the account, the
# owner of an existing one is told someone tried and how to sign in.
REGISTRATION_VALID = dt.timedelta(hours=24)
MAX_PENDING_REGISTRATIONS = 3  # per address at once: no flood of links to one mailbox


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _absolute(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def request_registration(
    *,
    email: str,
    name: str,
    password: str,
    language: str,
    legal_name: str,
    country: str,
    registration_number: str = "",
    phone: str = "",
    now: dt.datetime | None = None,
) -> None:
    """A producer asks to register with their company. Nothing is said about
    the address: the same work (a password hash, one e-mail) either way."""
    if not is_country(country):
        raise ServiceError(_("Choose the company's country."), field="country")
    _check_new_password(password, email, name)
    password_hash = hash_password(password)
    now = now or utcnow()
    existing = find_user_by_email(email)
    if existing is not None:
        if existing.active:
            queue_email(
                "registration_existing",
                existing,
                {"name": existing.name, "login_url": _absolute("auth.login"), "reset_url": _absolute("auth.forgot_password")},
                key=f"registration-existing:{existing.id}:{now:%Y%m%d%H}",  # at most one an hour
            )
        return
    waiting = db.session.execute(
        select(func.count(PendingRegistration.id)).where(
            PendingRegistration.email_normalised == normalise_email(email), PendingRegistration.expires_at > now
        )
    ).scalar_one()
    if waiting >= MAX_PENDING_REGISTRATIONS:
        return
    token = secrets.token_urlsafe(32)
    pending = PendingRegistration(
        token_hash=_token_hash(token),
        email=email.strip(),
        email_normalised=normalise_email(email),
        name=name.strip(),
        phone=phone.strip(),
        language=language if language in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"],
        legal_name=legal_name.strip(),
        country=country.upper(),
        registration_number=registration_number.strip(),
        password_hash=password_hash,
        created_at=now,
        expires_at=now + REGISTRATION_VALID,
    )
    db.session.add(pending)
    db.session.flush()
    queue_email(
        "registration_confirm",
        pending.email,
        {"name": pending.name, "legal_name": pending.legal_name, "valid_hours": int(REGISTRATION_VALID.total_seconds() // 3600),
         "confirm_url": _absolute("auth.confirm_registration", token=token)},
        key=f"registration:{pending.id}",
        language=pending.language,
    )


def pending_registration(token: str, now: dt.datetime | None = None) -> PendingRegistration | None:
    """The registration a confirmation link belongs to, while it is valid."""
    if not token or len(token) > 128:
        return None
    return db.session.execute(
        select(PendingRegistration).where(
            PendingRegistration.token_hash == _token_hash(token), PendingRegistration.expires_at > (now or utcnow())
        )
    ).scalar_one_or_none()


def confirm_registration(token: str, now: dt.datetime | None = None) -> User:
    """The address's owner opened the link: the account and the company are made."""
    pending = pending_registration(token, now)
    if pending is None:
        raise ServiceError(_("This link has expired or has already been used. Register again to get a new one."))
    address = pending.email_normalised
    if find_user_by_email(pending.email) is not None:
        _forget_registrations(address)
        raise ServiceError(_("An account with this e-mail address exists already. Sign in, or ask for a new password if you have forgotten it."))
    user = User(email=pending.email, email_normalised=address, name=pending.name, language=pending.language,
                password_hash=pending.password_hash)
    db.session.add(user)
    db.session.flush()
    _add_company(user, legal_name=pending.legal_name, country=pending.country,
                 registration_number=pending.registration_number, phone=pending.phone)
    _forget_registrations(address)
    return user


def _forget_registrations(email_normalised: str) -> None:
    db.session.execute(
        delete(PendingRegistration).where(PendingRegistration.email_normalised == email_normalised)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


def purge_expired_registrations(now: dt.datetime | None = None) -> int:
    """Registrations nobody confirmed in time (their personal data goes with them)."""
    result = db.session.execute(
        delete(PendingRegistration).where(PendingRegistration.expires_at <= (now or utcnow()))
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount


def _add_company(user: User, *, legal_name: str, country: str, registration_number: str = "", phone: str = "") -> Company:
    company = Company(
        legal_name=legal_name.strip(),
        country=country.upper(),
        registration_number=registration_number.strip(),
        contact_name=user.name,
        contact_email=user.email,
        contact_phone=phone.strip(),
    )
    db.session.add(company)
    db.session.flush()
    db.session.add(CompanyMembership(user_id=user.id, company_id=company.id, role="owner"))
    db.session.flush()
    return company


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


def _new_password(user: User, new_password: str) -> int:
    """Set the password; every session ends and every API token in use is
    revoked (how many were: the pages say so)."""
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    return api_tokens.revoke_all(user)


def change_password(user: User, current_password: str, new_password: str) -> int:
    """The user's new password; the number of API tokens it revoked."""
    if not verify_password(user.password_hash, current_password):
        raise ServiceError(_("Your current password is not correct."), field="current_password")
    _check_new_password(new_password, user.email, user.name)
    return _new_password(user, new_password)


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


def reset_password(token: str, new_password: str) -> tuple[User, int]:
    """The user whose password the link set; the number of API tokens it revoked."""
    user = user_for_reset_token(token)
    if user is None:
        raise ServiceError(_("This link has expired or has already been used. Ask for a new one."))
    _check_new_password(new_password, user.email, user.name)
    return user, _new_password(user, new_password)


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
