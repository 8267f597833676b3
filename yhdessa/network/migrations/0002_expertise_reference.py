"""The expertise list of the handbook "Yhdessä ajan ABC", plus the roles the
Kymenlaakso standing team names. Editable afterwards by a coordinator."""

from django.db import migrations

EXPERTISE = [
    ("child_health_clinic", "Äitiys- ja lastenneuvola", "Mödra- och barnrådgivning", "Maternity and child health clinic"),
    ("ece_special_teacher", "Varhaiskasvatuksen erityisopettaja", "Speciallärare inom småbarnspedagogik", "Early childhood special education teacher"),
    ("school_health", "Kouluterveydenhuolto", "Skolhälsovård", "School health care"),
    ("school_social_worker", "Koulukuraattori", "Skolkurator", "School social worker"),
    ("child_rehabilitation", "Lasten kuntoutus", "Rehabilitering för barn", "Child rehabilitation"),
    ("occupational_therapy", "Toimintaterapia", "Ergoterapi", "Occupational therapy"),
    ("family_counselling", "Kasvatus- ja perheneuvonta", "Uppfostrings- och familjerådgivning", "Educational and family counselling"),
    ("outreach_youth_work", "Etsivä nuorisotyö", "Uppsökande ungdomsarbete", "Outreach youth work"),
    ("social_work", "Sosiaalityö", "Socialt arbete", "Social work"),
    ("home_help_family_work", "Kotipalvelu ja perhetyö", "Hemservice och familjearbete", "Home help and family work"),
    ("substance_abuse_work", "Päihdetyö", "Missbruksarbete", "Substance abuse work"),
    ("violence_work", "Väkivaltatyö", "Arbete mot våld", "Violence work"),
    ("divorce_help", "Eroauttaminen", "Skilsmässohjälp", "Divorce help"),
    ("mental_health", "Mielenterveysauttaminen", "Hjälp inom psykisk hälsa", "Mental health help"),
    ("family_guide", "Perheohjaus", "Familjehandledning", "Family guidance"),
    ("social_counselling", "Sosiaaliohjaus", "Socialhandledning", "Social counselling"),
    ("early_education", "Varhaiskasvatus (lapsen oma työntekijä)", "Småbarnspedagogik (barnets egen pedagog)", "Early childhood education (the child's own teacher)"),
    ("parish_family_work", "Seurakunnan perhetyö", "Församlingens familjearbete", "Parish family work"),
    ("ngo_family_work", "Järjestön perhetoiminta", "Organisationens familjeverksamhet", "NGO family activities"),
]


def load(apps, schema_editor):
    Expertise = apps.get_model("network", "Expertise")
    for position, (code, fi, sv, en) in enumerate(EXPERTISE, start=1):
        Expertise.objects.update_or_create(
            code=code, defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
