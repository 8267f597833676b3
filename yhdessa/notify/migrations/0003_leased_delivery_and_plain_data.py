"""The outbox row owns its delivery: a SENDING state with a lease, a stable
UUID for the Message-ID, an idempotency key, and a generic attachment
instead of an iCalendar field (the outbox knows no meetings)."""

import uuid

from django.db import migrations, models
from django.db.models import F


def fill_existing_rows(apps, schema_editor):
    OutboxMessage = apps.get_model("notify", "OutboxMessage")
    messages = list(OutboxMessage.objects.only("pk", "attachment"))
    for message in messages:
        message.uuid = uuid.uuid4()
        message.idempotency_key = f"outbox-{message.pk}"
        if message.attachment:
            # Every attachment so far was the meeting's calendar entry.
            method = "CANCEL" if "METHOD:CANCEL" in message.attachment else "REQUEST"
            message.attachment_name = "kutsu.ics"
            message.attachment_type = f"text/calendar; method={method}"
    OutboxMessage.objects.bulk_update(
        messages,
        ["uuid", "idempotency_key", "attachment_name", "attachment_type"],
        batch_size=500,
    )
    OutboxMessage.objects.filter(status="pending", next_attempt_at__isnull=True).update(
        next_attempt_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0002_message_kinds"),
    ]

    operations = [
        migrations.RenameField(model_name="outboxmessage", old_name="ics", new_name="attachment"),
        migrations.AlterField(
            model_name="outboxmessage",
            name="attachment",
            field=models.TextField(blank=True, verbose_name="liite"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="attachment_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="liitteen nimi"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="attachment_type",
            field=models.CharField(blank=True, max_length=100, verbose_name="liitteen tyyppi"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="channel",
            field=models.CharField(
                choices=[("email", "sähköposti")],
                default="email",
                max_length=20,
                verbose_name="kanava",
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="language",
            field=models.CharField(
                choices=[("fi", "suomi"), ("sv", "svenska"), ("en", "English")],
                default="fi",
                max_length=10,
                verbose_name="kieli",
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="leased_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="varattu asti"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="uuid",
            field=models.UUIDField(null=True, editable=False, verbose_name="tunniste"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="idempotency_key",
            field=models.CharField(null=True, max_length=200, verbose_name="toistotunniste"),
        ),
        migrations.RunPython(fill_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outboxmessage",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="tunniste"
            ),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="idempotency_key",
            field=models.CharField(max_length=200, unique=True, verbose_name="toistotunniste"),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "odottaa lähetystä"),
                    ("sending", "lähettämässä"),
                    ("sent", "lähetetty"),
                    ("failed", "lähetys epäonnistui"),
                ],
                default="pending",
                max_length=20,
                verbose_name="tila",
            ),
        ),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(fields=["status", "leased_until"], name="notify_outbox_lease_idx"),
        ),
        migrations.AddConstraint(
            model_name="outboxmessage",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "sending"), _negated=True)
                | models.Q(leased_until__isnull=False),
                name="outbox_sending_has_lease",
            ),
        ),
        migrations.AddConstraint(
            model_name="outboxmessage",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "pending"), _negated=True)
                | models.Q(next_attempt_at__isnull=False),
                name="outbox_pending_has_due_time",
            ),
        ),
    ]
