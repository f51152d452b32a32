"""Trust a root certificate of the national certification authority (PEM or DER file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand, CommandError

from oqu.pki.trust import trust_root


class Command(BaseCommand):
    help = "Trust a root certificate (e.g. NCA RK's root_rsa_2020.cer) for signature checks."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = Path(options["file"]).read_bytes()
        try:
            certificate = (
                x509.load_pem_x509_certificate(raw)
                if b"-----BEGIN" in raw
                else x509.load_der_x509_certificate(raw)
            )
        except ValueError as error:
            raise CommandError(f"not a certificate: {error}") from error
        pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
        row = trust_root(pem, name=options["name"])
        self.stdout.write(f"trusted: {row.name} ({row.sha256})")
