"""A simulated NCANode-style verification service: a real HTTP server speaking the documented
message format (docs/pki-ncanode.md), for the adapter's tests and for development.

    with NCANodeSimulator.running(trust_roots=[root_der]) as peer:
        NCANodeProvider(peer.url).verify(content, cms)

The peer verifies with the same cryptographic core as the local provider (`engine.verify_cms`)
against its own trust store — like an NCANode instance configured with the authority's roots —
and answers in NCANode's shape. `down=True` makes it answer 503, as a service that is up but
cannot reach the authority's OCSP. Only the standard library and the engine; no Django.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .certinfo import facts_of
from .engine import EngineResult, RevocationCache, Verdict, verify_cms


def answer_for(result: EngineResult) -> tuple[int, dict[str, Any]]:
    """The HTTP status and JSON body NCANode gives for this result."""
    if result.verdict == Verdict.MALFORMED or result.certificate is None:
        return 400, {"status": 400, "message": f"Invalid CMS: {result.detail}"}
    if result.verdict == Verdict.UNAVAILABLE:
        return 503, {"status": 503, "message": "Revocation status could not be obtained"}
    facts = facts_of(result.certificate)
    valid = result.verdict == Verdict.VALID
    signer: dict[str, Any] = {
        "valid": valid,
        "notBefore": facts.not_before.isoformat(),
        "notAfter": facts.not_after.isoformat(),
        "serialNumber": facts.serial_hex,
        "signAlg": facts.algorithm,
        "keyUsage": "SIGN" if facts.is_signing_key else "AUTH",
        "keyUser": list(facts.roles),
        "subject": {
            "commonName": facts.common_name,
            "iin": facts.iin or None,
            "bin": facts.bin or None,
            "organization": facts.organization or None,
            "dn": facts.subject_dn,
        },
        "issuer": {"dn": facts.issuer_dn},
        "revocations": [
            {"revoked": result.verdict == Verdict.REVOKED, "by": "OCSP", "reason": None}
        ],
        "chain": [] if result.verdict == Verdict.UNTRUSTED_ROOT else [{"dn": facts.issuer_dn}],
    }
    body: dict[str, Any] = {"status": 200, "message": "", "valid": valid, "signers": [signer]}
    if result.signed_at is not None:
        body["tsp"] = {"genTime": result.signed_at.isoformat()}
    return 200, body


class NCANodeSimulator:
    def __init__(self, trust_roots: list[bytes]) -> None:
        self.trust_roots = list(trust_roots)
        self.cache = RevocationCache(0)
        self.down = False
        self.requests = 0
        self.url = ""

    @classmethod
    @contextlib.contextmanager
    def running(cls, *, trust_roots: list[bytes]) -> Iterator[NCANodeSimulator]:
        peer = cls(trust_roots)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.peer = peer  # type: ignore[attr-defined]
        peer.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield peer
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    def handle(self, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        self.requests += 1
        if path != "/cms/verify":
            return 404, {"status": 404, "message": "Not found"}
        if self.down:
            return 503, {"status": 503, "message": "OCSP service unavailable"}
        try:
            request = json.loads(body)
            cms = base64.b64decode(request["cms"], validate=True)
            data = base64.b64decode(request.get("data") or "", validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error):
            return 400, {"status": 400, "message": "Bad request"}
        result = verify_cms(data, cms, self.trust_roots, cache=self.cache)
        return answer_for(result)


class _Handler(BaseHTTPRequestHandler):
    server_version = "NCANodeSimulator/1"

    def do_POST(self) -> None:  # noqa: N802 - the http.server naming
        length = min(int(self.headers.get("Content-Length") or 0), 30_000_000)
        peer: NCANodeSimulator = self.server.peer  # type: ignore[attr-defined]
        status, body = peer.handle(self.path.split("?")[0], self.rfile.read(length))
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return
