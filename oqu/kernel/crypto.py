"""Field-level encryption at rest and integrity codes (G-10, G-5.16). Generic: no domain imports.

Keys come from the `OQU_FIELD_KEYS` setting, a list of `"<key id>:<base64 of 32 bytes>"`; the
first key seals new values, every listed key still opens what it sealed, so a key is rotated by
putting a new one first and re-sealing the rows (then dropping the old key). From each key two
subkeys are derived (HKDF-SHA256): one for AES-256-GCM, one for the HMAC-SHA256 integrity code,
so a leaked integrity key does not decrypt anything and vice versa.

The sealed value is `nonce (12 bytes) || ciphertext+tag`; the caller binds it to its row with
associated data (row id, person …), so a ciphertext copied into another row does not open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
KEY_BYTES = 32

# The development and test key: public, in the repository, refused by production settings.
DEV_FIELD_KEYS = ["dev1:ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="]


class CryptoError(Exception):
    """A sealed value could not be opened: unknown key, wrong associated data or altered bytes."""


@dataclass(frozen=True)
class FieldKey:
    key_id: str
    encryption: bytes
    integrity: bytes


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose).derive(secret)


def parse_key(entry: str) -> FieldKey:
    """One `"<id>:<base64>"` entry of the setting, with its two derived subkeys."""
    key_id, sep, encoded = entry.partition(":")
    if not sep or not key_id or len(key_id) > 20:
        raise ImproperlyConfigured("A field key must look like '<id>:<base64 of 32 bytes>'.")
    try:
        secret = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"Field key {key_id!r} is not valid base64.") from None
    if len(secret) != KEY_BYTES:
        raise ImproperlyConfigured(f"Field key {key_id!r} must be {KEY_BYTES} bytes.")
    return FieldKey(
        key_id, _derive(secret, b"oqu field encryption"), _derive(secret, b"oqu integrity")
    )


@cache
def _keyring(entries: tuple[str, ...]) -> tuple[FieldKey, ...]:
    if not entries:
        raise ImproperlyConfigured("OQU_FIELD_KEYS lists no key.")
    keys = tuple(parse_key(entry) for entry in entries)
    if len({k.key_id for k in keys}) != len(keys):
        raise ImproperlyConfigured("OQU_FIELD_KEYS names a key id twice.")
    return keys


def keyring() -> tuple[FieldKey, ...]:
    return _keyring(tuple(getattr(settings, "OQU_FIELD_KEYS", DEV_FIELD_KEYS)))


def current_key() -> FieldKey:
    return keyring()[0]


def key_by_id(key_id: str) -> FieldKey:
    for key in keyring():
        if key.key_id == key_id:
            return key
    raise CryptoError(f"unknown key {key_id!r}")


def check_production_keys(entries: Sequence[str]) -> None:
    """Refuse a production configuration without keys or with the public development key."""
    if not entries:
        raise ImproperlyConfigured("Set OQU_FIELD_KEYS: production needs its own field keys.")
    dev_secrets = {entry.partition(":")[2] for entry in DEV_FIELD_KEYS}
    for entry in entries:
        parse_key(entry)
        if entry.partition(":")[2] in dev_secrets:
            raise ImproperlyConfigured("The development field key must not be used in production.")


def new_key_entry(key_id: str) -> str:
    """A fresh random key entry for the setting (`manage.py shell` or a deployment script)."""
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


def seal(plaintext: bytes, *, associated_data: bytes) -> tuple[str, bytes]:
    """Encrypt with the current key: returns (key id, nonce || ciphertext)."""
    key = current_key()
    nonce = os.urandom(NONCE_BYTES)
    return key.key_id, nonce + AESGCM(key.encryption).encrypt(nonce, plaintext, associated_data)


def unseal(key_id: str, sealed: bytes, *, associated_data: bytes) -> bytes:
    """Decrypt what `seal` produced; any change of bytes or associated data raises CryptoError."""
    key = key_by_id(key_id)
    sealed = bytes(sealed)
    if len(sealed) <= NONCE_BYTES:
        raise CryptoError("sealed value too short")
    try:
        return AESGCM(key.encryption).decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data
        )
    except InvalidTag:
        raise CryptoError("sealed value does not open") from None


def _canonical(parts: Iterable[bytes | str]) -> bytes:
    """Length-prefixed parts, so ("ab", "c") and ("a", "bc") never give the same code."""
    out = bytearray()
    for part in parts:
        data = part.encode() if isinstance(part, str) else bytes(part)
        out += len(data).to_bytes(4, "big") + data
    return bytes(out)


def integrity_code(key_id: str, parts: Iterable[bytes | str]) -> str:
    """HMAC-SHA256 (hex) over the parts with the integrity subkey of `key_id`."""
    return hmac.new(key_by_id(key_id).integrity, _canonical(parts), hashlib.sha256).hexdigest()


def integrity_ok(key_id: str, parts: Iterable[bytes | str], code: str) -> bool:
    try:
        expected = integrity_code(key_id, parts)
    except CryptoError:
        return False
    return hmac.compare_digest(expected, code or "")
