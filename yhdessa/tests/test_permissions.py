"""A second convener cannot read the first one's family through any page or endpoint."""

import pytest

from yhdessa.api.auth import issue_token
from yhdessa.audit.models import AccessLogEntry
from yhdessa.notify.models import OutboxMessage


@pytest.fixture
def family_urls(network, planned_meeting):
    held_meeting = planned_meeting
    m, c = held_meeting.pk, held_meeting.concern_id
    message = OutboxMessage.objects.filter(meeting=held_meeting).first().pk
    family = held_meeting.concern.family_id
    pages = [
        f"/concerns/{c}/",
        f"/meetings/convene/{c}/",
        f"/meetings/{m}/",
        f"/meetings/{m}/held/",
        f"/meetings/{m}/star/",
        f"/plans/{m}/",
        f"/plans/{m}/edit/",
        f"/plans/{m}/pdf/",
        f"/messages/{message}/",
        f"/audit/families/{family}/",
    ]
    api = [
        f"/api/v1/concerns/{c}",
        f"/api/v1/meetings/{m}",
        f"/api/v1/meetings/{m}/plan",
        f"/api/v1/meetings/{m}/plan.pdf",
    ]
    posts = [
        f"/meetings/convene/{c}/",
        f"/meetings/{m}/held/",
        f"/meetings/{m}/star/",
        f"/plans/{m}/edit/",
        f"/messages/{message}/retry/",
    ]
    return pages, api, posts


@pytest.mark.parametrize("outsider", ["convener2", "coordinator2"])
def test_nothing_of_the_family_reaches_an_outsider(client, network, family_urls, outsider):
    pages, api, posts = family_urls
    user = getattr(network, outsider)
    client.force_login(user)
    for url in pages:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "Perhe K" not in response.content.decode(), url
    for url in posts:
        assert client.post(url, {"family_present": "on"}).status_code in (403, 404), url
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    for url in api:
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
    for url in ("/", "/messages/", "/audit/families/"):
        assert "Perhe K" not in client.get(url).content.decode()
    assert not AccessLogEntry.objects.filter(user=user, family__alias="Perhe K").exists()


def test_the_people_around_the_family_do_read_it(client, network, family_urls):
    pages, api, _posts = family_urls
    readable = [
        u
        for u in pages
        if "/edit/" not in u
        and "/held/" not in u
        and "/star/" not in u
        and "/convene/" not in u
        and "/audit/" not in u
    ]
    for user in (network.convener, network.member, network.coordinator):
        client.force_login(user)
        for url in readable:
            assert client.get(url).status_code == 200, (user, url)
