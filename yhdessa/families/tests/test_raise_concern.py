"""Raising a concern with a family (puheeksiotto), through the page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.models import Concern, Family

URL = reverse("families:create")


def form_data(**overrides):
    data = {
        "alias": "Perhe K",
        "children_birth_years": f"{timezone.localdate().year - 4}, {timezone.localdate().year - 1}",
        "email": "perhe@koti.example",
        "phone": "",
        "language": "fi",
        "channel": "local_worker",
        "topics": ["daily_rhythm", "parent_coping"],
        "summary": "Iltojen rytmi on vaikea.",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_it_records_a_concern_with_consent(client, network):
    client.force_login(network.convener)
    response = client.post(URL, form_data())
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("families:detail", args=[concern.pk])
    assert concern.convener == network.people["sanna"]
    assert concern.family.municipality == network.town
    assert sorted(t.code for t in concern.topics.all()) == ["daily_rhythm", "parent_coping"]
    assert len(concern.family.children_birth_years) == 2


def test_it_refuses_without_consent_and_changes_nothing(client, network):
    client.force_login(network.convener)
    response = client.post(URL, form_data(consent=None))
    assert response.status_code == 200
    assert "Ilman perheen suostumusta huolta ei kirjata" in response.content.decode()
    assert not Concern.objects.exists() and not Family.objects.exists()


def test_it_refuses_an_identity_code_in_the_summary(client, network):
    client.force_login(network.convener)
    response = client.post(URL, form_data(summary="Lapsi 010203A987J on levoton"))
    assert "henkilötunnuksen" in response.content.decode()
    assert "010203A987J" not in response.content.decode().split("<textarea")[0]
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    "years, message",
    [
        ("kaksi", "numeroina"),
        ("1900", "välillä"),
        ("", "vaaditaan"),
    ],
)
def test_it_explains_bad_birth_years(client, network, years, message):
    client.force_login(network.convener)
    response = client.post(URL, form_data(children_birth_years=years))
    assert message in response.content.decode()
    assert not Concern.objects.exists()


def test_with_existing_support_the_page_says_to_invite_the_existing_network(client, network):
    client.force_login(network.convener)
    client.post(URL, form_data(existing_support="on"))
    concern = Concern.objects.get()
    page = client.get(reverse("families:detail", args=[concern.pk])).content.decode()
    assert "kutsu koolle perheen olemassa olevan verkoston" in page.lower()
    assert "Kutsu perheen verkosto koolle" in page


def test_the_concern_page_is_finnish_and_logs_the_read(client, network):
    client.force_login(network.convener)
    client.post(URL, form_data())
    concern = Concern.objects.get()
    page = client.get(reverse("families:detail", args=[concern.pk]))
    assert '<html lang="fi">' in page.content.decode()
    assert "Lasten syntymävuodet" in page.content.decode()
    entry = AccessLogEntry.objects.get(what="concern")
    assert (entry.user, entry.family, entry.why) == (network.convener, concern.family, "convener")


def test_another_convener_cannot_read_the_concern(client, network):
    client.force_login(network.convener)
    client.post(URL, form_data())
    concern = Concern.objects.get()
    client.force_login(network.convener2)
    assert client.get(reverse("families:detail", args=[concern.pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(user=network.convener2).exists()


def test_a_coordinator_cannot_raise_a_concern(client, network):
    client.force_login(network.coordinator)
    response = client.post(URL, form_data())
    assert response.status_code == 302
    assert not Concern.objects.exists()


def test_login_is_required(client, network):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
