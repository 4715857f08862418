"""Encryption at rest for personal identifiers, and blind indexes to find them without decrypting.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under the keys in settings.FIELD_ENCRYPTION_KEYS:
the first key encrypts, every key decrypts, so a key is rotated by putting a new one first, re-encrypting
(`manage.py rotate_encryption_keys`) and then removing the old one.

A blind index is a keyed HMAC of a normalised value, keyed by settings.FIELD_HASH_KEY (never by an encryption key,
so indexes survive key rotation). Store it beside the encrypted value to find exact matches and duplicates.

Nothing here puts a plaintext or a ciphertext into an exception message or a log.
"""

import functools
import hashlib
import hmac
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed  # the same signal as django.test.signals.setting_changed

KEYS_SETTING = "FIELD_ENCRYPTION_KEYS"
HASH_KEY_SETTING = "FIELD_HASH_KEY"
TOKEN_PREFIX = "gAAAA"  # every Fernet token starts with this (version byte 0x80 and a timestamp), base64-encoded


class DecryptionError(Exception):
    """No key in FIELD_ENCRYPTION_KEYS decrypts the value (or it is not a token at all)."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "No key in FIELD_ENCRYPTION_KEYS decrypts this value: it was encrypted with a key that has since been "
            "removed, or it is not an encrypted value."
        )


# Keys ------------------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _configured_keys() -> tuple[str, ...]:
    """The keys, parsed once (a bulk import encrypts hundreds of thousands of values); a settings change clears it."""
    keys = getattr(settings, KEYS_SETTING, None)
    if isinstance(keys, str | bytes):  # one key, or a comma-separated list like the environment variable
        keys = keys.decode() if isinstance(keys, bytes) else keys
        keys = keys.split(",")
    keys = tuple(key.strip() for key in keys or () if key and key.strip())
    if not keys:
        raise ImproperlyConfigured(f"{KEYS_SETTING} is empty: set it to one or more Fernet keys, newest first.")
    return keys


@functools.lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    """The MultiFernet for these keys, and the Fernet of the first (current) key."""
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"{KEYS_SETTING}: key number {position} is not a Fernet key (32 url-safe base64-encoded bytes; make "
                'one with `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).'
            ) from None
    return MultiFernet(fernets), fernets[0]


def _multi() -> MultiFernet:
    return _keyring(_configured_keys())[0]


def _current() -> Fernet:
    return _keyring(_configured_keys())[1]


@functools.lru_cache(maxsize=64)
def _index_key(hash_key: str, purpose: str) -> bytes:
    """A key for one purpose, derived from FIELD_HASH_KEY, so indexes of different purposes cannot be compared."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"ctims blind index", info=purpose.encode())
    return hkdf.derive(hash_key.encode())


def clear_caches(**kwargs) -> None:
    _configured_keys.cache_clear()
    _keyring.cache_clear()
    _index_key.cache_clear()


def _on_setting_changed(*, setting: str, **kwargs) -> None:
    if setting in (KEYS_SETTING, HASH_KEY_SETTING):
        clear_caches()


setting_changed.connect(_on_setting_changed, dispatch_uid="lib.crypto.setting_changed")


# Text and bytes --------------------------------------------------------------------------------------------------


def _token_bytes(token: str | bytes) -> bytes:
    if isinstance(token, bytes):
        return token
    if not isinstance(token, str):
        raise TypeError(f"An encrypted value is str or bytes, not {type(token).__name__}.")
    try:
        return token.encode("ascii")
    except UnicodeEncodeError:
        raise DecryptionError() from None


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt bytes (a file's content, say) under the current key: a Fernet token, as bytes."""
    if not isinstance(data, bytes):
        raise TypeError(f"encrypt_bytes() takes bytes, not {type(data).__name__}.")
    return _multi().encrypt(data)


def decrypt_bytes(token: str | bytes) -> bytes:
    """Decrypt a token made by encrypt_bytes() with any configured key; DecryptionError if none fits."""
    try:
        return _multi().decrypt(_token_bytes(token))
    except InvalidToken:
        raise DecryptionError() from None


def encrypt(text: str) -> str:
    """Encrypt text under the current (first) key. Two encryptions of the same text differ."""
    if not isinstance(text, str):
        raise TypeError(f"encrypt() takes str, not {type(text).__name__}.")
    return encrypt_bytes(text.encode()).decode("ascii")


def decrypt(token: str | bytes) -> str:
    """Decrypt a token made by encrypt() with any configured key; DecryptionError if none fits."""
    data = decrypt_bytes(token)
    try:
        return data.decode()
    except UnicodeDecodeError:
        raise DecryptionError(
            "The decrypted value is not text: it was made by encrypt_bytes(), not encrypt()."
        ) from None


def rotate(token: str | bytes) -> str | bytes:
    """The same value re-encrypted under the current (first) key; str in, str out; bytes in, bytes out."""
    try:
        rotated = _multi().rotate(_token_bytes(token))
    except InvalidToken:
        raise DecryptionError() from None
    return rotated.decode("ascii") if isinstance(token, str) else rotated


def is_current(token: str | bytes) -> bool:
    """Whether the current (first) key decrypts the token, that is, whether rotating it would change nothing."""
    try:
        _current().decrypt(_token_bytes(token))
    except (InvalidToken, DecryptionError):
        return False
    return True


# Blind indexes ---------------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """The form a value is indexed in: Unicode NFKC, case-folded, trimmed, runs of white space made one space.

    Case folding follows Azerbaijani and Turkish too: I, ı, İ and i all become i, so "İSMAYILOV", "Ismayılov"
    and "ismayilov" are one name.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = unicodedata.normalize("NFKC", folded).replace("i\u0307", "i").replace("ı", "i")
    return " ".join(folded.split())


def blind_index(text: str, *, purpose: str) -> str:
    """A keyed HMAC-SHA256 (64 hex digits) of the normalised text, for exact matches without decrypting.

    `purpose` names what is indexed ("person.document_number"): the same text gives unrelated indexes for different
    purposes. The key comes from FIELD_HASH_KEY, not from the encryption keys, so indexes survive key rotation (but
    not a change of FIELD_HASH_KEY: then every index must be recomputed).
    """
    if not isinstance(text, str):
        raise TypeError(f"blind_index() takes str, not {type(text).__name__}.")
    if not isinstance(purpose, str) or not purpose.strip():
        raise ValueError("blind_index() needs a purpose, such as 'person.document_number'.")
    value = normalise(text)
    if not value:
        raise ValueError("A blank value has no blind index: store NULL instead (see blind_index_or_none()).")
    hash_key = getattr(settings, HASH_KEY_SETTING, None)
    if not hash_key or not isinstance(hash_key, str):
        raise ImproperlyConfigured(f"{HASH_KEY_SETTING} is not set: blind indexes need their own secret key.")
    return hmac.new(_index_key(hash_key, purpose), value.encode(), hashlib.sha256).hexdigest()


def blind_index_or_none(text: str | None, *, purpose: str) -> str | None:
    """blind_index(), or None for None and blank values (which must not all share one index)."""
    if text is None or not normalise(str(text)):
        return None
    return blind_index(str(text), purpose=purpose)
