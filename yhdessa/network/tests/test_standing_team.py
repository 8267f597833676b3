"""A standing Yhdessä-tiimi (Kymenlaakso): fixed roles, fixed sessions, a target group."""

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for
from yhdessa.meetings.models import Meeting
from yhdessa.network.models import Expertise, Organisation, Professional, SlotWindow


@pytest.fixture
def standing(client, network):
    """Koivuranta's coordinator turns its team into a standing Yhdessä-tiimi."""
    town = network.town2
    county = Organisation.objects.get(name="Hyvinvointialue")
    school = Organisation.objects.get(name="Kunta, varhaiskasvatus")

    def person(name, code, org=county):
        p = Professional.objects.create(
            name=name,
            organisation=org,
            municipality=town,
            email=f"{name.split()[0].lower()}@k.example",
        )
        p.expertise.set(Expertise.objects.filter(code=code))
        return p

    counsellor = person("Outi Vainio", "family_counselling")
    nurse = person("Nina Terva", "child_health_clinic")
    social = person("Sami Ohjaaja", "social_counselling")
    teacher = person("Laura Berg", "early_education", school)  # not a team member
    team = network.team2
    code = {e.code: e.pk for e in Expertise.objects.all()}
    client.force_login(network.coordinator2)
    response = client.post(
        reverse("network:team", args=[team.pk]),
        {
            "members": [network.people["jari"].pk, counsellor.pk, nurse.pk, social.pk],
            "team-kind": "standing",
            "team-target_max_child_age": "8",
            "team-core": [
                code["family_guide"],
                code["family_counselling"],
                code["child_health_clinic"],
            ],
            "team-per_family": [code["early_education"]],
            "team-optional": [code["social_counselling"]],
            "deadline_rule": "working_days_before",
            "deadline_weekday": "0",
            "deadline_working_days": "2",
            "default_duration_minutes": "60",
            "slot_0_weekday": "1",
            "slot_0_starts": "13:00",
            "slot_0_ends": "15:00",
        },
    )
    assert response.status_code == 302
    return {
        "team": team,
        "teacher": teacher,
        "social": social,
        "nurse": nurse,
        "counsellor": counsellor,
    }


def next_tuesday_13():
    from datetime import datetime, timedelta

    today = timezone.localdate()
    day = today + timedelta(days=(1 - today.weekday()) % 7 + 14)
    return timezone.make_aware(datetime.combine(day, time(13)))


def test_the_booking_page_explains_the_roles_and_ticks_the_core(client, network, standing):
    concern = concern_for(network.convener2, children_birth_years=[timezone.localdate().year - 3])
    client.force_login(network.convener2)
    page = client.get(reverse("meetings:convene", args=[concern.pk])).content.decode()
    assert (
        "Kutsutaan aina: Äitiys- ja lastenneuvola, Kasvatus- ja perheneuvonta, Perheohjaus."
    ) in page
    assert "Kutsutaan perhekohtaisesti: Varhaiskasvatus (lapsen oma työntekijä)." in page
    assert "Kohderyhmä: alle 8-vuotiaat lapset ja heidän perheensä." in page
    ticked = {
        p.name
        for p, _match, selected in client.get(
            reverse("meetings:convene", args=[concern.pk])
        ).context["people"]
        if selected
    }
    assert ticked == {"Jari Heino", "Outi Vainio", "Nina Terva"}
    # The child's own early education worker is invitable though not in the team.
    assert "Laura Berg" in page and "Sami Ohjaaja" in page


def test_a_family_outside_the_target_group_is_warned_about(client, network, standing):
    older = concern_for(network.convener2, children_birth_years=[timezone.localdate().year - 11])
    client.force_login(network.convener2)
    starts = timezone.localtime(next_tuesday_13())
    people = [network.people["jari"], standing["counsellor"], standing["nurse"]]
    data = {
        "date": starts.date().isoformat(),
        "time": "13:00",
        "duration_minutes": "60",
        "place": "Neuvola",
        "invitees": [str(p.pk) for p in people],
    }
    page = client.post(reverse("meetings:convene", args=[older.pk]), data).content.decode()
    assert "Tiimin kohderyhmä on alle 8-vuotiaat lapset" in page
    assert not Meeting.objects.exists()
    younger = concern_for(network.convener2, children_birth_years=[timezone.localdate().year - 2])
    response = client.post(reverse("meetings:convene", args=[younger.pk]), data)
    assert response.status_code == 302 and Meeting.objects.get().practice_warnings == []


def test_leaving_out_a_core_role_is_warned_about(client, network, standing):
    concern = concern_for(network.convener2, children_birth_years=[timezone.localdate().year - 2])
    client.force_login(network.convener2)
    starts = timezone.localtime(next_tuesday_13())
    page = client.post(
        reverse("meetings:convene", args=[concern.pk]),
        {
            "date": starts.date().isoformat(),
            "time": "13:00",
            "duration_minutes": "60",
            "place": "Neuvola",
            "invitees": [str(network.people["jari"].pk), str(standing["teacher"].pk)],
        },
    ).content.decode()
    assert "Kutsusta puuttuu: Kasvatus- ja perheneuvonta." in page  # Eeva is the nurse
    assert not Meeting.objects.exists()


def test_the_sessions_are_the_slot_finder(network, standing):
    slots = list(SlotWindow.objects.filter(practice__team=standing["team"]))
    assert [(s.weekday, s.starts, s.ends) for s in slots] == [(1, time(13), time(15))]


def test_roles_cannot_overlap(client, network):
    code = {e.code: e.pk for e in Expertise.objects.all()}
    client.force_login(network.coordinator)
    page = client.post(
        reverse("network:team", args=[network.team.pk]),
        {
            "members": [],
            "team-kind": "standing",
            "team-core": [code["family_guide"]],
            "team-optional": [code["family_guide"]],
            "deadline_rule": "none",
            "deadline_weekday": "0",
            "deadline_working_days": "1",
            "default_duration_minutes": "60",
        },
    ).content.decode()
    assert "Perheohjaus on jo valittu kohtaan: Kutsutaan aina." in page
    network.team.refresh_from_db()
    assert network.team.kind == "on_call" and network.team.members.count() == 5


def test_the_convener_covers_their_own_role(client, network, standing):
    """A public health nurse who convenes is the family's own nurse at the table."""
    network.people["eeva"].expertise.set(Expertise.objects.filter(code="child_health_clinic"))
    concern = concern_for(network.convener2, children_birth_years=[timezone.localdate().year - 2])
    client.force_login(network.convener2)
    starts = timezone.localtime(next_tuesday_13())
    response = client.post(
        reverse("meetings:convene", args=[concern.pk]),
        {
            "date": starts.date().isoformat(),
            "time": "13:00",
            "duration_minutes": "60",
            "place": "Neuvola",
            "invitees": [str(network.people["jari"].pk), str(standing["counsellor"].pk)],
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.get().practice_warnings == []


def test_the_api_tells_a_client_the_teams_model(client, network, standing):
    from yhdessa.api.auth import issue_token

    teams = client.get(
        "/api/v1/teams", headers={"Authorization": f"Bearer {issue_token(network.convener2)}"}
    ).json()
    assert teams[0]["kind"] == "standing" and teams[0]["target_max_child_age"] == 8
    assert {"expertise": "early_education", "kind": "per_family"} in teams[0]["roles"]
