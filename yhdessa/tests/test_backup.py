"""`manage.py backup` and `manage.py restore` (README, "Backups"): the demo,
backed up while the system runs and restored into an empty database, is
there whole: every row of every table, with the same ids."""

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from conftest import ensure_reference_data
from yhdessa import access
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.models import Concern, Family
from yhdessa.meetings.models import Meeting
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.tests import conftest as notify_fixtures
from yhdessa.plans.models import JointPlan

# pg_dump sees only committed rows. (Not serialized_rollback: after another
# transactional test's flush it reloads content types that post_migrate has
# already made again, a UNIQUE failure; the reference data is seeded instead.)
pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
# An empty database for the processes the test starts (SQLite file or PostgreSQL).
scratch_database_url = notify_fixtures.scratch_database_url


def _our_tables() -> dict[str, str]:
    """The table and primary-key column of every model of our apps,
    many-to-many tables included."""
    return {
        model._meta.db_table: model._meta.pk.column
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("yhdessa.")
        or model._meta.auto_created
        and model._meta.auto_created.__module__.startswith("yhdessa.")
    }


def _snapshot(cursor, tables: list[str]) -> dict[str, object]:
    """Every table's row count, and the ids of our apps' rows."""
    ours = _our_tables()
    snapshot = {}
    for table in sorted(tables):
        if table in ours:
            cursor.execute(f'SELECT "{ours[table]}" FROM "{table}" ORDER BY 1')  # noqa: S608
            snapshot[table] = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            snapshot[table] = cursor.fetchone()[0]
    return snapshot


def _snapshot_of(database_url: str) -> dict[str, object]:
    """The same, read straight from a database no Django connection uses."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            cursor = db.cursor()
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            return _snapshot(cursor, [row[0] for row in cursor.fetchall()])
    import psycopg

    with psycopg.connect(database_url) as db, db.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return _snapshot(cursor, [row[0] for row in cursor.fetchall()])


def _manage(*arguments: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def demo_backup(tmp_path) -> tuple[Path, dict[str, object]]:
    """The demo with some reads in the access log, its backup, and what it held."""
    ensure_reference_data()
    call_command("load_demo", stdout=io.StringIO())
    for meeting in Meeting.objects.select_related("convener__user"):
        access.read_meeting(meeting.convener.user, meeting.pk)
    with connection.cursor() as cursor:
        held = _snapshot(cursor, connection.introspection.table_names(cursor))
    for model in (Family, Concern, Meeting, JointPlan, OutboxMessage, AccessLogEntry):
        assert held[model._meta.db_table], model  # the demo has some of each to lose
    path = tmp_path / "yhdessa.backup"
    call_command("backup", str(path), stdout=io.StringIO())
    assert path.stat().st_mode & 0o077 == 0  # family data: readable by its owner only
    return path, held


def test_a_backup_of_the_demo_restores_into_an_empty_database_with_nothing_missing(
    demo_backup, scratch_database_url
):
    path, held = demo_backup
    restored = _manage("restore", str(path), database_url=scratch_database_url)
    assert restored.returncode == 0, restored.stderr
    assert _snapshot_of(scratch_database_url) == held
    # The restored database is one the system runs on: nothing left to migrate.
    check = _manage("migrate", "--check", database_url=scratch_database_url)
    assert check.returncode == 0, check.stdout + check.stderr


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    demo_backup, scratch_database_url
):
    path, held = demo_backup
    with pytest.raises(CommandError, match="not empty.*--force"):
        call_command("restore", str(path))
    assert Family.objects.count() == len(held[Family._meta.db_table])  # nothing changed

    migrated = _manage("migrate", "--noinput", database_url=scratch_database_url)
    assert migrated.returncode == 0, migrated.stderr
    refused = _manage("restore", str(path), database_url=scratch_database_url)
    assert refused.returncode != 0
    assert "--force" in refused.stderr
    assert _snapshot_of(scratch_database_url)[Family._meta.db_table] == []

    forced = _manage("restore", "--force", str(path), database_url=scratch_database_url)
    assert forced.returncode == 0, forced.stderr
    assert _snapshot_of(scratch_database_url) == held


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, scratch_database_url):
    missing = _manage("restore", str(tmp_path / "nothing"), database_url=scratch_database_url)
    assert "No backup file" in missing.stderr
    garbage = tmp_path / "garbage"
    garbage.write_text("not a backup\n" * 100)
    refused = _manage("restore", str(garbage), database_url=scratch_database_url)
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    assert "not an SQLite backup" in refused.stderr or "pg_restore failed" in refused.stderr
    assert _snapshot_of(scratch_database_url) == {}  # nothing was written
