"""Identifying data in the joint plan and the star notes.

Identity codes are refused always. A phone number, an email or street
address or a birth date is shown to the writer, who removes it or confirms
that it belongs there: the page asks with a checkbox, the API answers 409
until the body says ``"confirm_identifying": true``.
"""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from yhdessa.api.auth import issue_token
from yhdessa.errors import IdentifyingDataFound
from yhdessa.plans.models import JointPlan, StarNote
from yhdessa.plans.services import record_plan, record_star_notes

PHONE = "Äiti vastaa numerosta 040 123 4567 arkisin."
ADDRESS = "Kotikäynti osoitteessa Koulukatu 5 B 12."
BIRTH = "Eeli syntynyt 13.10.2019 aloittaa koulun."


def plan_kwargs(network, meeting, **overrides) -> dict:
    data = {
        "actor": network.convener,
        "meeting": meeting,
        "matters": ["Iltarutiini"],
        "actions": [{"where": "home", "text": "Kuvallinen iltarutiini"}],
        "follow_up": "Mikko soittaa perheelle.",
        "lead_ids": [network.people["mikko"].pk],
        "next_contact": timezone.localdate() + timedelta(days=7),
    }
    data.update(overrides)
    return data


def page_data(network, meeting, **overrides) -> dict:
    data = {
        "matters": "Iltarutiini",
        "action_rows": "3",
        "action_where_1": "home",
        "action_text_1": "Kuvallinen iltarutiini",
        "follow_up": "Mikko soittaa perheelle.",
        "lead_professionals": [str(network.people["mikko"].pk)],
        "next_contact": (timezone.localdate() + timedelta(days=7)).isoformat(),
    }
    data.update(overrides)
    return data


# ---- the service -------------------------------------------------------------


@pytest.mark.parametrize(
    "field, text, found",
    [
        ("follow_up", PHONE, "Puhelinnumero: 040 123 4567"),
        ("matters", [ADDRESS], "Katuosoite: Koulukatu 5 B 12"),
        ("actions", [{"where": "home", "text": BIRTH}], "syntymäaika: 13.10.2019"),
        (
            "actions",
            [{"where": "elsewhere", "place": "aiti@example.fi", "text": "Viestit"}],
            "Sähköpostiosoite: aiti@example.fi",
        ),
    ],
)
def test_the_plan_waits_for_the_writer_to_confirm(network, held_meeting, field, text, found):
    with pytest.raises(IdentifyingDataFound) as refusal:
        record_plan(**plan_kwargs(network, held_meeting, **{field: text}))
    assert any(found in w for w in refusal.value.warnings), refusal.value.warnings
    assert not JointPlan.objects.exists()

    plan = record_plan(
        **plan_kwargs(network, held_meeting, **{field: text}), confirm_identifying=True
    )
    assert JointPlan.objects.get() == plan


def test_an_identity_code_is_refused_even_when_confirmed(network, held_meeting):
    with pytest.raises(ValidationError) as refusal:
        record_plan(
            **plan_kwargs(network, held_meeting, follow_up="Lapsi hetu131052\u2013908T"),
            confirm_identifying=True,
        )
    assert "henkilötunnuksen" in str(refusal.value)
    assert not JointPlan.objects.exists()


def test_the_star_notes_wait_for_the_writer_to_confirm(network, held_meeting):
    notes = {1: ("Iloinen lapsi", PHONE)}
    with pytest.raises(IdentifyingDataFound) as refusal:
        record_star_notes(actor=network.convener, meeting=held_meeting, notes=notes)
    assert "Puhelinnumero: 040 123 4567" in refusal.value.warnings
    assert not StarNote.objects.exists()

    record_star_notes(
        actor=network.convener, meeting=held_meeting, notes=notes, confirm_identifying=True
    )
    assert StarNote.objects.get().concerns == PHONE

    with pytest.raises(ValidationError):
        record_star_notes(
            actor=network.convener,
            meeting=held_meeting,
            notes={1: ("131052 - 908T", "")},
            confirm_identifying=True,
        )
    assert StarNote.objects.get().concerns == PHONE


# ---- the pages ---------------------------------------------------------------


def test_the_plan_page_shows_the_warnings_and_a_checkbox(client, network, held_meeting):
    client.force_login(network.convener)
    url = reverse("plans:edit", args=[held_meeting.pk])
    first = client.get(url).content.decode()
    assert 'name="confirm_identifying"' not in first  # asked only when something is found

    page = client.post(url, page_data(network, held_meeting, follow_up=PHONE))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Teksti näyttää sisältävän tunnistetietoja:" in html
    assert "Puhelinnumero: 040 123 4567" in html
    assert 'name="confirm_identifying"' in html
    assert not JointPlan.objects.exists()

    confirmed = page_data(network, held_meeting, follow_up=PHONE, confirm_identifying="on")
    assert client.post(url, confirmed).status_code == 302
    assert JointPlan.objects.get().follow_up == PHONE


def test_the_plan_page_still_refuses_an_identity_code(client, network, held_meeting):
    client.force_login(network.convener)
    url = reverse("plans:edit", args=[held_meeting.pk])
    data = page_data(
        network, held_meeting, matters="hetu 131052\u2011908T", confirm_identifying="on"
    )
    page = client.post(url, data)
    assert page.status_code == 200
    assert "henkilötunnuksen" in page.content.decode()
    assert not JointPlan.objects.exists()


def test_the_star_page_shows_the_warnings_and_a_checkbox(client, network, held_meeting):
    client.force_login(network.convener)
    url = reverse("meetings:star", args=[held_meeting.pk])
    page = client.post(url, {"strengths_1": ADDRESS})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Katuosoite: Koulukatu 5 B 12" in html
    assert 'name="confirm_identifying"' in html
    assert ADDRESS in html  # what was written stays in the form
    assert not StarNote.objects.exists()

    assert (
        client.post(url, {"strengths_1": ADDRESS, "confirm_identifying": "on"}).status_code == 302
    )
    assert StarNote.objects.get().strengths == ADDRESS


# ---- the API -----------------------------------------------------------------


def put_plan(client, network, meeting, **overrides):
    body = {
        "matters": ["Iltarutiini"],
        "actions": [{"where": "home", "text": "Kuvallinen iltarutiini"}],
        "follow_up": "Mikko soittaa perheelle.",
        "lead_professionals": [network.people["mikko"].pk],
        "next_contact": (timezone.localdate() + timedelta(days=7)).isoformat(),
    }
    body.update(overrides)
    return client.put(
        f"/api/v1/meetings/{meeting.pk}/plan",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {issue_token(network.convener)}"},
    )


def test_the_api_answers_409_with_the_warnings_until_confirmed(client, network, held_meeting):
    refused = put_plan(client, network, held_meeting, follow_up=PHONE)
    assert refused.status_code == 409
    body = refused.json()
    assert body["warnings"] == ["Puhelinnumero: 040 123 4567"]
    assert "confirm_identifying" in body["detail"] and "040 123 4567" in body["detail"]
    assert not JointPlan.objects.exists()

    for not_a_yes in ("true", 1, "yes"):
        response = put_plan(
            client, network, held_meeting, follow_up=PHONE, confirm_identifying=not_a_yes
        )
        assert response.status_code == 422, response.json()
        assert "confirm_identifying" in response.json()["detail"]
    assert not JointPlan.objects.exists()

    saved = put_plan(client, network, held_meeting, follow_up=PHONE, confirm_identifying=True)
    assert saved.status_code == 200, saved.json()
    assert saved.json()["follow_up"] == PHONE


def test_the_api_refuses_an_identity_code_even_when_confirmed(client, network, held_meeting):
    response = put_plan(
        client,
        network,
        held_meeting,
        matters=["Lapsi 131052\u2013908T"],
        confirm_identifying=True,
    )
    assert response.status_code == 422
    assert "henkilötunnuksen" in response.json()["detail"]
    assert not JointPlan.objects.exists()
