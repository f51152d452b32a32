"""Verification providers: one interface, a local one (RSA/ECDSA) and an NCANode-style adapter.

A provider answers the cryptographic question only — intact, chained to a trusted root, valid
at signing time, not revoked — as an `engine.Verdict`. Who signed and for what is judged by
`services.verify_signature` for every provider alike, from the certificate in the signature.

- `LocalProvider`: pyHanko + pyhanko-certvalidator (`engine.verify_cms`) against the roots in
  `TrustedRoot`, hard-fail revocation, answers cached until their nextUpdate.
- `NCANodeProvider`: the HTTP API of an NCANode-style service (the open-source service
  integrators run on NCA RK's Kalkan library, which also verifies GOST signatures); message
  format in `docs/pki-ncanode.md`; a simulated peer in `oqu/pki/ncanode_simulator.py`.

`settings.OQU_PKI_PROVIDER` chooses: "local", "ncanode", or "auto" (the default: local for RSA
and ECDSA, the NCANode service for GOST when `OQU_PKI_NCANODE_URL` is set).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

from .certinfo import CertificateFacts
from .engine import RevocationCache, Verdict, verify_cms


@dataclass(frozen=True)
class ProviderAnswer:
    verdict: Verdict
    signed_at: dt.datetime | None = None
    detail: str = ""
    content: bytes = b""


class Provider(Protocol):
    name: str

    def verify(self, content: bytes, cms: bytes) -> ProviderAnswer: ...


_cache = RevocationCache(ttl_seconds=300)


def revocation_cache() -> RevocationCache:
    """The process-wide cache of OCSP answers and CRLs (TTL from the settings)."""
    _cache.ttl = dt.timedelta(seconds=settings.OQU_PKI_REVOCATION_CACHE_SECONDS)
    return _cache


class LocalProvider:
    name = "local"

    def verify(self, content: bytes, cms: bytes) -> ProviderAnswer:
        from .trust import trusted_root_ders

        result = verify_cms(
            content,
            cms,
            trusted_root_ders(),
            cache=revocation_cache(),
            timeout=settings.OQU_PKI_FETCH_TIMEOUT_SECONDS,
        )
        return ProviderAnswer(result.verdict, result.signed_at, result.detail, result.content)


class NCANodeProvider:
    """`POST {base}/cms/verify` with {"cms", "data", "revocationCheck": ["OCSP", "CRL"]}."""

    name = "ncanode"

    def __init__(self, base_url: str, *, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def verify(self, content: bytes, cms: bytes) -> ProviderAnswer:
        body: dict[str, Any] = {
            "cms": base64.b64encode(cms).decode(),
            "revocationCheck": ["OCSP", "CRL"],
        }
        if content:
            body["data"] = base64.b64encode(content).decode()
        request = urllib.request.Request(  # noqa: S310 - the configured service URL
            f"{self.base_url}/cms/verify",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read(2_000_000))
        except urllib.error.HTTPError as error:
            return _http_error(error)
        except (OSError, ValueError) as error:  # refused, timed out, not JSON
            return ProviderAnswer(Verdict.UNAVAILABLE, detail=f"ncanode: {type(error).__name__}")
        return interpret_ncanode(answer, content)


def _http_error(error: urllib.error.HTTPError) -> ProviderAnswer:
    if error.code == 400:
        return ProviderAnswer(Verdict.MALFORMED, detail="ncanode: 400")
    return ProviderAnswer(Verdict.UNAVAILABLE, detail=f"ncanode: {error.code}")


def _time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def interpret_ncanode(answer: dict[str, Any], content: bytes) -> ProviderAnswer:
    """Map an NCANode-style answer to a verdict (docs/pki-ncanode.md, "Reading the answer")."""
    signers = answer.get("signers") or []
    if not isinstance(signers, list) or not signers:
        return ProviderAnswer(Verdict.MALFORMED, detail="ncanode: no signers")
    signer = signers[0] if isinstance(signers[0], dict) else {}
    tsp = answer.get("tsp") or signer.get("tsp") or {}
    signed_at = _time(tsp.get("genTime")) if isinstance(tsp, dict) else None
    if answer.get("valid") is True and signer.get("valid") is True:
        return ProviderAnswer(Verdict.VALID, signed_at, content=content)
    revocations = [r for r in signer.get("revocations") or [] if isinstance(r, dict)]
    if any(r.get("revoked") for r in revocations):
        return ProviderAnswer(Verdict.REVOKED, signed_at, "ncanode: revoked")
    moment = signed_at or dt.datetime.now(dt.UTC)
    not_before, not_after = _time(signer.get("notBefore")), _time(signer.get("notAfter"))
    if (not_before and moment < not_before) or (not_after and moment > not_after):
        return ProviderAnswer(Verdict.EXPIRED, signed_at, "ncanode: out of validity")
    if not signer.get("chain"):
        return ProviderAnswer(Verdict.UNTRUSTED_ROOT, signed_at, "ncanode: no trusted chain")
    if revocations and all(r.get("error") for r in revocations):
        return ProviderAnswer(Verdict.UNAVAILABLE, signed_at, "ncanode: revocation unknown")
    return ProviderAnswer(Verdict.TAMPERED, signed_at, "ncanode: signature invalid")


def is_gost(facts: CertificateFacts | None) -> bool:
    return bool(facts and facts.algorithm.startswith(("GOST", "1.2.398.", "1.2.643.")))


def provider_for(facts: CertificateFacts | None) -> Provider | None:
    """The configured provider for this certificate; None when no provider can verify it."""
    choice = settings.OQU_PKI_PROVIDER
    ncanode_url = settings.OQU_PKI_NCANODE_URL
    timeout = settings.OQU_PKI_FETCH_TIMEOUT_SECONDS
    if choice == "ncanode" or (choice == "auto" and is_gost(facts) and ncanode_url):
        return NCANodeProvider(ncanode_url, timeout=timeout) if ncanode_url else None
    if is_gost(facts):
        return None  # no local GOST verifier (docs/conformance.md, EDMS-23)
    return LocalProvider()
