"""Pure rules of self-registration: phone numbers, one-time codes, limits (no ORM)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s\-().]")
_MOBILE = re.compile(r"^\+7\d{10}$")
# Mobile operator codes of Kazakhstan (+7 7xx); 71x/72x are landlines (Astana 7172, Almaty 727).
MOBILE_CODES = frozenset(
    {"700", "701", "702", "705", "706", "707", "708", "747", "771", "775", "776", "777", "778"}
)


def normalise_phone(raw: str) -> str | None:
    """A Kazakhstan mobile number as +77XXXXXXXXX, or None when it is not one.

    People type "8 701 123 45 67", "+7 (701) 123-45-67" or "7011234567"; mobile numbers of
    Kazakhstan are +7 7xx xxx xx xx.
    """
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isascii() or not digits.isdigit():
        return None
    if len(digits) == 10:
        digits = "7" + digits
    elif len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    phone = "+" + digits
    return phone if _MOBILE.match(phone) and phone[2:5] in MOBILE_CODES else None


def new_code(length: int) -> str:
    """A uniformly random numeric code (leading zeros kept)."""
    return "".join(str(secrets.randbelow(10)) for _ in range(length))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def secret_hash(secret: str, *, salt: str, key: str) -> str:
    """HMAC-SHA256 of a short-lived secret, salted by its row: a leaked table reveals no code."""
    return hmac.new(key.encode(), f"{salt}:{secret}".encode(), hashlib.sha256).hexdigest()


def secret_matches(secret: str, expected_hash: str, *, salt: str, key: str) -> bool:
    if not expected_hash:
        return False
    return hmac.compare_digest(secret_hash(secret, salt=salt, key=key), expected_hash)


@dataclass(frozen=True)
class Limits:
    """How hard registration is to abuse; overridable with the OQU_REGISTRATION setting."""

    code_length: int = 6
    code_ttl_seconds: int = 300
    max_code_attempts: int = 5
    resend_cooldown_seconds: int = 60
    max_sends_per_verification: int = 3
    window_seconds: int = 3600
    max_starts_per_phone: int = 3
    max_starts_per_iin: int = 3
    # generous: mobile carriers put many parents behind one address (carrier-grade NAT)
    max_starts_per_ip: int = 50
    completion_ttl_seconds: int = 1800
    max_pending_links: int = 5
    max_link_requests_per_day: int = 10

    @classmethod
    def from_overrides(cls, overrides: dict[str, int] | None) -> Limits:
        known = {k: int(v) for k, v in (overrides or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)
