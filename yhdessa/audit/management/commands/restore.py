from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from ._database import restore


class Command(BaseCommand):
    # Works whatever else the system checks find: a backup is needed most when something is wrong.
    requires_system_checks = []
    help = (
        "Restore a backup made by `manage.py backup` into an empty database (SQLite: the "
        "file of DATABASE_URL; PostgreSQL: its database, created and empty). Stop the web "
        "server and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the contents of a database that is not empty",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path: Path, force: bool, database: str, **options):
        restore(database, path, force=force)
        self.stdout.write(f"Restored {path} into the database.")
