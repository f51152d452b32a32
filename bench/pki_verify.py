"""Signature verifications per second: the full check vs the bare cryptographic check (EDMS-23).

    python bench/pki_verify.py [--seconds 5]

Generates the test certification authority (`oqu.pki.testing_ca`, served on 127.0.0.1), signs a
document with an RSA signing key, then measures in one run:
- full: `oqu.pki.engine.verify_cms` — CMS parsing, message digest, signature, path to the trusted
  root, validity at signing time, hard-fail revocation with the OCSP answer (and the CRL of the
  intermediate) **cached** after the first verification, as the local provider runs it;
- bare: `public_key.verify` with `cryptography` over the DER of the signed attributes (no path,
  no revocation, no digest of the content).
Prints both rates and the ratio full / bare. Also the uncached full rate (an OCSP round trip to
the local responder each time) for scale. A benchmark, not a test; no database is needed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from asn1crypto import cms as asn1_cms  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding  # noqa: E402

from oqu.pki.engine import RevocationCache, Verdict, verify_cms  # noqa: E402
from oqu.pki.testing_ca import TestCA  # noqa: E402

DOCUMENT = "Бұйрық / Приказ № 12 ".encode() * 200  # about 5 KB


def rate(work: Callable[[], object], seconds: float) -> float:
    work()  # warm up (and fill the cache)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        work()
        count += 1
    return count / (time.perf_counter() - start)


def bare_check(cms: bytes, certificate: x509.Certificate) -> Callable[[], None]:
    signer_info = asn1_cms.ContentInfo.load(cms)["content"]["signer_infos"][0]
    signed_attrs = signer_info["signed_attrs"].dump()
    # The signature covers the attributes as a SET OF (tag 0x31), not as the [0] they travel in.
    to_verify = b"\x31" + signed_attrs[1:]
    signature = signer_info["signature"].native
    public_key = certificate.public_key()

    def check() -> None:
        public_key.verify(signature, to_verify, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[call-arg, arg-type]

    return check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    seconds = parser.parse_args().seconds
    with TestCA.running() as ca:
        holder = ca.issue(
            iin="780203400010", surname="Ахметова", given="Гүлнар", bin="940140000385"
        )
        cms = ca.sign(holder, DOCUMENT)
        roots = [ca.root.certificate.public_bytes(serialization.Encoding.DER)]
        cache = RevocationCache(ttl_seconds=3600)
        first = verify_cms(DOCUMENT, cms, roots, cache=cache)
        if first.verdict != Verdict.VALID:
            raise SystemExit(f"the signature does not verify: {first.verdict} {first.detail}")
        bare = bare_check(cms, holder.certificate)
        bare()  # raises if the bare check itself fails
        ocsp_before = ca.hits["/ocsp"]
        full_rate = rate(lambda: verify_cms(DOCUMENT, cms, roots, cache=cache), seconds)
        ocsp_during = ca.hits["/ocsp"] - ocsp_before
        bare_rate = rate(bare, seconds)
        uncached = rate(lambda: verify_cms(DOCUMENT, cms, roots), min(seconds, 3))
    print(
        f"full verification, OCSP answer cached: {full_rate:10.1f} /s  (OCSP requests: {ocsp_during})"
    )
    print(f"full verification, no cache:           {uncached:10.1f} /s")
    print(f"bare public_key.verify (signed attrs):  {bare_rate:10.1f} /s")
    print(
        f"ratio full (cached) / bare: {full_rate / bare_rate:.4f}  (bare is {bare_rate / full_rate:.0f}x faster)"
    )


if __name__ == "__main__":
    main()
