"""The network pages: search for everyone, upkeep for the coordinator."""

from datetime import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yhdessa.interop.tests.test_network_csv import GOOD
from yhdessa.meetings.models import Meeting
from yhdessa.network.models import (
    DirectoryChange,
    FamilyCentreTeam,
    Organisation,
    Professional,
    ServiceOffer,
    TaskArea,
)


def test_every_professional_searches_who_offers_what(client, network):
    Professional.objects.filter(name="Riikka Laine").update(languages=["fi", "en"])
    client.force_login(network.convener2)  # another municipality, still may search
    page = client.get(reverse("network:directory"), {"expertise": "ngo_family_work"})
    people = [p.name for p in page.context["page"].object_list]
    assert people == ["Riikka Laine"]
    assert "Perhekulma ry" in page.content.decode()
    by_language = client.get(reverse("network:directory"), {"language": "en"}).context["page"]
    assert [p.name for p in by_language.object_list] == ["Riikka Laine"]
    by_sector = client.get(reverse("network:directory"), {"sector": "ngo"}).context["page"]
    assert [p.name for p in by_sector.object_list] == ["Riikka Laine"]
    by_town = client.get(reverse("network:directory"), {"municipality": network.town2.pk}).context[
        "page"
    ]
    assert {p.name for p in by_town.object_list} == {"Eeva Kallio", "Jari Heino"}


def test_the_directory_keeps_a_constant_query_count(client, network):
    client.force_login(network.convener)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("network:directory"))
        return len(ctx.captured_queries)

    few = count()
    org = Organisation.objects.first()
    for i in range(10):
        p = Professional.objects.create(
            name=f"N {i}", organisation=org, municipality=network.town, email=f"n{i}@x.example"
        )
        p.expertise.set([1, 2])
    assert count() == few


def test_upkeep_is_for_coordinators(client, network):
    client.force_login(network.convener)
    for name in (
        "network:manage",
        "network:import",
        "network:changes",
        "network:export",
        "network:organisation_new",
        "network:professional_new",
    ):
        assert client.get(reverse(name)).status_code == 403


def test_a_coordinator_edits_an_organisation_and_the_change_is_logged(client, network):
    client.force_login(network.coordinator)
    org = Organisation.objects.get(name="Perhekulma ry")
    org.municipalities.set([network.town])
    url = reverse("network:organisation", args=[org.pk])
    page = client.post(
        url, {"name": "Perhekulma ry", "sector": "ngo", "business_id": "1234567-2"}
    ).content.decode()
    assert "Y-tunnus 1234567-2 ei ole kelvollinen" in page
    assert not DirectoryChange.objects.exists()
    client.post(
        url,
        {
            "name": "Perhekulma ry",
            "sector": "ngo",
            "business_id": "20774740",
            "languages": ["fi", "sv"],
            "municipalities": [network.town.pk],
            "task_areas": [TaskArea.objects.get(code="meeting_places").pk],
        },
    )
    org.refresh_from_db()
    assert org.business_id == "2077474-0" and org.languages == ["fi", "sv"]
    assert ServiceOffer.objects.filter(organisation=org, municipality=network.town).count() == 1
    changes = {
        k: v
        for c in DirectoryChange.objects.filter(
            object_type="organisation", actor=network.coordinator
        )
        for k, v in c.changes.items()
    }
    assert changes["business_id"] == ["", "2077474-0"]
    assert changes["task_areas"] == [[], ["meeting_places"]]
    log = client.get(reverse("network:changes")).content.decode()
    assert "2077474-0" in log and "Perhekulma ry" in log


def test_leaving_deactivates_and_keeps_what_they_took_part_in(client, network, held_meeting):
    client.force_login(network.coordinator)
    mikko = network.people["mikko"]
    client.post(
        reverse("network:professional", args=[mikko.pk]),
        {
            "name": mikko.name,
            "title": "",
            "organisation": mikko.organisation_id,
            "municipality": network.town.pk,
            "email": mikko.email,
            "phone": "",
            "expertise": [e.pk for e in mikko.expertise.all()],
        },
    )  # is_active unticked
    mikko.refresh_from_db()
    assert mikko.is_active is False
    assert Meeting.objects.filter(invitations__professional=mikko).exists()
    assert DirectoryChange.objects.filter(action="deactivated", object_id=mikko.pk).exists()
    client.force_login(network.convener)
    page = client.get(reverse("meetings:convene", args=[held_meeting.concern_id]))
    assert "Mikko Harju" not in page.content.decode()


def test_team_and_practice_reach_the_convener(client, network):
    from conftest import concern_for

    client.force_login(network.coordinator)
    team = network.team
    client.post(
        reverse("network:team", args=[team.pk]),
        {
            "members": [network.people["leena"].pk, network.people["outsider"].pk],
            "by_email": "on",
            "by_sms": "on",
            "deadline_rule": "working_days_before",
            "deadline_weekday": "0",
            "deadline_working_days": "3",
            "default_duration_minutes": "60",
            "default_place": "Neuvola",
            "instructions": "Soita.",
            "slot_0_weekday": "1",
            "slot_0_starts": "12:00",
            "slot_0_ends": "14:00",
            "slot_1_weekday": "",
            "slot_2_weekday": "",
            "team-kind": "on_call",
        },
    )
    assert sorted(p.name for p in team.members.all()) == ["Leena Koivisto", "Ulla Ulkopuoli"]
    client.force_login(network.convener)
    page = client.get(
        reverse("meetings:convene", args=[concern_for(network.convener).pk])
    ).content.decode()
    assert "Tiimi kokoontuu: tiistai klo 12.00–14.00" in page
    assert "Pyydä aika viimeistään 3 arkipäivää ennen tapaamista." in page
    assert "Ulla Ulkopuoli" in page and "Mikko Harju" not in page


def test_a_bad_slot_is_refused(client, network):
    client.force_login(network.coordinator)
    page = client.post(
        reverse("network:team", args=[network.team.pk]),
        {
            "members": [],
            "deadline_rule": "none",
            "deadline_weekday": "0",
            "deadline_working_days": "3",
            "default_duration_minutes": "60",
            "slot_0_weekday": "1",
            "slot_0_starts": "14:00",
            "slot_0_ends": "12:00",
            "team-kind": "on_call",
        },
    ).content.decode()
    assert "Aikaikkunan loppu pitää olla sen alun jälkeen" in page
    assert list(network.team.practice.slots.values_list("starts", flat=True)) == [time(8)]
    assert network.team.members.count() == 5


def test_the_administrator_sets_up_a_municipality_from_a_file(client, network):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # A coordinator cannot add a municipality (nor reach into another one).
    client.force_login(network.coordinator)
    upload = SimpleUploadedFile("uusikyla.csv", GOOD.encode(), content_type="text/csv")
    refused = client.post(reverse("network:import"), {"file": upload}).content.decode()
    assert "Kuntaa Uusikylä ei ole järjestelmässä" in refused
    client.force_login(network.admin)
    upload = SimpleUploadedFile("uusikyla.csv", GOOD.encode(), content_type="text/csv")
    preview = client.post(reverse("network:import"), {"file": upload}).content.decode()
    assert "Esikatselu: tiedosto on kunnossa" in preview and "Uusikylä" in preview
    assert not FamilyCentreTeam.objects.filter(name="Uusikylän perhekeskustiimi").exists()
    client.post(reverse("network:import"), {"confirm": "1"})
    assert FamilyCentreTeam.objects.get(name="Uusikylän perhekeskustiimi").members.count() == 2
    bad = SimpleUploadedFile("bad.csv", b"record,name,organisation,email\ndragon,,,\n")
    page = client.post(reverse("network:import"), {"file": bad}).content.decode()
    assert "mitään ei tallennettu" in page and "Tuntematon record-arvo dragon" in page


def test_the_service_map_shows_gaps_and_overlaps(client, network):
    meeting_places = TaskArea.objects.get(code="meeting_places")
    for org in Organisation.objects.all():
        ServiceOffer.objects.create(
            organisation=org, task_area=meeting_places, municipality=network.town
        )
    client.force_login(network.convener)
    page = client.get(reverse("network:service_map"))
    rows = dict((area.code, cells) for area, cells in page.context["rows"])
    towns = [t.name for t in page.context["columns"]]
    jarvela = towns.index("Järvelä")
    assert rows["meeting_places"][jarvela].status == "overlap"
    assert rows["violence_prevention"][jarvela].status == "gap"
    ngo_only = client.get(reverse("network:service_map"), {"sector": "ngo"}).context["rows"]
    assert dict((a.code, c) for a, c in ngo_only)["meeting_places"][jarvela].status == "ok"
    csv = client.get(reverse("network:service_map"), {"format": "csv"}).content.decode()
    assert "Kohtaamispaikat ja vertaistuki,Järvelä,päällekkäisyys,3" in csv


def test_a_ptv_file_is_previewed_and_imported_from_the_page(client, network):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(network.coordinator)
    data = (Path(__file__).parents[2] / "interop" / "tests" / "data" / "ptv_page.json").read_bytes()
    page = client.post(
        reverse("network:import"),
        {"file": SimpleUploadedFile("ptv.json", data, content_type="application/json")},
    ).content.decode()
    assert "Palvelu Jätehuolto (Järviseudun hyvinvointialue, Järvelä)" in page
    assert not Organisation.objects.filter(name="Järvelän Perheklubi ry").exists()
    client.post(reverse("network:import"), {"confirm": "1"})
    assert Organisation.objects.filter(name="Järvelän Perheklubi ry").exists()


def test_areas_are_kept_and_followed_by_search_and_report(client, network, held_meeting):
    from django.utils import timezone

    from yhdessa.network.models import FamilyCentreArea

    client.force_login(network.coordinator)
    client.post(reverse("network:area_new"), {"name": "Keskusta"})
    client.post(reverse("network:area_new"), {"name": "Keskusta"})  # twice: refused
    area = FamilyCentreArea.objects.get(municipality=network.town)
    post = {
        "members": [p.pk for p in network.team.members.all()],
        "team-kind": "on_call",
        "team-area": area.pk,
        "deadline_rule": "none",
        "deadline_weekday": "0",
        "deadline_working_days": "1",
        "default_duration_minutes": "90",
        "slot_0_weekday": "3",
        "slot_0_starts": "08:00",
        "slot_0_ends": "10:00",
    }
    client.post(reverse("network:team", args=[network.team.pk]), post)
    network.team.refresh_from_db()
    assert network.team.area == area
    # Meetings follow the area of the team that was convened.
    held_meeting.team = network.team
    held_meeting.save(update_fields=["team"])
    page = client.get(reverse("network:directory"), {"area": area.pk})
    assert {p.name for p in page.context["page"].object_list} == {
        p.name for p in network.team.members.filter(is_active=True)
    }
    report = client.get(
        reverse("reports:meetings"),
        {"start": "2000-01-01", "end": timezone.localdate().isoformat()},
    )
    assert report.context["by_area"] == [{"municipality": "Järvelä", "area": "Keskusta", "held": 1}]


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def _grow_directory(network, n):
    town = network.town
    meeting_places = TaskArea.objects.get(code="meeting_places")
    for i in range(n):
        org = Organisation.objects.create(
            name=f"Yhdistys {i} {Organisation.objects.count()}", sector="ngo"
        )
        org.municipalities.set([town])
        ServiceOffer.objects.create(organisation=org, task_area=meeting_places, municipality=town)
        p = Professional.objects.create(
            name=f"Työntekijä {org.pk}",
            organisation=org,
            municipality=town,
            email=f"t{org.pk}@x.example",
        )
        p.expertise.set([1])
        DirectoryChange.objects.create(
            actor=network.coordinator,
            action="created",
            object_type="organisation",
            object_id=org.pk,
            object_repr=org.name,
            changes={"name": [None, org.name]},
        )


def test_upkeep_pages_keep_a_constant_query_count(client, network):
    client.force_login(network.coordinator)
    urls = [
        (reverse("network:manage"), {}),
        (reverse("network:changes"), {}),
        (reverse("network:service_map"), {}),
        (reverse("network:service_map"), {"sector": "ngo"}),
    ]
    _grow_directory(network, 2)
    few = [_queries(client, url, **params) for url, params in urls]
    _grow_directory(network, 8)
    many = [_queries(client, url, **params) for url, params in urls]
    assert few == many


def test_the_change_history_reads_in_finnish(client, network):
    client.force_login(network.coordinator)
    client.post(
        reverse("network:professional_new"),
        {
            "name": "Aino Aalto",
            "title": "perhetyöntekijä",
            "organisation": Organisation.objects.first().pk,
            "municipality": network.town.pk,
            "email": "aino@x.example",
            "languages": ["fi", "sv"],
            "is_active": "on",
        },
    )
    page = client.get(reverse("network:changes")).content.decode()
    assert "nimi:</span> – → Aino Aalto" in page
    assert "kielet:</span> – → suomi, ruotsi" in page
    assert "aktiivinen:</span> – → kyllä" in page
    assert "puhelin:" not in page  # nothing to nothing is no change
    assert "['fi'" not in page
    client.post(reverse("network:organisation_new"), {"name": "Uusi ry", "sector": "ngo"})
    assert "sektori:</span> – → järjestö" in client.get(reverse("network:changes")).content.decode()
