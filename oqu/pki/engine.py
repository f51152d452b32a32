"""The cryptographic core of local verification (RSA/ECDSA) on pyHanko + pyhanko-certvalidator.

No Django here: the local provider and the simulated NCANode-style peer both call `verify_cms`.
It answers only what cryptography can say — intact or tampered, a chain to one of the given
roots, valid at the signing time, revoked or not — as a `Verdict`; who signed and for what
(IIN, BIN, key usage, roles) is judged by `oqu.pki.services` for every provider alike.

Revocation is **hard-fail** (STACK-NOTES §6): `revocation_mode="require"` with fetching on, so a
certificate whose OCSP answer and CRL cannot both be had is not accepted (pyHanko's default
soft-fail would accept a revoked certificate). The URLs come from the certificates (AIA OCSP,
CRL distribution points); OCSP is asked first, the CRL is the fallback. Answers are kept in a
`RevocationCache` until their nextUpdate (bounded by a TTL), which is what makes repeated
verifications cheap (`bench/pki_verify.py`).

The signing time is the RFC 3161 signature timestamp when the signature carries a valid one from
a trusted TSA, otherwise the moment of verification.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import enum
import hmac
import logging
import threading
from dataclasses import dataclass
from typing import Any

from asn1crypto import cms as asn1_cms
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509

from .certinfo import NotACertificate, signer_certificate

logger = logging.getLogger(__name__)


class Verdict(enum.StrEnum):
    VALID = "valid"
    TAMPERED = "tampered"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNTRUSTED_ROOT = "untrusted_root"
    MALFORMED = "malformed"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class EngineResult:
    verdict: Verdict
    certificate: x509.Certificate | None
    checked_at: dt.datetime
    signed_at: dt.datetime | None = None  # the trusted timestamp, when there is one
    detail: str = ""
    content: bytes = b""


class Malformed(ValueError):
    """Not a CMS SignedData we can read."""


def der_of(raw: bytes) -> bytes:
    """The DER bytes of a signature given as DER, PEM or base64 (NCALayer hands out base64)."""
    data = raw if raw[:1] == b"\x30" else raw.strip()  # DER may end in a "space" byte
    if not data:
        raise Malformed("empty signature")
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    elif data[:1] != b"\x30":
        try:
            data = base64.b64decode(data, validate=False)
        except (binascii.Error, ValueError) as error:
            raise Malformed("not base64") from error
    return data


def load_signed_data(raw: bytes) -> asn1_cms.SignedData:
    """A CMS SignedData from DER, PEM or base64."""
    data = der_of(raw)
    try:
        info = asn1_cms.ContentInfo.load(data, strict=True)
        if info["content_type"].native != "signed_data":
            raise Malformed("not a SignedData")
        signed_data = info["content"]
        # Parse the parts read later now, so a broken structure surfaces here as Malformed
        # (not `.native` of the whole: that re-encodes everything and costs half a check).
        if len(signed_data["signer_infos"]) == 0:
            raise Malformed("no signer")
        signed_data["signer_infos"][0]["signed_attrs"].native  # noqa: B018
        signed_data["encap_content_info"]["content_type"].native  # noqa: B018
    except Malformed:
        raise
    except Exception as error:  # asn1crypto raises ValueError/TypeError/KeyError variants
        raise Malformed(f"unreadable CMS: {type(error).__name__}") from error
    return signed_data


def _detached(signed_data: asn1_cms.SignedData) -> asn1_cms.SignedData:
    """The same SignedData without its encapsulated content (the signature covers the content
    through the messageDigest attribute, not the structure that carries it)."""
    if signed_data["encap_content_info"]["content"].native is None:
        return signed_data
    copy = signed_data.copy()
    content_type = signed_data["encap_content_info"]["content_type"].native
    copy["encap_content_info"] = asn1_cms.ContentInfo({"content_type": content_type})
    return copy


def _outside_validity(certificate: x509.Certificate, moment: dt.datetime) -> str:
    if moment < certificate.not_valid_before_utc:
        return "not_yet_valid"
    if moment > certificate.not_valid_after_utc:
        return "expired"
    return ""


def _timestamp_time(signed_data: asn1_cms.SignedData) -> dt.datetime | None:
    """genTime of the signature timestamp token, if the signer info carries one (unverified
    here; pyHanko verifies the token itself during validation)."""
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    signer_info = signed_data["signer_infos"][0]
    for tst_signed_data in extract_tst_data_iter(signer_info, signed=False):
        tst_info = tst_signed_data["encap_content_info"]["content"].parsed
        return tst_info["gen_time"].native
    return None


# -- revocation answers cached until their next update ---------------------------------------


class RevocationCache:
    """OCSP answers per certificate and CRLs per URL, kept until nextUpdate, at most `ttl`."""

    def __init__(self, ttl_seconds: float = 300) -> None:
        self.ttl = dt.timedelta(seconds=ttl_seconds)
        self._ocsp: dict[Any, tuple[dt.datetime, Any]] = {}
        self._crl: dict[str, tuple[dt.datetime, Any]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._ocsp.clear()
            self._crl.clear()

    def _get(self, store: dict[Any, tuple[dt.datetime, Any]], key: Any) -> Any:
        with self._lock:
            hit = store.get(key)
        if hit is None or hit[0] <= dt.datetime.now(dt.UTC):
            return None
        return hit[1]

    def _put(
        self, store: dict[Any, tuple[dt.datetime, Any]], key: Any, value: Any, next_update: Any
    ) -> None:
        if self.ttl.total_seconds() <= 0:
            return
        until = dt.datetime.now(dt.UTC) + self.ttl
        if isinstance(next_update, dt.datetime):
            until = min(until, next_update)
        with self._lock:
            store[key] = (until, value)

    def backend(self, timeout: float) -> Any:
        return _CachingBackend(self, timeout)


def _ocsp_next_update(response: asn1_ocsp.OCSPResponse) -> Any:
    try:
        basic = response["response_bytes"]["response"].parsed
        return basic["tbs_response_data"]["responses"][0]["next_update"].native
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _crl_next_update(certificate_list: asn1_crl.CertificateList) -> Any:
    try:
        return certificate_list["tbs_cert_list"]["next_update"].native
    except (KeyError, TypeError, ValueError):
        return None


def _fetchers(cache: RevocationCache, timeout: float) -> Any:
    from pyhanko_certvalidator.fetchers import Fetchers
    from pyhanko_certvalidator.fetchers.requests_fetchers.cert_fetch_client import (
        RequestsCertificateFetcher,
    )
    from pyhanko_certvalidator.fetchers.requests_fetchers.crl_client import RequestsCRLFetcher
    from pyhanko_certvalidator.fetchers.requests_fetchers.ocsp_client import (
        RequestsOCSPFetcher,
    )
    from pyhanko_certvalidator.util import issuer_serial

    class CachingOCSPFetcher(RequestsOCSPFetcher):
        async def fetch(self, cert: Any, authority: Any) -> Any:
            key = (issuer_serial(cert), authority.hashable)
            hit = cache._get(cache._ocsp, key)
            if hit is not None:
                return hit
            response = await super().fetch(cert, authority)
            cache._put(cache._ocsp, key, response, _ocsp_next_update(response))
            return response

    class CachingCRLFetcher(RequestsCRLFetcher):
        async def _fetch_single(self, url: str) -> Any:
            hit = cache._get(cache._crl, url)
            if hit is not None:
                return hit
            result = await super()._fetch_single(url)
            cache._put(cache._crl, url, result, _crl_next_update(result))
            return result

    # A cached OCSP answer cannot echo a fresh nonce, so none is asked for (NCA's responder
    # answers without one too); freshness is judged by thisUpdate/nextUpdate instead.
    return Fetchers(
        ocsp_fetcher=CachingOCSPFetcher(per_request_timeout=timeout, request_nonces=False),
        crl_fetcher=CachingCRLFetcher(per_request_timeout=timeout),
        cert_fetcher=RequestsCertificateFetcher(per_request_timeout=timeout),
    )


class _CachingBackend:
    """A pyhanko-certvalidator FetcherBackend over the shared cache."""

    def __init__(self, cache: RevocationCache, timeout: float) -> None:
        self.cache = cache
        self.timeout = timeout

    def get_fetchers(self) -> Any:
        return _fetchers(self.cache, self.timeout)

    async def close(self) -> None:
        return None


# -- verification --------------------------------------------------------------------------

_REVOKED = {"REVOKED_NO_POE", "REVOKED_CA_NO_POE", "REVOKED"}
_OUT_OF_TIME = {"OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED", "NOT_YET_VALID"}
_NO_CHAIN = {"NO_CERTIFICATE_CHAIN_FOUND", "CHAIN_CONSTRAINTS_FAILURE"}
_TRY_LATER = {"TRY_LATER", "NO_POE"}


def verify_cms(
    content: bytes,
    cms: bytes,
    trust_roots: list[bytes],
    *,
    cache: RevocationCache | None = None,
    timeout: float = 10,
    now: dt.datetime | None = None,
) -> EngineResult:
    """Verify a detached (content given) or attached (content inside) CMS signature."""
    checked_at = now or dt.datetime.now(dt.UTC)
    try:
        signed_data = load_signed_data(cms)
        certificate = signer_certificate(signed_data)
    except (Malformed, NotACertificate) as error:
        return EngineResult(Verdict.MALFORMED, None, checked_at, detail=str(error))
    encapsulated = signed_data["encap_content_info"]["content"].native
    if encapsulated is not None:
        if content and not hmac.compare_digest(bytes(encapsulated), content):
            return EngineResult(Verdict.TAMPERED, certificate, checked_at, detail="content_differs")
        content = bytes(encapsulated)
    elif not content:
        return EngineResult(Verdict.MALFORMED, certificate, checked_at, detail="no_content")
    if not trust_roots:
        return EngineResult(Verdict.UNTRUSTED_ROOT, certificate, checked_at, detail="no_roots")
    try:
        return asyncio.run(
            _validate(content, signed_data, certificate, trust_roots, cache, timeout, checked_at)
        )
    except Exception as error:  # an unknown algorithm (GOST), a broken structure, …
        logger.warning("CMS validation failed: %s", error, exc_info=True)
        return EngineResult(
            Verdict.MALFORMED, certificate, checked_at, detail=f"{type(error).__name__}"
        )


async def _validate(
    content: bytes,
    signed_data: asn1_cms.SignedData,
    certificate: x509.Certificate,
    trust_roots: list[bytes],
    cache: RevocationCache | None,
    timeout: float,
    checked_at: dt.datetime,
) -> EngineResult:
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    claimed_time = _timestamp_time(signed_data)
    roots = [asn1_x509.Certificate.load(der) for der in trust_roots]
    backend = (cache or RevocationCache(0)).backend(timeout)

    def context(moment: dt.datetime) -> ValidationContext:
        return ValidationContext(
            trust_roots=roots,
            moment=moment,
            allow_fetching=True,
            revocation_mode="require",
            retroactive_revinfo=True,
            fetcher_backend=backend,
        )

    status = await async_validate_detached_cms(
        content,
        _detached(signed_data),
        signer_validation_context=context(claimed_time or checked_at),
        ts_validation_context=context(checked_at),
        # Key usage and roles are judged by the caller per purpose; here only "may sign at all".
        key_usage_settings=KeyUsageConstraints(key_usage={"digital_signature"}),
    )

    def result(verdict: Verdict, detail: str = "", signed_at: dt.datetime | None = None) -> Any:
        return EngineResult(verdict, certificate, checked_at, signed_at, detail, content)

    if not status.intact or not status.valid:
        return result(Verdict.TAMPERED, "signature_does_not_match")
    timestamp = status.timestamp_validity
    if timestamp is not None:
        if not timestamp.intact or not timestamp.valid:
            return result(Verdict.TAMPERED, "timestamp_does_not_match")
        if not timestamp.trusted:
            return result(Verdict.UNTRUSTED_ROOT, "timestamp_untrusted")
    signed_at = timestamp.timestamp if timestamp is not None else None
    outside = _outside_validity(certificate, signed_at or checked_at)
    if outside:
        return result(Verdict.EXPIRED, outside, signed_at)
    if status.trusted:
        return result(Verdict.VALID, signed_at=signed_at)
    problem = getattr(status.trust_problem_indic, "name", str(status.trust_problem_indic))
    if problem in _REVOKED:
        return result(Verdict.REVOKED, problem, signed_at)
    if problem in _OUT_OF_TIME:
        return result(Verdict.EXPIRED, problem, signed_at)
    if problem in _NO_CHAIN:
        return result(Verdict.UNTRUSTED_ROOT, problem, signed_at)
    if problem in _TRY_LATER or problem == "CERTIFICATE_CHAIN_GENERAL_FAILURE":
        # In "require" mode a missing OCSP answer and CRL ends here: we cannot decide now.
        return result(Verdict.UNAVAILABLE, problem, signed_at)
    return result(Verdict.UNTRUSTED_ROOT, problem, signed_at)
