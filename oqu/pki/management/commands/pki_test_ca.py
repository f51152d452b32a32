"""The demo's test certification authority: generate it, trust its root, give every person with
an account a test signing key for the software signer, and serve OCSP/CRL until stopped.

    manage.py pki_test_ca --keys-dir var/pki-keys --password demo --port 8790

then run the server with OQU_PKI_SOFTWARE_SIGNER_DIR=var/pki-keys and
OQU_PKI_SOFTWARE_SIGNER_PASSWORD=demo (never in production: the production settings refuse it).
Heads (school_director, preschool_head grants) get the first head's role OID, other employees
the employee's, everyone else an individual's certificate. `--no-serve` only writes the keys.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from oqu.access.models import Grant
from oqu.people.models import Employment
from oqu.pki.certinfo import ROLE_EMPLOYEE, ROLE_FIRST_HEAD
from oqu.pki.testing_ca import TestCA, issue_for
from oqu.pki.trust import trust_root

HEAD_ROLES = ("school_director", "preschool_head", "college_director")


class Command(BaseCommand):
    help = "Run a test certification authority for the demo and write test signing keys."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--keys-dir", required=True)
        parser.add_argument("--password", default="")
        parser.add_argument("--port", type=int, default=0)
        parser.add_argument("--no-serve", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["keys_dir"])
        folder.mkdir(parents=True, exist_ok=True)
        with TestCA.running(name="OQU DEMO CA", port=options["port"]) as ca:
            trust_root(ca.root_pem(), name=ca.label)
            count = self._write_keys(ca, folder, options["password"].encode())
            self.stdout.write(f"{ca.label}: {count} test keys in {folder}; serving {ca.base_url}")
            if options["no_serve"]:
                return
            signal.signal(signal.SIGTERM, lambda *_: ca._stop.set())
            try:
                while not ca._stop.wait(1):
                    pass
            except KeyboardInterrupt:
                pass

    def _write_keys(self, ca: TestCA, folder: Path, password: bytes) -> int:
        users = get_user_model().objects.filter(person__isnull=False).select_related("person")
        count = 0
        for user in users:
            employment = (
                Employment.objects.filter(person=user.person, end_date__isnull=True)
                .exclude(organization__bin="")
                .select_related("organization")
                .first()
            )
            options: dict[str, Any] = {}
            if employment is not None:
                is_head = Grant.objects.filter(
                    user=user, unit=employment.organization, role__code__in=HEAD_ROLES
                ).exists()
                options["roles"] = [ROLE_FIRST_HEAD if is_head else ROLE_EMPLOYEE]
            organization = employment.organization if employment is not None else None
            holder = issue_for(ca, user.person, organization, **options)
            (folder / f"{user.person.iin}.p12").write_bytes(
                holder.pkcs12(password or b"", name=user.get_username())
            )
            count += 1
        return count
