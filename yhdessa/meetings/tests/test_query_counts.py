"""List pages run a constant number of queries however many rows they show."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import meeting_for
from yhdessa.plans.services import record_plan


def count_queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def grow(network, n):
    """n more families: each with a scheduled meeting and one held with a plan."""
    from conftest import next_thursday_at

    for _ in range(n):
        meeting_for(network)
        held = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2))
        record_plan(
            actor=network.convener,
            meeting=held,
            matters=["a"],
            actions=[{"where": "home", "text": "b"}],
            follow_up="c",
            lead_ids=[network.people["mikko"].pk],
            next_contact=held.starts_at.date(),
        )


def assert_constant(client, network, url, **params):
    grow(network, 1)
    few = count_queries(client, url, **params)
    grow(network, 4)
    many = count_queries(client, url, **params)
    assert few == many, f"{url}: {few} queries with few rows, {many} with many"
    return many


def test_start_page_of_the_convener(client, network):
    client.force_login(network.convener)
    # session, user, professional, plans led, open meetings, waiting concerns,
    # open polls (asked and own in one), access-log insert (one bulk insert),
    # savepoints around it
    assert assert_constant(client, network, reverse("home")) <= 11


def test_start_page_of_the_lead(client, network):
    client.force_login(network.member)
    assert assert_constant(client, network, reverse("home")) <= 11


def test_message_list(client, network):
    client.force_login(network.convener)
    assert_constant(client, network, reverse("notify:list"))


def test_access_log_family_list(client, network):
    client.force_login(network.coordinator)
    assert_constant(client, network, reverse("audit:families"))


def test_meetings_report(client, network):
    client.force_login(network.coordinator)
    assert_constant(
        client, network, reverse("reports:meetings"), start="2000-01-01", end="2100-01-01"
    )


def test_access_log_of_one_family(client, network):
    held = meeting_for(network)
    family_pk = held.concern.family_id
    client.force_login(network.coordinator)
    url = reverse("audit:family_log", args=[family_pk])
    few = count_queries(client, url)
    for _ in range(5):
        client.get(reverse("meetings:detail", args=[held.pk]))
    assert count_queries(client, url) == few


def test_api_teams_and_expertise(client, network):
    from yhdessa.api.auth import issue_token

    headers = {"Authorization": f"Bearer {issue_token(network.convener)}"}

    def api_count():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/api/v1/teams", headers=headers).status_code == 200
        return len(context.captured_queries)

    few = api_count()
    from yhdessa.network.models import Professional

    for i in range(5):
        person = Professional.objects.create(
            name=f"Uusi {i}",
            organisation_id=network.people["mikko"].organisation_id,
            municipality=network.town,
            email=f"u{i}@test.example",
        )
        person.expertise.set([1, 2])
        network.team.members.add(person)
    assert api_count() == few
