"""The six areas of THL's wellbeing star (Hyvinvoinnin tähti, working paper 26/2017)."""

from django.db import migrations

AREAS = [
    (1, "Lapsen terveys, kasvu ja kehitys", "Barnets hälsa, tillväxt och utveckling", "Child's health, growth and development",
     "Lapsen vahvuudet, toimintakyky ja omat arjen ympäristöt", "Barnets styrkor, funktionsförmåga och egna vardagsmiljöer",
     "The child's strengths, functional ability and own everyday environments"),
    (2, "Lapsen kokemus ihmissuhteista ja turvallisuudesta", "Barnets upplevelse av relationer och trygghet", "Child's experience of relationships and safety",
     "", "", ""),
    (3, "Vanhempana toimiminen ja suhde lapseen", "Föräldraskapet och relationen till barnet", "Parenting and the relationship with the child",
     "Vanhemmuuden vahvuudet, vanhemman toimintakyky, kyky ymmärtää lasta ja omat arjen ympäristöt",
     "Föräldraskapets styrkor, förälderns funktionsförmåga, förmåga att förstå barnet och egna vardagsmiljöer",
     "Parenting strengths, the parent's functional ability, ability to understand the child and own everyday environments"),
    (4, "Lapsen käsitys itsestään", "Barnets uppfattning om sig själv", "Child's view of themself", "", "", ""),
    (5, "Lapsen kokemus perheestä, päiväkodista, koulusta, vapaa-ajasta ja ystävistä",
     "Barnets upplevelse av familjen, daghemmet, skolan, fritiden och vännerna",
     "Child's experience of family, daycare, school, leisure and friends", "", "", ""),
    (6, "Sosiaalinen hyvinvointi: perhe ja ympäristötekijät", "Social välfärd: familjen och omgivningen", "Social wellbeing: family and environment",
     "Perheen olosuhteet ja verkostot, perheen historia, palvelut", "Familjens förhållanden och nätverk, familjens historia, tjänster",
     "Family circumstances and networks, family history, services"),
]


def load(apps, schema_editor):
    StarArea = apps.get_model("plans", "StarArea")
    for number, fi, sv, en, dfi, dsv, den in AREAS:
        StarArea.objects.update_or_create(
            number=number,
            defaults={"name_fi": fi, "name_sv": sv, "name_en": en,
                      "description_fi": dfi, "description_sv": dsv, "description_en": den},
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
