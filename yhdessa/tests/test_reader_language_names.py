"""Organisation names and meeting times follow the reader's language on the
pages that show them: the meeting, the start page, the concern, the plan
(in the family's language) and the API."""

import pytest
from django.urls import reverse

from conftest import meeting_for, plan_for
from yhdessa.api.auth import issue_token
from yhdessa.network.models import Organisation

SV, EN = "Välfärdsområdet", "The wellbeing services county"


@pytest.fixture
def county_named(network):
    Organisation.objects.filter(name="Hyvinvointialue").update(name_sv=SV, name_en=EN)


def _as(client, user, language):
    client.force_login(user)
    client.cookies["django_language"] = language


@pytest.mark.parametrize(("language", "name"), [("fi", "Hyvinvointialue"), ("sv", SV), ("en", EN)])
def test_the_meeting_page_names_organisations_in_the_readers_language(
    client, network, county_named, language, name
):
    meeting = meeting_for(network)
    _as(client, network.convener, language)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert name in page
    if language != "fi":
        assert "Hyvinvointialue" not in page


def test_the_plan_names_the_lead_organisation_in_the_familys_language(
    client, network, county_named, held_meeting
):
    held_meeting.concern.family.__class__.objects.filter(pk=held_meeting.concern.family_id).update(
        language="sv"
    )
    plan_for(network, held_meeting)
    _as(client, network.convener, "fi")
    page = client.get(reverse("plans:view", args=[held_meeting.pk])).content.decode()
    assert f"({SV})" in page and "(Hyvinvointialue)" not in page


def test_the_api_names_a_team_members_organisation_in_the_clients_language(
    client, network, county_named
):
    response = client.get(
        "/api/v1/teams",
        headers={"Authorization": f"Bearer {issue_token(network.convener)}"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    organisations = {m["organisation"] for t in response.json() for m in t["members"]}
    assert EN in organisations and "Hyvinvointialue" not in organisations


@pytest.mark.parametrize(
    ("language", "clock"), [("fi", "klo 8.00"), ("sv", "kl. 8.00"), ("en", "8:00")]
)
def test_the_start_page_and_the_concern_write_times_as_the_language_does(
    client, network, language, clock
):
    from conftest import next_thursday_at

    meeting = meeting_for(network, starts_at=next_thursday_at())
    _as(client, network.convener, language)
    home = client.get(reverse("home")).content.decode()
    concern = client.get(reverse("families:detail", args=[meeting.concern_id])).content.decode()
    assert clock in home and clock in concern
    assert "08.00" not in home and "08.00" not in concern
