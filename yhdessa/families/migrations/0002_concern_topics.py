"""Typical concerns, from the Kymenlaakso Yhdessä-tiimi description."""

from django.db import migrations

TOPICS = [
    ("parent_child_interaction", "Vanhemman ja lapsen vuorovaikutus", "Samspelet mellan förälder och barn", "Parent–child interaction"),
    ("family_interaction", "Perheenjäsenten välinen vuorovaikutus", "Samspelet mellan familjemedlemmarna", "Interaction between family members"),
    ("at_a_loss", "Keinottomuus lapsen kanssa toimimisessa", "Rådlöshet i vardagen med barnet", "Parent at a loss with the child"),
    ("new_life_situation", "Uuden elämäntilanteen rytmin löytyminen", "Att hitta rytmen i en ny livssituation", "Finding the rhythm of a new life situation"),
    ("parental_roles", "Vanhempien välinen roolitus", "Rollfördelningen mellan föräldrarna", "Roles between parents"),
    ("parent_coping", "Vanhemman oma jaksaminen", "Förälderns egen ork", "Parent's own coping under strain"),
    ("daily_rhythm", "Arkirytmi", "Vardagsrytmen", "Daily rhythm"),
    ("other", "Muu asia", "Annat", "Something else"),
]


def load(apps, schema_editor):
    ConcernTopic = apps.get_model("families", "ConcernTopic")
    for position, (code, fi, sv, en) in enumerate(TOPICS, start=1):
        ConcernTopic.objects.update_or_create(
            code=code, defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("families", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
