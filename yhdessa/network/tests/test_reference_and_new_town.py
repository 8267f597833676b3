"""Editable reference lists, and a new municipality set up end to end."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from yhdessa.accounts.models import User
from yhdessa.interop.tests.test_network_csv import GOOD
from yhdessa.network.models import DirectoryChange, Expertise, Municipality


def test_a_coordinator_adds_and_renames_expertise(client, network):
    client.force_login(network.coordinator)
    url = reverse("network:reference", args=["expertise"])
    client.post(
        url,
        {
            "code": "speech_therapy",
            "name_fi": "Puheterapia",
            "name_sv": "Talterapi",
            "name_en": "Speech therapy",
            "position": "30",
        },
    )
    speech = Expertise.objects.get(code="speech_therapy")
    page = client.post(
        url, {"code": "speech_therapy", "name_fi": "Toinen", "position": "1"}
    ).content.decode()
    assert "yksilöllinen koodi" in page
    client.post(
        reverse("network:reference_edit", args=["expertise", speech.pk]),
        {
            "code": "hacked",
            "name_fi": "Puheterapia (lapset)",
            "name_sv": "Talterapi",
            "name_en": "Speech therapy",
            "position": "30",
        },
    )
    speech.refresh_from_db()
    assert (speech.code, speech.name_fi) == ("speech_therapy", "Puheterapia (lapset)")
    assert DirectoryChange.objects.filter(object_type="expertise").count() == 2
    client.force_login(network.convener)
    assert client.get(url).status_code == 403
    assert client.get(reverse("network:reference", args=["nonsense"])).status_code == 403


def test_task_areas_and_topics_are_editable_too(client, network):
    client.force_login(network.coordinator)
    for kind in ("task-areas", "concern-topics"):
        assert client.get(reverse("network:reference", args=[kind])).status_code == 200
    assert client.get(reverse("network:reference", args=["nonsense"])).status_code == 404


def test_a_new_municipality_from_file_to_convening(client, network):
    """Done when: set up from CSV, its team and practice defined, and a convener
    there sees them while convening."""
    client.force_login(network.admin)
    client.post(
        reverse("network:import"),
        {"file": SimpleUploadedFile("uusikyla.csv", GOOD.encode(), content_type="text/csv")},
    )
    client.post(reverse("network:import"), {"confirm": "1"})
    town = Municipality.objects.get(name="Uusikylä")
    # Log-ins are made by the administrator: Uusikylä's coordinator and Ville.
    coordinator = User.objects.create_user(
        "coordinator3", password=PASSWORD, role="coordinator", municipality=town
    )
    ville = User.objects.create_user("ville", password=PASSWORD, municipality=town)
    from yhdessa.network.models import Professional

    Professional.objects.filter(email="ville@uusikyla.example").update(user=ville)
    client.force_login(coordinator)
    team = town.teams.get()
    client.post(
        reverse("network:team", args=[team.pk]),
        {
            "members": [p.pk for p in team.members.all()],
            "team-kind": "on_call",
            "by_email": "on",
            "deadline_rule": "weekday_prev_week",
            "deadline_weekday": "4",
            "deadline_working_days": "0",
            "default_duration_minutes": "75",
            "default_place": "Uusikylän perhekeskus",
            "slot_0_weekday": "2",
            "slot_0_starts": "09:00",
            "slot_0_ends": "11:00",
        },
    )
    client.force_login(ville)
    client.post(
        reverse("families:create"),
        {
            "alias": "Perhe U",
            "children_birth_years": str(timezone.localdate().year - 2),
            "language": "fi",
            "channel": "local_worker",
            "topics": ["daily_rhythm"],
            "summary": "Arki on raskasta.",
            "consent": "on",
        },
    )
    concern = ville.professional.concerns_raised.get()
    page = client.get(reverse("meetings:convene", args=[concern.pk])).content.decode()
    assert "Uusikylän perhekeskustiimi" in page
    assert "Tiimi kokoontuu: keskiviikko klo 9.00–11.00" in page
    assert "Pyydä aika viimeistään edellisen viikon perjantaina." in page
    assert "Riikka Laine" in page and 'value="Uusikylän perhekeskus"' in page


def test_the_coordinator_places_the_municipality_in_its_county(client, network):
    from yhdessa.network.models import Region

    client.force_login(network.coordinator)
    client.post(reverse("network:region"), {"region": "Järviseudun hyvinvointialue"})
    network.town.refresh_from_db()
    assert network.town.region.name == "Järviseudun hyvinvointialue"
    network.town2.region = network.town.region
    network.town2.save()
    towns = [t.name for t in client.get(reverse("network:service_map")).context["columns"]]
    assert towns == ["Järvelä", "Koivuranta"]
    client.post(reverse("network:region"), {"region": "järviseudun HYVINVOINTIALUE"})
    assert Region.objects.count() == 1
    assert DirectoryChange.objects.filter(object_type="municipality").count() == 1


def test_several_default_places_are_offered_the_first_filled_in(client, network):
    from conftest import concern_for

    practice = network.team.practice
    practice.default_place = "Perhekeskus; Neuvola, huone 2 ;"
    practice.save()
    client.force_login(network.convener)
    page = client.get(
        reverse("meetings:convene", args=[concern_for(network.convener).pk])
    ).content.decode()
    assert 'value="Perhekeskus"' in page
    assert '<option value="Neuvola, huone 2">' in page and 'list="places"' in page
