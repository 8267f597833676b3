"""The family's contact fields: a real phone number kept in E.164, and no
identity code hidden in the phone or email field (page and API)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for
from yhdessa.api.auth import issue_token
from yhdessa.families.models import Family


def test_the_phone_number_is_kept_in_e164(network):
    concern = concern_for(network.convener, phone="040 123 4567")
    assert concern.family.phone == "+358401234567"


@pytest.mark.parametrize("phone", ["12345", "puhelin", "+999 1234"])
def test_a_number_that_is_no_phone_number_is_refused(network, phone):
    with pytest.raises(ValidationError) as refusal:
        concern_for(network.convener, phone=phone)
    assert "Puhelinnumero ei ole kelvollinen" in refusal.value.message_dict["phone"][0]
    assert not Family.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("phone", "131052-908T"),
        ("phone", "131052\u2013908T"),
        ("email", "131052-908T@koti.example"),
        ("email", "hetu131052a908t@koti.example"),
    ],
)
def test_an_identity_code_in_a_contact_field_is_refused(network, field, value):
    with pytest.raises(ValidationError) as refusal:
        concern_for(network.convener, **{field: value})
    assert "henkilötunnuksen" in refusal.value.message_dict[field][0]
    assert not Family.objects.exists()


def test_the_page_says_why_the_phone_is_refused(client, network):
    client.force_login(network.convener)
    data = {
        "alias": "Perhe K",
        "children_birth_years": str(timezone.localdate().year - 4),
        "phone": "131052-908T",
        "language": "fi",
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "Iltojen rytmi on vaikea.",
        "consent": "on",
    }
    page = client.post(reverse("families:create"), data)
    assert page.status_code == 200
    assert "henkilötunnuksen" in page.content.decode()
    assert not Family.objects.exists()


def test_the_api_says_why_the_email_is_refused(client, network):
    body = {
        "family": {
            "alias": "Perhe K",
            "children_birth_years": [timezone.localdate().year - 4],
            "email": "131052-908T@koti.example",
            "phone": "040 123 4567",
        },
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "Iltojen rytmi on vaikea.",
        "consent": True,
    }
    headers = {"Authorization": f"Bearer {issue_token(network.convener)}"}
    response = client.post(
        "/api/v1/concerns", json.dumps(body), content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert "henkilötunnuksen" in response.json()["errors"]["email"][0]
    assert not Family.objects.exists()

    body["family"]["email"] = "perhe@koti.example"
    created = client.post(
        "/api/v1/concerns", json.dumps(body), content_type="application/json", headers=headers
    )
    assert created.status_code == 201, created.json()
    assert created.json()["family"]["phone"] == "+358401234567"
