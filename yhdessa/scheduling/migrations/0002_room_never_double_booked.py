"""A room is never booked twice for overlapping times, enforced by the
database itself: on PostgreSQL an exclusion constraint over the time range
(btree_gist for the room's equality), on SQLite triggers that refuse an
overlapping insert or update. Not in the model's Meta because Django's
ExclusionConstraint exists only on PostgreSQL."""

from django.db import migrations

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE scheduling_roombooking ADD CONSTRAINT room_never_double_booked
       EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)""",
]
PG_DOWN = ["ALTER TABLE scheduling_roombooking DROP CONSTRAINT room_never_double_booked"]

_OVERLAP = """
    SELECT RAISE(ABORT, 'room_never_double_booked')
    WHERE EXISTS (
        SELECT 1 FROM scheduling_roombooking b
        WHERE b.room_id = NEW.room_id AND b.id IS NOT NEW.id
          AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
    );
"""
SQLITE_UP = [
    f"""CREATE TRIGGER room_never_double_booked_insert
        BEFORE INSERT ON scheduling_roombooking BEGIN {_OVERLAP} END""",
    f"""CREATE TRIGGER room_never_double_booked_update
        BEFORE UPDATE ON scheduling_roombooking BEGIN {_OVERLAP} END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS room_never_double_booked_insert",
    "DROP TRIGGER IF EXISTS room_never_double_booked_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
