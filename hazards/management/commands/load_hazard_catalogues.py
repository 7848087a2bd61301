"""Load major-hazard catalogues (重大事故隐患判定标准) from their YAML files.

    python manage.py load_hazard_catalogues             # every hazards/catalogues/*.yaml
    python manage.py load_hazard_catalogues a.yaml      # these files
    python manage.py load_hazard_catalogues --check     # check only, write nothing

Running it again changes nothing. Every file is checked before anything is written;
one bad file stops the whole load and lists every problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from hazards.catalogue_io import (
    CatalogueFileError,
    ParsedCatalogue,
    load_catalogue,
    parse_catalogue_file,
    shipped_files,
)
from portal.errors import ServiceError


class Command(BaseCommand):
    help = "Load major-hazard catalogue files; without paths, every shipped catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="YAML files")
        parser.add_argument("--check", action="store_true", help="check only; write nothing")

    def handle(self, *args: Any, paths: list[str], check: bool, **options: Any) -> None:
        files = [Path(path) for path in paths] if paths else shipped_files()
        if not files:
            self.stdout.write("No catalogue files.")
            return
        parsed: list[ParsedCatalogue] = []
        problems: list[str] = []
        for path in files:
            try:
                content = path.read_bytes()
            except OSError as error:
                problems.append(f"{path}: {error.strerror or error}")
                continue
            try:
                parsed.append(parse_catalogue_file(filename=str(path), content=content))
            except CatalogueFileError as error:
                problems.extend(error.problems)
        seen: dict[tuple[str, str], str] = {}
        for item in parsed:
            key = (item.code, item.version)
            if key in seen:
                problems.append(
                    f"{item.file}: catalogue {item.code} version {item.version} "
                    f"is also in {seen[key]}"
                )
            seen[key] = item.file
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} problem(s); nothing was loaded.")
        if check:
            for item in parsed:
                self.stdout.write(f"{item.file}: {item.code} {item.version}: OK")
            return
        changed = 0
        try:
            with transaction.atomic():
                for item in parsed:
                    result = load_catalogue(item)
                    changed += result.changed
                    retired = f", {result.retired} older retired" if result.retired else ""
                    self.stdout.write(
                        f"{item.file}: {item.code} {item.version}: {result.action} "
                        f"({len(item.items)} items{retired})"
                    )
        except ServiceError as error:
            raise CommandError(f"{error.message}; nothing was loaded.") from None
        self.stdout.write(f"{len(parsed)} file(s), {changed} changed.")
