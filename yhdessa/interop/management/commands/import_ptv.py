from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from yhdessa.interop.commands import actor_from, add_actor_arguments
from yhdessa.interop.ptv import import_ptv


class Command(BaseCommand):
    help = "Import organisations and services from Palvelutietovaranto (PTV) v11 JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument(
            "--add-municipalities",
            action="store_true",
            help="Add the municipalities the file names that the system does not know "
            "(with --actor of a system administrator).",
        )
        add_actor_arguments(parser)

    def handle(self, *args, file: Path, dry_run: bool, add_municipalities: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        # The actor (and a municipality it may create) and the rows are one
        # transaction: a dry run or a bad file leaves nothing behind.
        with transaction.atomic():
            actor = actor_from(options, source="command import_ptv")
            try:
                report = import_ptv(
                    data,
                    actor=actor,
                    apply=not dry_run,
                    source=f"PTV {file.name}",
                    add_municipalities=add_municipalities,
                )
            except PermissionDenied as refusal:
                raise CommandError(f"{refusal}; nothing was written.") from None
            if dry_run or report.errors:
                transaction.set_rollback(True)
        for _line, message in report.errors:
            self.stderr.write(message)
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s); nothing was written.")
        # Every object is counted: created, updated, unchanged, unclassified, refused.
        for line in report.summary():
            self.stdout.write(line)
        for reason in report.refused:
            self.stdout.write(f"refused: {reason}")
        for message in report.notes:
            self.stdout.write(f"note: {message}")
        if report.new_municipalities:
            self.stdout.write("new municipalities: " + ", ".join(report.new_municipalities))
        if report.unknown_municipalities:
            self.stdout.write(
                "unknown municipalities: "
                + ", ".join(report.unknown_municipalities)
                + " (not in the system; what is there was left out. To add them, run again "
                "with --add-municipalities as a system administrator: --actor ADMIN)"
            )
        self.stdout.write("checked only, nothing written" if dry_run else "imported")
