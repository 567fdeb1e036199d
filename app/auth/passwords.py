"""argon2id password hashing (argon2-cffi's defaults follow RFC 9106's recommendation).

An app with TESTING on hashes with argon2-cffi's CHEAPEST profile (still argon2id): a test login
then costs microseconds instead of the production ~0.1 s of CPU and 64 MiB. Verification reads the
parameters from the stored hash, so both kinds of hash verify everywhere; a production app rehashes
a cheap hash at the next login (`needs_rehash`).
"""
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

_PRODUCTION = PasswordHasher()
_TESTING = PasswordHasher.from_parameters(profiles.CHEAPEST)
# Verifying against a dummy hash keeps the timing of "unknown email" close to "wrong password".
_DUMMY_HASHES: dict[int, str] = {}

MIN_LENGTH = 10
MAX_LENGTH = 200


def _hasher() -> PasswordHasher:
    return _TESTING if has_app_context() and current_app.testing else _PRODUCTION


def _dummy_hash(hasher: PasswordHasher) -> str:
    if id(hasher) not in _DUMMY_HASHES:
        _DUMMY_HASHES[id(hasher)] = hasher.hash("paraat-timing-equaliser")
    return _DUMMY_HASHES[id(hasher)]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(hasher), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
