from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yhdessa.interop.network_csv import import_network


class Command(BaseCommand):
    help = (
        "Import organisations, professionals and team memberships from a CSV file (all or nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        report = import_network(data, actor=None, apply=not dry_run, source=f"CSV {file.name}")
        for line, message in report.errors:
            self.stderr.write(f"row {line}: {message}" if line else message)
        if report.errors:
            raise CommandError(f"{len(report.errors)} bad row(s); nothing was written.")
        for line in report.summary():
            self.stdout.write(line)
        if report.new_municipalities:
            self.stdout.write("new municipalities: " + ", ".join(report.new_municipalities))
        self.stdout.write("checked only, nothing written" if dry_run else "imported")
