from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from ._database import backup


class Command(BaseCommand):
    # Works whatever else the system checks find: a backup is needed most when something is wrong.
    requires_system_checks = []
    help = (
        "Back up the whole database into a file while the system runs: on SQLite with the "
        "online backup API, on PostgreSQL with pg_dump -Fc. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file to write (replaced whole)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path: Path, database: str, **options):
        backup(database, path)
        self.stdout.write(f"Backed up the database into {path}.")
