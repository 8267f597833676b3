"""A municipality with several teams (one per area): the convener chooses."""

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for, next_thursday_at
from yhdessa.api.auth import issue_token
from yhdessa.meetings.models import Meeting
from yhdessa.network.models import FamilyCentreTeam, InvitationPractice, SlotWindow


@pytest.fixture
def second_team(network):
    team = FamilyCentreTeam.objects.create(name="Kirkonkylän tiimi", municipality=network.town)
    team.members.set([network.people["outsider"]])
    practice = InvitationPractice.objects.create(team=team, default_place="Kirkonkylän neuvola")
    SlotWindow.objects.create(practice=practice, weekday=0, starts=time(12), ends=time(14))
    return team


def test_the_convener_chooses_the_team_and_sees_its_people_and_practice(
    client, network, second_team
):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    url = reverse("meetings:convene", args=[concern.pk])
    first = client.get(url).content.decode()
    assert "Kirkonkylän tiimi" in first and "Mikko Harju" in first
    assert "Ulla Ulkopuoli</label>" not in first
    page = client.get(url, {"team": second_team.pk}).content.decode()
    assert "Tiimi kokoontuu: maanantai klo 12.00–14.00<" in page
    assert "Ulla Ulkopuoli" in page and "Mikko Harju" not in page
    assert 'value="Kirkonkylän neuvola"' in page
    starts = timezone.localtime(next_thursday_at(8))
    monday = starts - timezone.timedelta(days=3)
    response = client.post(
        url,
        {
            "team": second_team.pk,
            "date": monday.date().isoformat(),
            "time": "12:00",
            "duration_minutes": "90",
            "place": "Kirkonkylän neuvola",
            "invitees": [str(network.people["outsider"].pk)],
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.team == second_team and meeting.practice_warnings == []


def test_a_member_of_another_team_is_not_slipped_in(client, network, second_team):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    client.post(
        reverse("meetings:convene", args=[concern.pk]),
        {
            "team": second_team.pk,
            "date": next_thursday_at(8).date().isoformat(),
            "time": "08:00",
            "duration_minutes": "90",
            "place": "x",
            "invitees": [str(network.people["mikko"].pk)],
        },
    )
    assert not Meeting.objects.exists()


def test_the_api_takes_a_team(client, network, second_team):
    concern = concern_for(network.convener)
    headers = {"Authorization": f"Bearer {issue_token(network.convener)}"}
    body = {
        "concern": concern.pk,
        "starts_at": next_thursday_at(8).isoformat(),
        "duration_minutes": 60,
        "place": "x",
        "invitees": [network.people["outsider"].pk],
    }
    wrong = client.post(
        "/api/v1/meetings",
        {**body, "team": network.team2.pk},
        content_type="application/json",
        headers=headers,
    )
    assert wrong.status_code == 422 and "Tiimiä ei löydy" in wrong.json()["detail"]
    made = client.post(
        "/api/v1/meetings",
        {**body, "team": second_team.pk},
        content_type="application/json",
        headers=headers,
    )
    assert made.status_code == 201 and made.json()["team"] == second_team.pk
