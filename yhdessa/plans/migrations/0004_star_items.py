"""The sub-items of the wellbeing star's areas, as on THL's star (working
paper 26/2017), shown as prompts on the meeting room page."""

from django.db import migrations

ITEMS = {
    1: (
        ["Lapsen vahvuudet", "Lapsen toimintakyky", "Lapsen omat arjen ympäristöt"],
        ["Barnets styrkor", "Barnets funktionsförmåga", "Barnets egna vardagsmiljöer"],
        ["The child's strengths", "The child's functional ability", "The child's own everyday environments"],
    ),
    3: (
        ["Vanhemmuuden vahvuudet", "Vanhemman toimintakyky", "Vanhemman kyky ymmärtää lasta",
         "Vanhemman omat arjen ympäristöt"],
        ["Föräldraskapets styrkor", "Förälderns funktionsförmåga", "Förälderns förmåga att förstå barnet",
         "Förälderns egna vardagsmiljöer"],
        ["Parenting strengths", "The parent's functional ability", "The parent's ability to understand the child",
         "The parent's own everyday environments"],
    ),
    5: (
        ["Perhe", "Päiväkoti tai koulu", "Vapaa-aika", "Ystävät"],
        ["Familjen", "Daghemmet eller skolan", "Fritiden", "Vännerna"],
        ["Family", "Daycare or school", "Leisure", "Friends"],
    ),
    6: (
        ["Perheen olosuhteet ja verkostot", "Perheen historia", "Palvelut"],
        ["Familjens förhållanden och nätverk", "Familjens historia", "Tjänster"],
        ["Family circumstances and networks", "Family history", "Services"],
    ),
}


def load(apps, schema_editor):
    StarArea = apps.get_model("plans", "StarArea")
    for number, (fi, sv, en) in ITEMS.items():
        StarArea.objects.filter(number=number).update(items_fi=fi, items_sv=sv, items_en=en)


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_follow_up")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
