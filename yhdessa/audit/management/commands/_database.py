"""Backup and restore of the whole database, for `manage.py backup` and
`manage.py restore`.

SQLite: the online backup API (sqlite3.Connection.backup) copies a consistent
snapshot page by page while the web server and the worker go on writing.
PostgreSQL: Debian's postgresql-client, `pg_dump -Fc` and `pg_restore`, with
the connection settings of DATABASES passed in the PG* environment variables
(never on the command line, where `ps` would show a password).
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with fixed arguments, no shell
import tempfile
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connections


def _connection(alias: str):
    connection = connections[alias]
    if connection.vendor not in ("sqlite", "postgresql"):
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection


def _postgres_environment(settings_dict: dict) -> dict[str, str]:
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _client(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise CommandError(
            f"{program} was not found. Install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client) in a version at least the server's."
        )
    return found


def _run(arguments: list[str], settings_dict: dict) -> None:
    finished = subprocess.run(  # noqa: S603 - fixed program, our own arguments
        arguments,
        env=_postgres_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise CommandError(
            f"{Path(arguments[0]).name} failed ({finished.returncode}): {finished.stderr.strip()}"
        )


def backup(alias: str, path: Path) -> None:
    """Write a backup of the database to ``path``: whole, or not at all (a
    half-written file never takes the place of an older backup)."""
    connection = _connection(alias)
    path = path.resolve()
    if not path.parent.is_dir():
        raise CommandError(f"The folder {path.parent} does not exist.")
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    os.close(descriptor)
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(draft)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            _run(
                [_client("pg_dump"), "--format=custom", f"--file={draft}"], connection.settings_dict
            )
        os.replace(draft, path)
    finally:
        if os.path.exists(draft):
            os.unlink(draft)


def table_names(alias: str) -> list[str]:
    connection = _connection(alias)
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def restore(alias: str, path: Path, *, force: bool) -> None:
    """Put the backup at ``path`` into the database. A database that already
    has tables is replaced only with ``force``: a restore into the wrong
    database must not overwrite it silently."""
    connection = _connection(alias)
    if not path.is_file():
        raise CommandError(f"No backup file at {path}.")
    existing = table_names(alias)
    if existing and not force:
        raise CommandError(
            f"The database {connection.settings_dict['NAME']} is not empty "
            f"({len(existing)} tables). Restore into an empty database, or add --force "
            "to replace everything in it with the backup."
        )
    if connection.vendor == "sqlite":
        _restore_sqlite(connection, path)
    else:
        _restore_postgres(connection, path)


def _restore_sqlite(connection, path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{path} is not an SQLite backup: {error}") from error
    try:
        connection.ensure_connection()
        # The backup API replaces the target's every page in one go; other
        # connections see the old database or the restored one, never a mix.
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgres(connection, path: Path) -> None:
    arguments = [
        _client("pg_restore"),
        f"--dbname={connection.settings_dict['NAME']}",
        # Objects belong to the user restoring, whatever role owned them before.
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        # All or nothing: a failed restore leaves the database as it was.
        "--single-transaction",
    ]
    if table_names(connection.alias):
        # --force: drop what the backup holds before creating it again.
        arguments += ["--clean", "--if-exists"]
    connection.close()  # our own session must hold no lock on what pg_restore replaces
    _run([*arguments, str(path)], connection.settings_dict)
