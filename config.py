"""Settings, read from the environment. No application imports here.

Three classes: the embedded default (``DevelopmentConfig``: SQLite under
``instance/``, a serverless Celery broker, mail captured to a local mailbox),
``TestingConfig`` and ``ProductionConfig`` (PostgreSQL, Redis, SMTP). Only
environment variables differ between them; the code is the same.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))

# A key that must never reach production; ProductionConfig.validate refuses it.
DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key-change-me"  # noqa: S105  (the value production refuses)
KNOWN_WEAK_KEYS = {DEFAULT_SECRET_KEY, "change-me", "changeme", "secret", "dev", "development", "please-change-me"}
# Words that must not appear anywhere in a key (long enough that a random key
# never contains one by chance).
WEAK_KEY_PARTS = ("dev-only-insecure", "changeme", "change-me", "please-change", "development", "insecure")
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_DISTINCT = 8  # secrets.token_hex(16) has 8 or more in practice always
MIN_SECRET_KEY_BITS = 64  # estimated from the characters' frequencies; token_hex(16) gives 95+


class ConfigError(RuntimeError):
    """Raised when a configuration is unsafe or incomplete."""


def _estimated_bits(key: str) -> float:
    """Shannon's estimate of the key's entropy: its characters' frequencies times its length."""
    import math
    from collections import Counter

    counts = Counter(key)
    return -sum(n * math.log2(n / len(key)) for n in counts.values())


def _repeats_a_pattern(key: str) -> bool:
    """"abcabcabc...": the key is a shorter piece repeated."""
    return any(all(key[i] == key[i % period] for i in range(len(key))) for period in range(1, len(key) // 2 + 1))


def secret_key_problem(key: str) -> str | None:
    """Why a production SECRET_KEY is unsafe, or None. Long but guessable keys
    (40 spaces, 32 x "a", "changeme" x 4) are refused along with short ones."""
    if not key:
        return "SECRET_KEY is not set"
    lowered = key.lower()
    if lowered in KNOWN_WEAK_KEYS or any(part in lowered for part in WEAK_KEY_PARTS):
        return "SECRET_KEY is or contains the development default"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    if len(set(key)) < MIN_SECRET_KEY_DISTINCT:
        return f"SECRET_KEY has fewer than {MIN_SECRET_KEY_DISTINCT} different characters"
    if _repeats_a_pattern(key):
        return "SECRET_KEY is a short pattern repeated"
    if _estimated_bits(key) < MIN_SECRET_KEY_BITS:
        return f"SECRET_KEY is too predictable (under {MIN_SECRET_KEY_BITS} bits of estimated entropy)"
    return None


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _normalise_db_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class BaseConfig:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    DEBUG = False
    TESTING = False

    SQLALCHEMY_DATABASE_URI = _normalise_db_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'permits.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Celery: Redis in production; a broker that needs no server otherwise.
    CELERY_BROKER_URL = os.environ.get(
        "CELERY_BROKER_URL",
        REDIS_URL or f"sqla+sqlite:///{INSTANCE_DIR / 'celery-broker.db'}",
    )
    CELERY_ALWAYS_EAGER = _bool("CELERY_ALWAYS_EAGER", False)

    # Mail: an smtp:// or smtps:// URL, or "mailbox" to capture to instance/mailbox.
    SMTP_URL = os.environ.get("SMTP_URL", "mailbox")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Film Permits <no-reply@filmpermit.az>")
    MAILBOX_DIR = str(INSTANCE_DIR / "mailbox")
    # The address in e-mail links and QR codes: by default the one `make run`
    # serves (PORT, 5000 unless set).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT') or '5000'}")

    # The account fees are paid into, printed on invoices (the commission's
    # own details in production; these are the demo's).
    COMMISSION_BANK_NAME = os.environ.get("COMMISSION_BANK_NAME", "Azerbaijan Film Commission")
    COMMISSION_BANK_IBAN = os.environ.get("COMMISSION_BANK_IBAN", "AZ21NABZ00000000137010001944")
    COMMISSION_BANK_BIC = os.environ.get("COMMISSION_BANK_BIC", "NABZAZ2X")
    COMMISSION_BANK_TAX_ID = os.environ.get("COMMISSION_BANK_TAX_ID", "1700000000")

    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024

    # Reverse proxies in front of gunicorn (nginx, a load balancer) whose
    # X-Forwarded-For/-Proto/-Host/-Port headers are believed: the visitor's
    # address (rate limits, logs) is the one the outermost trusted proxy saw.
    # 0 (the default) believes none: right when browsers reach gunicorn
    # directly, and never more than the number of proxies really there, or a
    # visitor could choose their own address.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # The anonymous public pages (catalogue, site, quote, scorecard,
    # verification) kept rendered in Redis until a write changes them
    # (permits/page_cache.py); empty: rendered every time.
    PUBLIC_PAGE_CACHE_URL = os.environ.get("PUBLIC_PAGE_CACHE_URL", REDIS_URL)
    PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "300"))

    # Rate limits: Redis when there is one, so every web worker shares the counters.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", REDIS_URL or "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down must not take sign-in and verification down with it: the
    # limiter logs it once and counts in each process's memory until Redis
    # answers again (it checks now and then); any other storage error is
    # logged and the request goes on. Short timeouts, so a dead Redis costs
    # a request at most a second.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    # Permit lookups by QR token or number + code, per address.
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute")
    # Registrations per address, and uploads per signed-in user (every upload route together).
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "5 per hour;20 per day")
    UPLOAD_RATE_LIMIT = os.environ.get("UPLOAD_RATE_LIMIT", "30 per hour;100 per day")
    # The JSON API: calls per personal access token, and per address for calls without one.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
    API_ANONYMOUS_RATE_LIMIT = os.environ.get("API_ANONYMOUS_RATE_LIMIT", "120 per minute")

    BABEL_DEFAULT_LOCALE = "az"
    BABEL_DEFAULT_TIMEZONE = "Asia/Baku"
    LANGUAGES = ("az", "en", "ru")

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    PERMANENT_SESSION_LIFETIME = 12 * 3600

    PASSWORD_RESET_MAX_AGE = 3600
    # Password hashes and verifications running at once in one process: each
    # argon2id holds 19 MiB while it runs, and a worker's threads signing in
    # together would each hold their own (4 threads: 76 MiB that glibc keeps).
    # The others wait their turn (about 50 ms each) and then succeed.
    PASSWORD_HASHES_AT_ONCE = int(os.environ.get("PASSWORD_HASHES_AT_ONCE", "1"))
    HSTS = False
    DEV_MAILBOX_PAGE = False
    # Webhook endpoints on this machine (http://127.0.0.1:...): for tests and
    # development only; production refuses it (an endpoint could reach the
    # machine's own services).
    WEBHOOKS_ALLOW_LOOPBACK = _bool("WEBHOOKS_ALLOW_LOOPBACK", False)
    # The public open-data files, per visitor's address.
    OPEN_DATA_RATE_LIMIT = os.environ.get("OPEN_DATA_RATE_LIMIT", "120 per minute")

    @classmethod
    def validate(cls) -> None:
        """Refuse unsafe settings; the base class has nothing to refuse."""


class DevelopmentConfig(BaseConfig):
    # Without SECRET_KEY in the environment, the factory makes a random key
    # once and keeps it under instance/ (see permits.instance_secret_key).
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    DEBUG = _bool("FLASK_DEBUG", False)
    DEV_MAILBOX_PAGE = True
    WEBHOOKS_ALLOW_LOOPBACK = _bool("WEBHOOKS_ALLOW_LOOPBACK", True)  # a receiver on this machine, for development


class TestingConfig(BaseConfig):
    TESTING = True
    # Assertions read English; tests of the language choice set their own.
    BABEL_DEFAULT_LOCALE = "en"
    SECRET_KEY = "testing-secret-key-that-is-long-enough-0123456789"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = _normalise_db_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")
    )
    CELERY_BROKER_URL = "memory://"
    CELERY_ALWAYS_EAGER = False
    SMTP_URL = os.environ.get("TEST_SMTP_URL", "mailbox")
    RATELIMIT_STORAGE_URI = "memory://"
    # Tests empty the tables between them without the session: a kept page
    # would outlive its rows. Tests of the cache give it a Redis of their own.
    PUBLIC_PAGE_CACHE_URL = ""
    SERVER_NAME = None
    PUBLIC_BASE_URL = "http://localhost"
    DEV_MAILBOX_PAGE = True


class ProductionConfig(BaseConfig):
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    @classmethod
    def validate(cls) -> None:
        problems = []
        if cls.DEBUG or _bool("FLASK_DEBUG"):
            problems.append("debug mode is on (unset FLASK_DEBUG)")
        key_problem = secret_key_problem(cls.SECRET_KEY or "")
        if key_problem:
            problems.append(key_problem + ' (make one with: python3 -c "import secrets; print(secrets.token_urlsafe(48))")')
        if cls.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            problems.append("DATABASE_URL is not set to a PostgreSQL database")
        if cls.WEBHOOKS_ALLOW_LOOPBACK or _bool("WEBHOOKS_ALLOW_LOOPBACK"):
            problems.append("WEBHOOKS_ALLOW_LOOPBACK is on: webhooks could call this machine's own services")
        if (cls.RATELIMIT_STORAGE_URI or "memory://").startswith("memory"):
            problems.append(
                "RATELIMIT_STORAGE_URI is memory://: each gunicorn worker would keep its own counters, "
                "multiplying every rate limit by the number of workers; set REDIS_URL (or "
                "RATELIMIT_STORAGE_URI to a shared storage such as redis://)"
            )
        if problems:
            raise ConfigError("Refusing to start in production: " + "; ".join(problems) + ".")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[BaseConfig]:
    name = name or os.environ.get("PERMITS_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"Unknown PERMITS_ENV {name!r}; use one of {', '.join(CONFIGS)}.") from None
