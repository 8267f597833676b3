from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from yhdessa.interop.commands import actor_from, add_actor_arguments
from yhdessa.interop.network_csv import import_network


class Command(BaseCommand):
    help = (
        "Import organisations, professionals and team memberships from a CSV file (all or nothing)."
    )

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
            actor = actor_from(options, source="command import_network")
            report = import_network(data, actor=actor, apply=not dry_run, source=f"CSV {file.name}")
            if dry_run or report.errors:
                transaction.set_rollback(True)
        for line, message in report.errors:
            self.stderr.write(f"row {line}: {message}" if line else message)
        if report.errors:
            raise CommandError(f"{len(report.errors)} bad row(s); nothing was written.")
        for line in report.summary():
            self.stdout.write(line)
        if report.new_municipalities:
            self.stdout.write("new municipalities: " + ", ".join(report.new_municipalities))
        self.stdout.write("checked only, nothing written" if dry_run else "imported")
