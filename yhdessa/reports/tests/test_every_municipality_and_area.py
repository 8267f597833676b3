"""The meetings report lists every municipality and family centre area the
reader may see, those with no meetings too; a meeting counts for the area
of its concern, chosen when the concern is raised."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for, meeting_for, next_thursday_at
from yhdessa.network.models import FamilyCentreArea
from yhdessa.reports.queries import meetings_held, meetings_held_by_area

PERIOD = {"start": "2000-01-01", "end": "2100-12-31"}


@pytest.fixture
def areas(network):
    return {
        name: FamilyCentreArea.objects.create(name=name, municipality=town)
        for name, town in (
            ("Keskusta", network.town),
            ("Pohjoinen", network.town),
            ("Etelä", network.town),
            ("Koivurannan alue", network.town2),
        )
    }


def held(network, area=None):
    concern = concern_for(network.convener, area_id=area.pk if area else None)
    return meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2), concern=concern)


def period():
    return {"start": timezone.localdate() - timedelta(days=60), "end": timezone.localdate()}


def test_the_coordinator_sees_every_area_of_the_municipality_zero_ones_too(client, network, areas):
    held(network, areas["Pohjoinen"])
    held(network, areas["Pohjoinen"])
    held(network)  # no area: the exception, shown only when there are some
    client.force_login(network.coordinator)
    page = client.get(reverse("reports:meetings"), PERIOD)
    assert page.context["rows"] == [{"municipality": "Järvelä", "held": 3, "follow_ups": 0}]
    assert page.context["by_area"] == [
        {"municipality": "Järvelä", "area": "Etelä", "held": 0},
        {"municipality": "Järvelä", "area": "Keskusta", "held": 0},
        {"municipality": "Järvelä", "area": "Pohjoinen", "held": 2},
        {"municipality": "Järvelä", "area": "", "held": 1},
    ]
    html = page.content.decode()
    assert "Etelä" in html and "ei aluetta" in html
    assert "Koivurannan alue" not in html  # another municipality's


def test_a_municipality_without_meetings_is_listed_with_zero(client, network, areas):
    client.force_login(network.coordinator2)
    page = client.get(reverse("reports:meetings"), PERIOD)
    assert page.context["rows"] == [{"municipality": "Koivuranta", "held": 0, "follow_ups": 0}]
    assert page.context["by_area"] == [
        {"municipality": "Koivuranta", "area": "Koivurannan alue", "held": 0}
    ]
    assert "Ei pidettyjä Yhdessä aikoja" not in page.content.decode()


def test_a_professional_sees_their_own_municipality_and_those_of_their_meetings(network, areas):
    held(network, areas["Keskusta"])
    assert meetings_held(network.convener2, **period()) == [
        {"municipality": "Koivuranta", "held": 0, "follow_ups": 0}
    ]
    assert meetings_held(network.member, **period()) == [
        {"municipality": "Järvelä", "held": 1, "follow_ups": 0}
    ]
    by_area = meetings_held_by_area(network.member, **period())
    assert {"municipality": "Järvelä", "area": "Keskusta", "held": 1} in by_area
    assert {"municipality": "Järvelä", "area": "Etelä", "held": 0} in by_area


def test_an_older_meeting_without_a_concern_area_counts_for_its_teams_area(network, areas):
    network.team.area = areas["Etelä"]
    network.team.save(update_fields=["area"])
    held(network)  # the concern has no area; the convened team has
    held(network, areas["Keskusta"])  # the concern's own area wins over the team's
    counts = {r["area"]: r["held"] for r in meetings_held_by_area(network.coordinator, **period())}
    assert counts == {"Etelä": 1, "Keskusta": 1, "Pohjoinen": 0}


def test_the_api_lists_zero_municipalities_too(client, network):
    from yhdessa.api.auth import issue_token

    headers = {"Authorization": f"Bearer {issue_token(network.coordinator2)}"}
    response = client.get("/api/v1/reports/meetings", PERIOD, headers=headers)
    assert response.json() == [{"municipality": "Koivuranta", "held": 0, "follow_ups": 0}]


def test_the_csv_lists_zero_municipalities_too(client, network):
    client.force_login(network.coordinator2)
    csv = client.get(reverse("reports:meetings"), {**PERIOD, "format": "csv"})
    assert "Koivuranta,0" in csv.content.decode()


@pytest.mark.parametrize("n", [1, 5])
def test_a_fixed_number_of_queries_however_many_areas_and_meetings(
    client, network, django_assert_num_queries, n
):
    for i in range(n):
        area = FamilyCentreArea.objects.create(name=f"Alue {i}", municipality=network.town)
        held(network, area)
    client.force_login(network.coordinator)
    # session, user, the user's professional (none), OTP devices; per table:
    # the counts, the municipalities; for the areas also the areas; the
    # feedback totals and the free-text answers
    with django_assert_num_queries(11):
        page = client.get(reverse("reports:meetings"), PERIOD)
    assert len(page.context["by_area"]) == n
