from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from yhdessa.interop.commands import actor_from, add_actor_arguments
from yhdessa.interop.ptv import import_ptv


class Command(BaseCommand):
    help = "Import organisations and services from Palvelutietovaranto (PTV) v11 JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        add_actor_arguments(parser)

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        # The actor (and a municipality it may create) and the rows are one
        # transaction: a dry run or a bad file leaves nothing behind.
        with transaction.atomic():
            actor = actor_from(options, source="command import_ptv")
            report = import_ptv(data, actor=actor, apply=not dry_run, source=f"PTV {file.name}")
            if dry_run or report.errors:
                transaction.set_rollback(True)
        for _line, message in report.errors:
            self.stderr.write(message)
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s); nothing was written.")
        for line in report.summary():
            self.stdout.write(line)
        for message in report.notes:
            self.stdout.write(f"not mapped: {message}")
        self.stdout.write("checked only, nothing written" if dry_run else "imported")
