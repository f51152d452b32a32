"""A test certification authority shaped like the national one (NCA RK), generated on the spot.

    with TestCA.running() as ca:                       # root → intermediate, HTTP server on 127.0.0.1
        head = ca.issue(iin="…", surname="…", given="…", bin="…", organization="…",
                        roles=[ROLE_FIRST_HEAD])       # a signing key of a head, like NCA RK issues
        cms = ca.sign(head, b"document bytes")         # detached CMS (DER)
        ca.revoke(head)                                # the OCSP responder and the CRL now say so

Everything is generated when the CA is made: keys, certificates, CRLs and OCSP answers; nothing
is stored in the repository. The CA runs a real HTTP server (standard library, a daemon thread)
that serves what the certificates point to, like pki.gov.kz does: `POST /ocsp` (RFC 6960),
`GET /crl/root.crl` and `/crl/ca.crl` (RFC 5280), `GET /cert/root.cer` and `/cert/ca.cer`.
`hits` counts the requests per path, so tests can see that revocation was really checked.

Used by the test suite (fixtures in `oqu/pki/tests/conftest.py`), by the `pki_test_ca` command for
the demo, and by other apps' tests that need signed documents. Not for production: the software
signer that uses these keys is refused by the production settings check (`oqu/pki/checks.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .certinfo import (
    EKU_AUTHENTICATION,
    EKU_SIGNING,
    ROLE_INDIVIDUAL,
    ROLE_LEGAL_ENTITY,
)

KeyType = str  # "rsa" or "ec"
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _new_key(key_type: KeyType) -> PrivateKey:
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Holder:
    """A key and its certificate (with the chain up to, not including, the root)."""

    key: PrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)

    @property
    def serial(self) -> int:
        return self.certificate.serial_number

    def certificate_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def pkcs12(self, password: bytes, name: str = "oqu-test") -> bytes:
        """The key and certificates as a PKCS#12 file, like the `RSA256_*.p12` files NCA issues."""
        return pkcs12.serialize_key_and_certificates(
            name.encode(),
            self.key,
            self.certificate,
            self.chain,
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption(),
        )

    def asn1_certificate(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.certificate_der())

    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        der = self.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return asn1_keys.PrivateKeyInfo.load(der)


@dataclass
class _Revocation:
    at: dt.datetime
    reason: x509.ReasonFlags


class TestCA:
    """Root → intermediate (like КУЦ → НУЦ), an OCSP responder, a TSA and the issued keys.

    `base_url` is where the certificates say the OCSP responder, the CRLs and the CA certificates
    live; `running()` starts the server first so the URLs carry its port.
    """

    __test__ = False  # not a pytest test class despite the name

    def __init__(self, base_url: str, *, name: str = "", key_type: KeyType = "rsa") -> None:
        self.base_url = base_url.rstrip("/")
        self.key_type = key_type
        self.label = name or f"OQU TEST {key_type.upper()} {uuid.uuid4().hex[:8]}"
        self.hits: Counter[str] = Counter()
        self.ocsp_available = True
        self.crl_available = True
        self._revoked: dict[int, _Revocation] = {}
        self._issued: dict[int, x509.Certificate] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        now = _now()
        self.root = self._make_root(now)
        self.intermediate = self._make_intermediate(now)
        self.ocsp_responder = self._make_service(
            now, "OCSP RESPONDER", [ExtendedKeyUsageOID.OCSP_SIGNING], ocsp_nocheck=True
        )
        self.tsa = self._make_service(now, "TSA", [ExtendedKeyUsageOID.TIME_STAMPING])

    # -- running the HTTP side -------------------------------------------------------------

    @classmethod
    @contextlib.contextmanager
    def running(
        cls, *, name: str = "", key_type: KeyType = "rsa", port: int = 0
    ) -> Iterator[TestCA]:
        server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        server.daemon_threads = True
        port = server.server_address[1]
        ca = cls(f"http://127.0.0.1:{port}", name=name, key_type=key_type)
        server.ca = ca  # type: ignore[attr-defined]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        ca._stop = threading.Event()
        try:
            yield ca
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    # -- certificates ----------------------------------------------------------------------

    def _name(self, role: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, f"{self.label} {role}"),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
            ]
        )

    def _make_root(self, now: dt.datetime) -> Holder:
        key = _new_key(self.key_type)
        name = self._name("ROOT")
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=3650))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_ca_key_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        )
        return Holder(key, builder.sign(key, hashes.SHA256()))

    def _make_intermediate(self, now: dt.datetime) -> Holder:
        key = _new_key(self.key_type)
        builder = (
            self._issued_by(self.root, self._name("CA"), key, now, days=3000)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_ca_key_usage(), critical=True)
            .add_extension(self._crl_points("root.crl"), critical=False)
            .add_extension(self._aia("root.cer", with_ocsp=False), critical=False)
        )
        holder = Holder(key, builder.sign(self.root.key, hashes.SHA256()))
        self._issued[holder.serial] = holder.certificate
        return holder

    def _make_service(
        self, now: dt.datetime, role: str, usages: list[Any], *, ocsp_nocheck: bool = False
    ) -> Holder:
        key = _new_key(self.key_type)
        builder = (
            self._issued_by(self.intermediate, self._name(role), key, now, days=1500)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_signing_key_usage(non_repudiation=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage(usages), critical=True)
        )
        if ocsp_nocheck:
            builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
        else:
            builder = builder.add_extension(self._crl_points("ca.crl"), critical=False)
            builder = builder.add_extension(self._aia("ca.cer"), critical=False)
        holder = Holder(key, builder.sign(self.intermediate.key, hashes.SHA256()), [])
        holder.chain = [self.intermediate.certificate]
        self._issued[holder.serial] = holder.certificate
        return holder

    def _issued_by(
        self,
        issuer: Holder,
        subject: x509.Name,
        key: PrivateKey,
        now: dt.datetime,
        *,
        days: int,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
    ) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - dt.timedelta(days=min(days, 1500)))
            .not_valid_after(not_after or now + dt.timedelta(days=days))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    issuer.key.public_key()  # type: ignore[arg-type]
                ),
                critical=False,
            )
        )

    def _crl_points(self, file: str) -> x509.CRLDistributionPoints:
        url = f"{self.base_url}/crl/{file}"
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)
        return x509.CRLDistributionPoints([point])

    def _aia(self, issuer_file: str, *, with_ocsp: bool = True) -> x509.AuthorityInformationAccess:
        access = [
            x509.AccessDescription(
                x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier(f"{self.base_url}/cert/{issuer_file}"),
            )
        ]
        if with_ocsp:
            access.append(
                x509.AccessDescription(
                    x509.oid.AuthorityInformationAccessOID.OCSP,
                    x509.UniformResourceIdentifier(f"{self.base_url}/ocsp"),
                )
            )
        return x509.AuthorityInformationAccess(access)

    def issue(
        self,
        *,
        iin: str,
        surname: str,
        given: str,
        patronymic: str = "",
        bin: str = "",  # noqa: A002 - the national name of the field
        organization: str = "",
        usage: str = "signing",
        roles: list[str] | None = None,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        key_type: KeyType | None = None,
    ) -> Holder:
        """A personal certificate like NCA RK's: the subject carries `SERIALNUMBER=IIN…` and, for
        an employee of a legal entity, `O=…` and `OU=BIN…`; the extended key usage says signing
        (emailProtection) or authentication (clientAuth) plus the holder's role OIDs."""
        now = _now()
        key = _new_key(key_type or self.key_type)
        attributes = [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{surname} {given}".upper()),
            x509.NameAttribute(NameOID.SURNAME, surname.upper()),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{iin}"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        ]
        if patronymic:
            attributes.append(x509.NameAttribute(NameOID.GIVEN_NAME, patronymic.upper()))
        if bin:
            attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization or bin))
            attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{bin}"))
        default_roles = [ROLE_LEGAL_ENTITY] if bin else [ROLE_INDIVIDUAL]
        purposes = [EKU_SIGNING if usage == "signing" else EKU_AUTHENTICATION]
        purposes += list(roles if roles is not None else default_roles)
        builder = (
            self._issued_by(
                self.intermediate,
                x509.Name(attributes),
                key,
                now,
                days=365,
                not_before=not_before or now - dt.timedelta(days=1),
                not_after=not_after,
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_signing_key_usage(non_repudiation=usage == "signing"), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([x509.ObjectIdentifier(oid) for oid in purposes]),
                critical=False,
            )
            .add_extension(self._crl_points("ca.crl"), critical=False)
            .add_extension(self._aia("ca.cer"), critical=False)
        )
        holder = Holder(key, builder.sign(self.intermediate.key, hashes.SHA256()))
        holder.chain = [self.intermediate.certificate]
        with self._lock:
            self._issued[holder.serial] = holder.certificate
        return holder

    def revoke(self, holder: Holder, *, at: dt.datetime | None = None) -> None:
        with self._lock:
            self._revoked[holder.serial] = _Revocation(
                at or _now() - dt.timedelta(minutes=1), x509.ReasonFlags.key_compromise
            )

    def root_pem(self) -> str:
        return self.root.certificate.public_bytes(serialization.Encoding.PEM).decode()

    # -- signing ---------------------------------------------------------------------------

    def sign(
        self,
        holder: Holder,
        content: bytes,
        *,
        detached: bool = True,
        timestamp_at: dt.datetime | None = None,
    ) -> bytes:
        """A CMS SignedData (DER) over `content` with the holder's key, the way NCALayer's
        `createCAdESFromBase64` makes one; with `timestamp_at` it carries an RFC 3161 signature
        timestamp token from the CA's TSA at that moment."""
        return asyncio.run(self._sign(holder, content, detached, timestamp_at))

    async def _sign(
        self, holder: Holder, content: bytes, detached: bool, timestamp_at: dt.datetime | None
    ) -> bytes:
        from pyhanko.sign import signers
        from pyhanko.sign.timestamps import DummyTimeStamper
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        chain = [
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
            for c in holder.chain
        ]
        signer = signers.SimpleSigner(
            signing_cert=holder.asn1_certificate(),
            signing_key=holder.asn1_key(),
            cert_registry=SimpleCertificateStore.from_certs(chain),
        )
        timestamper = None
        if timestamp_at is not None:
            timestamper = DummyTimeStamper(
                tsa_cert=self.tsa.asn1_certificate(),
                tsa_key=self.tsa.asn1_key(),
                certs_to_embed=SimpleCertificateStore.from_certs(chain),
                fixed_dt=timestamp_at,
            )
        info = await signer.async_sign_general_data(
            content, "sha256", detached=detached, timestamper=timestamper
        )
        return info.dump()

    # -- revocation answers ----------------------------------------------------------------

    def crl(self, which: str) -> bytes:
        """The CRL of the root (`root.crl`, for the intermediate) or of the intermediate."""
        issuer = self.root if which == "root.crl" else self.intermediate
        now = _now()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(issuer.certificate.subject)
            .last_update(now - dt.timedelta(minutes=5))
            .next_update(now + dt.timedelta(days=1))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    issuer.key.public_key()  # type: ignore[arg-type]
                ),
                critical=False,
            )
        )
        with self._lock:
            revoked = [
                (serial, r)
                for serial, r in self._revoked.items()
                if self._issued.get(serial) is not None
                and self._issued[serial].issuer == issuer.certificate.subject
            ]
        for serial, revocation in revoked:
            entry = (
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(revocation.at)
                .add_extension(x509.CRLReason(revocation.reason), critical=False)
                .build()
            )
            builder = builder.add_revoked_certificate(entry)
        return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_answer(self, request_der: bytes) -> bytes:
        """An OCSP response signed by the delegated responder (RFC 6960 §4.2.2.2)."""
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST
            ).public_bytes(serialization.Encoding.DER)
        with self._lock:
            certificate = self._issued.get(request.serial_number)
            revocation = self._revoked.get(request.serial_number)
        if certificate is None or certificate.issuer != self.intermediate.certificate.subject:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        now = _now()
        status = ocsp.OCSPCertStatus.REVOKED if revocation else ocsp.OCSPCertStatus.GOOD
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response(
                cert=certificate,
                issuer=self.intermediate.certificate,
                algorithm=request.hash_algorithm,
                cert_status=status,
                this_update=now - dt.timedelta(minutes=1),
                next_update=now + dt.timedelta(hours=1),
                revocation_time=revocation.at if revocation else None,
                revocation_reason=revocation.reason if revocation else None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self.ocsp_responder.certificate)
            .certificates([self.ocsp_responder.certificate])
        )
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, critical=False)
        response = builder.sign(self.ocsp_responder.key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    def serve(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        """Answer one HTTP request of the CA's public side: (status, content type, body)."""
        self.hits[path] += 1
        files = {
            "/cert/root.cer": self.root.certificate,
            "/cert/ca.cer": self.intermediate.certificate,
        }
        if method == "POST" and path == "/ocsp":
            if not self.ocsp_available:
                return 503, "text/plain", b"unavailable"
            return 200, "application/ocsp-response", self.ocsp_answer(body)
        if method == "GET" and path in ("/crl/root.crl", "/crl/ca.crl"):
            if not self.crl_available:
                return 503, "text/plain", b"unavailable"
            return 200, "application/pkix-crl", self.crl(path.rsplit("/", 1)[1])
        if method == "GET" and path in files:
            der = files[path].public_bytes(serialization.Encoding.DER)
            return 200, "application/pkix-cert", der
        return 404, "text/plain", b"not found"


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _signing_key_usage(*, non_repudiation: bool) -> x509.KeyUsage:
    """NCA RK signing keys: digitalSignature + nonRepudiation; authentication keys:
    digitalSignature + keyEncipherment."""
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=non_repudiation,
        key_encipherment=not non_repudiation,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


class _Handler(BaseHTTPRequestHandler):
    server_version = "OquTestCA/1"

    def _answer(self, method: str) -> None:
        length = min(int(self.headers.get("Content-Length") or 0), 1_000_000)
        body = self.rfile.read(length) if length else b""
        ca: TestCA = self.server.ca  # type: ignore[attr-defined]
        status, content_type, payload = ca.serve(method, self.path.split("?")[0], body)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # noqa: N802 - the http.server naming
        self._answer("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._answer("POST")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


def issue_for(ca: TestCA, person: Any, organization: Any = None, **options: Any) -> Holder:
    """A certificate for a platform person (people.Person) and, for an employee, their
    organization (orgs.Unit with a BIN): `issue_for(ca, head, school, roles=[ROLE_FIRST_HEAD])`."""
    surname = getattr(person, "last_name_ru", "") or getattr(person, "last_name_kk", "")
    given = getattr(person, "first_name_ru", "") or getattr(person, "first_name_kk", "")
    if organization is not None:
        options.setdefault("bin", organization.bin)
        options.setdefault("organization", getattr(organization, "name_ru", "") or organization.bin)
    return ca.issue(iin=person.iin, surname=surname, given=given, **options)
