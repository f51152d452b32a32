"""Build the manifest of the installed files (G-5.17); `scripts/run` calls it after installing."""

from typing import Any

from django.core.management.base import BaseCommand

from oqu.ops.services import integrity_key, manifest_build, manifest_path


class Command(BaseCommand):
    help = "Hash the installed code and configuration into the integrity manifest (var/)."

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = manifest_build()
        signed = "with an HMAC" if integrity_key() else "without an HMAC (OQU_INTEGRITY_KEY unset)"
        self.stdout.write(f"{len(manifest['files'])} files hashed into {manifest_path()}, {signed}")
