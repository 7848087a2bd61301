"""``manage.py workflow_diagram [--check]``: redraw the workflow's state diagram in
docs/architecture.md from certification/workflow.py (``--check``: only say
whether the committed one is current; exit 1 when not)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from certification import diagram


class Command(BaseCommand):
    help = "Redraw the workflow's state diagram in docs/architecture.md from the declaration."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="only check that the committed diagram is current"
        )

    def handle(self, *args, check: bool, **options):
        path = diagram.architecture_doc()
        text = path.read_text(encoding="utf-8")
        if diagram.START not in text or diagram.END not in text:
            raise CommandError(f"{path} has no diagram markers ({diagram.START} … {diagram.END})")
        current = diagram.embedded(text) == diagram.mermaid()
        if check:
            if not current:
                raise CommandError(
                    f"{path}: the workflow diagram is out of date; run `manage.py workflow_diagram`"
                )
            self.stdout.write("The workflow diagram is current.")
            return
        if current:
            self.stdout.write("The workflow diagram is current; nothing to do.")
            return
        path.write_text(diagram.with_diagram(text), encoding="utf-8")
        self.stdout.write(f"Redrew the workflow diagram in {path}.")
