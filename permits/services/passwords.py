"""Password hashing (argon2id) and the password policy.

Policy (NIST SP 800-63B): at least 12 characters, long passphrases and any
Unicode accepted, no composition rules, common and trivially guessable
passwords refused.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import threading
import unicodedata
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context
from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 1024

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about
# 50 ms here. Raise it with the environment where the servers have room;
# hashes made with other parameters still verify and are upgraded at login.
_hasher = PasswordHasher(
    time_cost=int(os.environ.get("ARGON2_TIME_COST", "2")),
    memory_cost=int(os.environ.get("ARGON2_MEMORY_KIB", "19456")),
    parallelism=int(os.environ.get("ARGON2_PARALLELISM", "1")),
)

DEFAULT_HASHES_AT_ONCE = 1
_slots_lock = threading.Lock()
_slots: tuple[int, threading.BoundedSemaphore] | None = None


def hashing_slots() -> threading.BoundedSemaphore:
    """The semaphore every argon2 hash and verification of this process
    takes: at most ``PASSWORD_HASHES_AT_ONCE`` hold their 19 MiB at a time."""
    global _slots
    size = DEFAULT_HASHES_AT_ONCE
    if has_app_context():
        size = max(1, int(current_app.config.get("PASSWORD_HASHES_AT_ONCE", DEFAULT_HASHES_AT_ONCE)))
    with _slots_lock:
        if _slots is None or _slots[0] != size:
            _slots = (size, threading.BoundedSemaphore(size))
        return _slots[1]


# Hash of a random password: verifying against it when the account does not
# exist makes an unknown e-mail take as long as a wrong password.
@functools.cache
def _dummy_hash() -> str:
    # Made on first use, not at import: every process (web, worker, CLI)
    # would otherwise pay an argon2 hash at start-up.
    with hashing_slots():
        return _hasher.hash("this-password-is-never-used-by-anybody")

_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")


def normalise(password: str) -> str:
    # NFKC so that the same passphrase typed on two keyboards matches.
    return unicodedata.normalize("NFKC", password)


def _load_common() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(normalise(line.strip()).casefold() for line in lines if line.strip() and not line.startswith("#"))


# Loaded once, at import: a few hundred words (see the file's header).
COMMON_PASSWORDS = _load_common()

# Letters people write as digits or symbols (p@ssw0rd).
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t", "8": "b"})
# What is padded around a word: digits, punctuation, spaces (password2024!, !!qwerty).
_PADDING = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$", re.DOTALL)
_SEPARATORS = re.compile(r"[\W_]+")
_REPEATED = re.compile(r"(.+?)\1+", re.DOTALL)


def _variants(lowered: str) -> set[str]:
    """The password and what it is made of: unpadded, without separators,
    without leetspeak, reversed, and the unit of a repetition."""
    core = _PADDING.match(lowered).group(1)
    found = {lowered, core, _SEPARATORS.sub("", core)}
    found |= {_PADDING.match(v.translate(_LEET)).group(1) for v in list(found)}
    found |= {_SEPARATORS.sub("", v) for v in list(found)}
    found |= {v[::-1] for v in list(found)}
    for value in list(found):
        repeated = _REPEATED.fullmatch(value)
        if repeated:
            found.add(repeated.group(1))
    return {v for v in found if v}


def _context_words(email: str, name: str) -> set[str]:
    """Words of this user that must not be the password: the e-mail, its
    local part, the name and its parts."""
    words = set()
    email = normalise(email or "").casefold().strip()
    if email:
        local = email.split("@")[0]
        words |= {email, local, _SEPARATORS.sub("", local)}
    name = normalise(name or "").casefold().strip()
    if name:
        words.add(_SEPARATORS.sub("", name))
        words |= {part for part in _SEPARATORS.split(name) if len(part) >= 3}
    return {w for w in words if len(w) >= 3}


def policy_errors(password: str, *, email: str = "", name: str = "") -> list[str]:
    password = normalise(password or "")
    if len(password) < MIN_LENGTH:
        return [_("Use at least %(n)d characters. A phrase of several words is easy to remember.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_("Use at most %(n)d characters.", n=MAX_LENGTH)]
    lowered = password.casefold()
    variants = _variants(lowered)
    if variants & COMMON_PASSWORDS or len(set(lowered)) <= 2:
        return [_("This password is too common. Choose something harder to guess.")]
    repeated = _REPEATED.fullmatch(_SEPARATORS.sub("", lowered))
    if _is_sequence(lowered) or (repeated and len(repeated.group(1)) <= 4):
        return [_("This password is too easy to guess. Choose something harder to guess.")]
    context = _context_words(email, name)
    local_part = (email or "").split("@")[0].casefold()
    starts_with_email = len(local_part) >= 4 and lowered.startswith(local_part) and len(lowered) - len(local_part) < 4
    if variants & context or starts_with_email or (email and normalise(email).casefold() in lowered):
        return [_("Do not use your e-mail address as your password.")]
    return []


def _is_sequence(value: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(value)}
    return len(steps) == 1 and steps.pop() in (1, -1)


def hash_password(password: str) -> str:
    with hashing_slots():
        return _hasher.hash(normalise(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    stored = password_hash or _dummy_hash()
    try:
        with hashing_slots():
            return _hasher.verify(stored, normalise(password or "")) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
