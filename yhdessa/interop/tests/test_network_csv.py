"""CSV import and export of the network."""

import pytest
from django.core.management import CommandError, call_command
from stdnum.fi import ytunnus

from yhdessa.interop.network_csv import export_network, import_network
from yhdessa.network.models import (
    DirectoryChange,
    FamilyCentreTeam,
    Municipality,
    Organisation,
    Professional,
)


def business_id(base: str) -> str:
    """A synthetic y-tunnus: the check digit that stdnum accepts."""
    return next(f"{base}-{d}" for d in "0123456789" if ytunnus.is_valid(f"{base}-{d}"))


NGO_ID = business_id("2077474")
HEADER = (
    "record,organisation,sector,business_id,municipalities,name,title,email,phone,"
    "expertise,languages,team,active\n"
)
GOOD = HEADER + (
    f"organisation,Perhetalo ry,ngo,{NGO_ID},Uusikylä,,,info@perhetalo.example,,,fi|sv,,\n"
    "organisation,Uusikylän kunta,municipal_education,,Uusikylä,,,,,,fi,,\n"
    f"professional,{NGO_ID},,,Uusikylä,Riikka Laine,perhetyöntekijä,riikka@perhetalo.example,"
    "040 1,ngo_family_work|divorce_help,fi|sv,,yes\n"
    "professional,Uusikylän kunta,,,Uusikylä,Ville Virta,varhaiskasvatuksen opettaja,"
    "ville@uusikyla.example,,early_education,fi,,yes\n"
    "membership,,,,Uusikylä,,,riikka@perhetalo.example,,,,Uusikylän perhekeskustiimi,\n"
    "membership,,,,Uusikylä,,,ville@uusikyla.example,,,,Uusikylän perhekeskustiimi,\n"
)


def test_a_new_municipality_is_set_up_from_a_file(network):
    """The system administrator adds a municipality; its coordinator carries on."""
    preview = import_network(GOOD.encode(), actor=network.admin, apply=False)
    assert preview.ok and not preview.applied
    assert "uusia ammattilaisia: 2" in preview.summary()
    assert preview.new_municipalities == ["Uusikylä"]
    assert not Organisation.objects.filter(name="Perhetalo ry").exists()  # preview wrote nothing

    report = import_network(GOOD.encode(), actor=network.admin, apply=True)
    assert report.applied
    team = FamilyCentreTeam.objects.get(name="Uusikylän perhekeskustiimi")
    assert sorted(p.name for p in team.members.all()) == ["Riikka Laine", "Ville Virta"]
    riikka = Professional.objects.get(email="riikka@perhetalo.example")
    assert sorted(e.code for e in riikka.expertise.all()) == ["divorce_help", "ngo_family_work"]
    assert riikka.languages == ["fi", "sv"]
    ngo = Organisation.objects.get(business_id=NGO_ID)
    assert sorted(m.name for m in ngo.municipalities.all()) == ["Uusikylä"]
    assert DirectoryChange.objects.filter(actor=network.admin).count() >= 5
    town = ngo.municipalities.get()
    assert DirectoryChange.objects.filter(object_type="municipality", object_id=town.pk).exists()


def test_importing_the_same_file_again_changes_nothing(network):
    import_network(GOOD.encode(), actor=network.admin, apply=True)
    changes = DirectoryChange.objects.count()
    again = import_network(GOOD.encode(), actor=network.admin, apply=True)
    assert again.ok
    assert set(again.done) == {
        "organisation_unchanged",
        "professional_unchanged",
        "membership_unchanged",
    }
    assert DirectoryChange.objects.count() == changes


def test_every_bad_row_is_listed_and_nothing_is_written(network):
    bad = HEADER + (
        "organisation,Hyvä ry,ngo,,Järvelä,,,,,,fi,,\n"
        "organisation,Huono ry,ngo,1234567-2,Järvelä,,,,,,fi,,\n"
        "organisation,Kuka ry,spaceship,,Järvelä,,,,,,fi,,\n"
        "professional,Ei ole ry,,,Järvelä,Aino,,aino@x.example,,,fi,,yes\n"
        "professional,Hyvä ry,,,Järvelä,Bea,,bea@x.example,,telepathy,fi,,yes\n"
        "professional,Hyvä ry,,,Järvelä,Cecilia,,ei-osoite,,,fi,,yes\n"
        "professional,Hyvä ry,,,Järvelä,Dan,,dan@x.example,,,klingon,,yes\n"
        "membership,,,,Järvelä,,,nobody@x.example,,,,Tiimi,\n"
        "dragon,,,,,,,,,,,,\n"
    )
    report = import_network(bad.encode(), actor=network.coordinator, apply=True)
    lines = [line for line, _message in report.errors]
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10]
    messages = " ".join(m for _line, m in report.errors)
    for reason in (
        "Y-tunnus 1234567-2 ei ole kelvollinen",
        "Valitse sektori",
        "Organisaatiota Ei ole ry ei löydy",
        "Tuntematon osaamisen koodi: telepathy",
        "Sähköpostiosoite ei ole kelvollinen",
        "Tuntematon kieli: klingon",
        "Ammattilaista sähköpostilla nobody@x.example ei löydy",
        "Tuntematon record-arvo dragon",
    ):
        assert reason in messages
    assert not Organisation.objects.filter(name="Hyvä ry").exists()
    assert not report.applied


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"name,email\nx,y\n", "Otsikkorivistä puuttuu sarake: record, organisation"),
        (HEADER.encode(), "Tiedostossa ei ole yhtään riviä"),
    ],
)
def test_unreadable_files_are_explained(network, data, reason):
    report = import_network(data, actor=network.coordinator, apply=True)
    assert reason in report.errors[0][1]


def test_semicolon_files_from_finnish_spreadsheets_are_read(network):
    text = GOOD.replace(",", ";").replace("Uusikylä|Järvelä", "Uusikylä|Järvelä")
    report = import_network(("\ufeff" + text).encode(), actor=network.admin, apply=True)
    assert report.ok, report.errors


def test_export_round_trips(network):
    import_network(GOOD.encode(), actor=network.admin, apply=True)
    exported = export_network(network.admin)
    assert exported.splitlines()[0] == HEADER.strip()
    changes = DirectoryChange.objects.count()
    report = import_network(exported.encode(), actor=network.admin, apply=True)
    assert report.ok, report.errors
    assert not any(k.endswith(("created", "updated")) for k in report.done)
    assert DirectoryChange.objects.count() == changes


def test_the_command_line_import_names_its_actor(network, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD)
    bad.write_text(HEADER + "professional,Ei ole ry,,,Järvelä,Aino,,a@x.example,,,fi,,yes\n")
    with pytest.raises(CommandError, match="--actor --system"):
        call_command("import_network", str(good))
    with pytest.raises(CommandError):
        call_command("import_network", str(bad), "--actor", "coordinator")
    assert "row 2" in capsys.readouterr().err
    system = ["--system", "--municipality", "Uusikylä", "--create-municipality"]
    call_command("import_network", str(good), "--dry-run", *system)
    assert not Professional.objects.filter(email="ville@uusikyla.example").exists()
    assert not Municipality.objects.filter(name="Uusikylä").exists()
    with pytest.raises(CommandError, match="No municipality"):
        call_command("import_network", str(good), "--system", "--municipality", "Uusikylä")
    call_command("import_network", str(good), *system)
    assert Professional.objects.filter(email="ville@uusikyla.example").exists()
    change = DirectoryChange.objects.filter(object_repr="Ville Virta").get()
    assert change.actor is None
    assert change.source == "command import_network: CSV good.csv"
    assert change.municipality.name == "Uusikylä"
    # A plain user, or someone who has left, is no actor.
    with pytest.raises(CommandError, match="no active coordinator"):
        call_command("import_network", str(good), "--actor", "convener")


KOIVURANTA_JARI = "jari@test.example"


@pytest.mark.parametrize(
    "row, reason",
    [
        # Deactivating, or changing, another municipality's professional.
        (
            "professional,Hyvinvointialue,,,Koivuranta,Jari Heino,,jari@test.example,,,fi,,no",
            "toisen kunnan",
        ),
        # Moving them into the coordinator's own municipality (to redirect mail).
        (
            "professional,Hyvinvointialue,,,Järvelä,Jari Heino,,jari@test.example,,,fi,,yes",
            "toisen kunnan",
        ),
        # A new professional in another municipality.
        (
            "professional,Hyvinvointialue,,,Koivuranta,Uusi Ihminen,,uusi@test.example,,,fi,,yes",
            "oman kuntasi",
        ),
        # Another municipality's team.
        ("membership,,,,Koivuranta,,,riikka@test.example,,,,Koivurannan tiimi,", "oman kuntasi"),
        # A municipality that does not exist.
        ("organisation,Uusi ry,ngo,,Atlantis,,,,,,fi,,", "Kuntaa Atlantis ei ole"),
        # Tying an organisation to another municipality.
        ("organisation,Perhekulma ry,ngo,,Järvelä|Koivuranta,,,,,,fi,,", "vain omaan kuntaasi"),
    ],
)
def test_a_coordinators_import_stays_in_their_municipality(network, row, reason):
    before = (
        DirectoryChange.objects.count(),
        list(Professional.objects.order_by("pk").values()),
        list(FamilyCentreTeam.objects.values_list("pk", "members")),
    )
    for actor in (network.coordinator, "command"):
        if actor == "command":
            from yhdessa.access import SystemActor

            actor = SystemActor(municipality_id=network.town.pk)
        report = import_network((HEADER + row + "\n").encode(), actor=actor, apply=True)
        assert not report.applied
        assert reason in report.errors[0][1], report.errors
    after = (
        DirectoryChange.objects.count(),
        list(Professional.objects.order_by("pk").values()),
        list(FamilyCentreTeam.objects.values_list("pk", "members")),
    )
    assert after == before
    assert not Municipality.objects.filter(name="Atlantis").exists()


def test_a_coordinator_imports_their_own_people(network):
    row = (
        "professional,Perhekulma ry,,,Järvelä,Riikka Laine,perhetyöntekijä,riikka@test.example,"
        ",ngo_family_work,fi,,no\n"
    )
    report = import_network((HEADER + row).encode(), actor=network.coordinator, apply=True)
    assert report.applied, report.errors
    change = DirectoryChange.objects.get(object_repr="Riikka Laine")
    assert (change.actor, change.municipality, change.action) == (
        network.coordinator,
        network.town,
        "deactivated",
    )
