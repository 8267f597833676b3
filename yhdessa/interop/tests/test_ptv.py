"""Import from Palvelutietovaranto (PTV) v11 JSON."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from yhdessa.interop.ptv import import_ptv
from yhdessa.network.models import DirectoryChange, ImportedService, Organisation, ServiceOffer

PAGE = (Path(__file__).parent / "data" / "ptv_page.json").read_bytes()


def test_it_maps_organisations_and_services_and_reports_the_rest(network):
    report = import_ptv(PAGE, actor=network.admin, apply=True)
    assert report.ok, report.errors
    club = Organisation.objects.get(ptv_id="6f1e3a52-7d1b-4c55-9a70-3b2f0a4c9e11")
    assert (club.name, club.sector, club.business_id) == (
        "Järvelän Perheklubi ry",
        "ngo",
        "2077474-0",
    )
    assert (club.name_sv, club.name_en) == ("Järvelä Familjeklubb rf", "Järvelä Family Club")
    assert club.email == "info@perheklubi.example" and club.phone == "+358 401234567"
    assert club.address == "Kirkkotie 5 99999 JÄRVELÄ"
    assert sorted(m.name for m in club.municipalities.all()) == ["Järvelä", "Koivuranta"]
    county = Organisation.objects.get(name="Järviseudun hyvinvointialue")
    assert county.sector == "county_social" and county.business_id == ""
    offers = {
        (o.organisation.name, o.task_area.code, o.municipality.name)
        for o in ServiceOffer.objects.select_related("organisation", "task_area", "municipality")
    }
    assert offers == {
        ("Järvelän Perheklubi ry", "meeting_places", "Järvelä"),
        ("Järvelän Perheklubi ry", "meeting_places", "Koivuranta"),
        ("Järviseudun hyvinvointialue", "growth_development", "Järvelä"),
    }
    not_mapped = " ".join(report.notes)
    assert "Tuntemattomala" in not_mapped
    assert "y-tunnus 1234567-2 ei kelpaa" in not_mapped
    assert report.unknown_municipalities == ["Tuntemattomala"]
    # Waste management is no task area the import knows: kept for the
    # coordinator to classify, not dropped.
    kept = ImportedService.objects.get()
    assert (kept.name, kept.municipality.name, kept.task_area) == ("Jätehuolto", "Järvelä", None)
    assert kept.organisation == county
    assert report.done == {
        "organisation_created": 2,
        "service_created": 2,
        "service_unclassified": 1,
        "offer_created": 3,
    }


def test_importing_again_changes_nothing(network):
    import_ptv(PAGE, actor=network.admin, apply=True)
    changes = DirectoryChange.objects.count()
    again = import_ptv(PAGE, actor=network.admin, apply=True)
    assert again.done == {
        "organisation_unchanged": 2,
        "service_unchanged": 2,
        "service_unclassified": 1,
        "offer_unchanged": 3,
    }
    assert DirectoryChange.objects.count() == changes
    assert ImportedService.objects.count() == 1


def test_a_single_object_or_a_list_is_read_too(network):
    items = json.loads(PAGE)["itemList"]
    assert import_ptv(json.dumps(items[0]).encode(), actor=network.admin, apply=True).ok
    assert import_ptv(json.dumps(items).encode(), actor=network.admin, apply=True).ok


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"{not json", "JSON"),
        (b"[1, 2]", "Organization- tai Service-olioita"),
        (b'{"itemList": [{"organizationNames": []}]}', "puuttuu nimi"),
    ],
)
def test_a_bad_file_writes_nothing(network, data, reason):
    report = import_ptv(data, actor=network.admin, apply=True)
    assert reason in " ".join(message for _line, message in report.errors)
    assert not report.applied


def test_the_command_line_import(network, tmp_path):
    good, bad = tmp_path / "ptv.json", tmp_path / "bad.json"
    good.write_bytes(PAGE)
    bad.write_bytes(b'{"itemList": [{"organizationNames": []}]}')
    with pytest.raises(CommandError):
        call_command("import_ptv", str(bad), "--actor", "admin")
    call_command("import_ptv", str(good), "--dry-run", "--actor", "admin")
    assert not Organisation.objects.filter(name="Järvelän Perheklubi ry").exists()
    call_command("import_ptv", str(good), "--system", "--municipality", "Koivuranta")
    club = Organisation.objects.get(name="Järvelän Perheklubi ry")
    assert [m.name for m in club.municipalities.all()] == ["Koivuranta"]
    assert not Organisation.objects.filter(name="Järviseudun hyvinvointialue").exists()


def test_a_coordinator_imports_what_serves_their_municipality(network):
    """The rest of the file is left to the other municipalities, and said so."""
    report = import_ptv(PAGE, actor=network.coordinator2, apply=True)
    assert report.applied, report.errors
    club = Organisation.objects.get(name="Järvelän Perheklubi ry")
    assert [m.name for m in club.municipalities.all()] == ["Koivuranta"]
    assert not Organisation.objects.filter(name="Järviseudun hyvinvointialue").exists()
    assert {o.municipality.name for o in ServiceOffer.objects.all()} == {"Koivuranta"}
    notes = " ".join(report.notes)
    assert "muut kunnat (Järvelä) jätettiin pois" in notes
    assert "Järviseudun hyvinvointialue ei palvele kuntaasi" in " ".join(report.refused)
    assert report.done["organisation_refused"] == 1
    assert set(DirectoryChange.objects.values_list("municipality__name", flat=True)) == {
        "Koivuranta"
    }
    # Järvelä's coordinator cannot take over (and re-address) an organisation
    # that Koivuranta keeps: it is left as it is, and said so.
    report = import_ptv(PAGE, actor=network.coordinator, apply=True)
    assert report.applied, report.errors
    assert [m.name for m in club.municipalities.all()] == ["Koivuranta"]
    assert "Järvelän Perheklubi ry ei palvele kuntaasi" in " ".join(report.refused)


def test_someone_who_keeps_no_directory_cannot_import(network):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_ptv(PAGE, actor=network.convener, apply=True)
    assert not Organisation.objects.filter(name="Järvelän Perheklubi ry").exists()
