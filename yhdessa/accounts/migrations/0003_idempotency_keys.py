from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="IdempotencyKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("client", models.CharField(max_length=80, verbose_name="lähettäjä")),
                ("key", models.CharField(max_length=100, verbose_name="avain")),
                (
                    "request_hash",
                    models.CharField(max_length=64, verbose_name="pyynnön tiiviste"),
                ),
                (
                    "status_code",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="vastauksen tila"
                    ),
                ),
                (
                    "content_type",
                    models.CharField(blank=True, max_length=100, verbose_name="vastauksen tyyppi"),
                ),
                ("body", models.BinaryField(blank=True, default=b"", verbose_name="vastaus")),
                ("location", models.CharField(blank=True, max_length=300, verbose_name="osoite")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="luotu"),
                ),
            ],
            options={
                "verbose_name": "kertakäyttöinen avain",
                "verbose_name_plural": "kertakäyttöiset avaimet",
                "constraints": [
                    models.UniqueConstraint(fields=("client", "key"), name="one_use_per_key")
                ],
            },
        ),
    ]
