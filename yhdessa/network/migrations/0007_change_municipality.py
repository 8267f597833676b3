import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0006_default_places"),
    ]

    operations = [
        migrations.AddField(
            model_name="directorychange",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="network.municipality",
                verbose_name="kunta",
            ),
        ),
    ]
