"""The family centre's task areas for the service map (after THL's seven
family centre tasks, as the Vantaa-Kerava service packages use them).
Editable reference data: a region may name them differently."""

from django.db import migrations

TASK_AREAS = [
    ("parenting_relationships", "Vanhemmuuden ja parisuhteen tukeminen", "Stöd för föräldraskap och parrelation", "Support for parenting and couple relationships"),
    ("growth_development", "Kasvun ja kehityksen seuranta ja tuki", "Uppföljning och stöd av uppväxt och utveckling", "Following and supporting growth and development"),
    ("guidance_counselling", "Ohjaus ja neuvonta", "Handledning och rådgivning", "Guidance and counselling"),
    ("early_support", "Varhainen tuki, hoito ja kuntoutus", "Tidigt stöd, vård och rehabilitering", "Early support, care and rehabilitation"),
    ("divorce_support", "Eroauttaminen ja erotilanteiden tuki", "Skilsmässohjälp och stöd vid separation", "Help with divorce and separation"),
    ("violence_prevention", "Lähisuhdeväkivallan ehkäisy ja väkivaltatyö", "Förebyggande av våld i nära relationer och arbete mot våld", "Preventing intimate partner violence and violence work"),
    ("meeting_places", "Kohtaamispaikat ja vertaistuki", "Mötesplatser och kamratstöd", "Meeting places and peer support"),
]


def load(apps, schema_editor):
    TaskArea = apps.get_model("network", "TaskArea")
    for position, (code, fi, sv, en) in enumerate(TASK_AREAS, start=1):
        TaskArea.objects.update_or_create(
            code=code, defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("network", "0003_directory")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
