"""Load e-service definitions: the files shipped with the app, or the files named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oqu.eservices.definitions import DefinitionError
from oqu.eservices.loader import load_files, shipped_files
from oqu.eservices.models import Service


class Command(BaseCommand):
    help = "Create or update e-services from definition files (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="*", help="JSON definition files (default: shipped)")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["paths"]] or shipped_files()
        try:
            with transaction.atomic():
                result = load_files(Service, paths)
        except (DefinitionError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"created: {len(result.created)}, updated: {len(result.updated)}, "
            f"unchanged: {len(result.unchanged)}"
        )
