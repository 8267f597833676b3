"""A random calendar UID for every meeting: existing meetings get distinct
values (a callable default in AddField would give them all the same one)."""

import uuid

from django.db import migrations, models


def give_each_meeting_a_uid(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    meetings = list(Meeting.objects.only("pk"))
    for meeting in meetings:
        meeting.uid = uuid.uuid4()
    Meeting.objects.bulk_update(meetings, ["uid"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="uid",
            field=models.UUIDField(null=True, editable=False, verbose_name="kalenteritunniste"),
        ),
        migrations.RunPython(give_each_meeting_a_uid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="meeting",
            name="uid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="kalenteritunniste"
            ),
        ),
    ]
