"""The concern form: every error at once next to its field, the browser's
length limits the same as the server's, and the family centre area."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for
from yhdessa.families.models import Concern, Family
from yhdessa.network.models import FamilyCentreArea

URL = reverse("families:create")


def form_data(**overrides):
    data = {
        "alias": "Perhe K",
        "children_birth_years": f"{timezone.localdate().year - 4}",
        "email": "perhe@koti.example",
        "phone": "",
        "language": "fi",
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "Iltojen rytmi on vaikea.",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def field_blocks(html: str) -> dict[str, str]:
    """Each field's block of the page (_field.html), by the field's name."""
    blocks = {}
    for block in re.split(r'(?=<div class="field)', html)[1:]:
        if match := re.search(r'name="([a-z_]+)"', block):
            blocks[match.group(1)] = block
    return blocks


def test_every_error_shows_at_once_next_to_its_field(client, network):
    client.force_login(network.convener)
    response = client.post(
        URL,
        form_data(
            consent=None,  # the service's rule
            children_birth_years="1900",  # the service's range
            topics=[],  # the form's own rule
            summary="Lapsi 010203A987J valvoo",  # the identity guard
            phone="12",  # not a phone number
        ),
    )
    assert response.status_code == 200
    blocks = field_blocks(response.content.decode())
    assert "Ilman perheen suostumusta" in blocks["consent"]
    assert "välillä" in blocks["children_birth_years"]
    assert "errorlist" in blocks["topics"]
    assert "henkilötunnuksen" in blocks["summary"]
    assert "Puhelinnumero ei ole kelvollinen" in blocks["phone"]
    assert "errorlist" not in blocks["alias"]
    assert not Concern.objects.exists() and not Family.objects.exists()


def test_the_browser_keeps_the_servers_length_limits(client, network):
    client.force_login(network.convener)
    blocks = field_blocks(client.get(URL).content.decode())
    limits = {
        "alias": Family._meta.get_field("alias").max_length,
        "email": Family._meta.get_field("email").max_length,
        "phone": Family._meta.get_field("phone").max_length,
        "summary": Concern._meta.get_field("summary").max_length,
    }
    for name, limit in limits.items():
        assert f'maxlength="{limit}"' in blocks[name], name
    # One character over is refused by the server too, next to the field.
    too_long = client.post(URL, form_data(email="a" * 250 + "@koti.example"))
    assert "errorlist" in field_blocks(too_long.content.decode())["email"]
    assert not Concern.objects.exists()


@pytest.fixture
def areas(network):
    return (
        FamilyCentreArea.objects.create(name="Keskusta", municipality=network.town),
        FamilyCentreArea.objects.create(name="Pohjoinen", municipality=network.town),
        FamilyCentreArea.objects.create(name="Koivurannan alue", municipality=network.town2),
    )


def test_the_area_is_chosen_from_the_familys_municipality(client, network, areas):
    centre, north, elsewhere = areas
    client.force_login(network.convener)
    page = client.get(URL).content.decode()
    assert "Keskusta" in page and "Pohjoinen" in page
    assert "Koivurannan alue" not in page
    client.post(URL, form_data(area=str(north.pk)))
    assert Concern.objects.get().area == north
    refused = client.post(URL, form_data(alias="Perhe L", area=str(elsewhere.pk)))
    assert "errorlist" in field_blocks(refused.content.decode())["area"]
    assert Concern.objects.count() == 1
    detail = client.get(reverse("families:detail", args=[Concern.objects.get().pk]))
    assert "Pohjoinen" in detail.content.decode()


def test_the_area_is_optional_and_a_single_area_is_offered_first(client, network):
    only = FamilyCentreArea.objects.create(name="Keskusta", municipality=network.town)
    client.force_login(network.convener)
    assert client.get(URL).context["form"]["area"].initial == only.pk
    client.post(URL, form_data(area=""))
    assert Concern.objects.get().area is None


def test_without_areas_there_is_nothing_to_choose(client, network):
    client.force_login(network.convener)
    assert "area" not in client.get(URL).context["form"].fields


def test_the_service_refuses_an_area_of_another_municipality(network, areas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        concern_for(network.convener, area_id=areas[2].pk)
    assert "area" in error.value.message_dict
    assert concern_for(network.convener, area_id=areas[0].pk).area == areas[0]


def test_the_concern_page_links_to_the_plan_of_a_held_meeting(
    client, network, planned_meeting, django_assert_max_num_queries
):
    from django.urls import reverse

    client.force_login(network.convener)
    url = reverse("families:detail", args=[planned_meeting.concern_id])
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert reverse("plans:view", args=[planned_meeting.pk]) in page
