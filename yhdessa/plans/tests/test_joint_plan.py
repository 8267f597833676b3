"""The joint plan: written by the template, printed and downloaded for the family."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conftest import meeting_for, next_thursday_at
from yhdessa.audit.models import AccessLogEntry
from yhdessa.plans.models import JointPlan


def plan_data(network, meeting, **overrides):
    data = {
        "matters": "Iltarutiini\nÄidin lepohetki",
        "action_rows": "3",
        "action_where_1": "home",
        "action_text_1": "Kuvallinen iltarutiini kahdeksi viikoksi",
        "action_where_2": "everyday_environment",
        "action_text_2": "Rauhallinen hetki päiväkodissa",
        "action_where_3": "elsewhere",
        "action_place_3": "Perhekulma ry",
        "action_text_3": "Perhekahvila torstaisin",
        "follow_up": "Mikko soittaa perheelle; perhe voi soittaa Mikolle arkisin.",
        "lead_professionals": [str(network.people["mikko"].pk)],
        "next_contact": (meeting.starts_at + timedelta(days=14)).date().isoformat(),
    }
    data.update(overrides)
    return data


def test_it_writes_the_plan_by_the_template(client, network, held_meeting):
    client.force_login(network.convener)
    response = client.post(
        reverse("plans:edit", args=[held_meeting.pk]), plan_data(network, held_meeting)
    )
    assert response.status_code == 302
    plan = JointPlan.objects.get()
    assert plan.matters == ["Iltarutiini", "Äidin lepohetki"]
    assert [(a.where, a.place, a.text) for a in plan.actions.all()] == [
        ("home", "", "Kuvallinen iltarutiini kahdeksi viikoksi"),
        ("everyday_environment", "", "Rauhallinen hetki päiväkodissa"),
        ("elsewhere", "Perhekulma ry", "Perhekahvila torstaisin"),
    ]
    assert list(plan.lead_professionals.all()) == [network.people["mikko"]]


def test_rewriting_the_plan_replaces_it(client, network, held_meeting):
    client.force_login(network.convener)
    url = reverse("plans:edit", args=[held_meeting.pk])
    client.post(url, plan_data(network, held_meeting))
    client.post(url, plan_data(network, held_meeting, action_text_1="", action_text_2="Uusi"))
    plan = JointPlan.objects.get()
    assert [a.text for a in plan.actions.all()] == ["Uusi", "Perhekahvila torstaisin"]
    form = client.get(url).content.decode()
    assert "Perhekahvila torstaisin" in form
    # A date input only shows an ISO date: the saved next contact must be there.
    assert f'value="{plan.next_contact.isoformat()}"' in form


@pytest.mark.parametrize(
    "change, message",
    [
        ({"follow_up": "Soitetaan, hetu 010203A987J"}, "henkilötunnuksen"),
        ({"matters": "Lapsi 131052-308T"}, "henkilötunnuksen"),
        ({"lead_professionals": []}, "Tämä kenttä vaaditaan."),
        ({"lead_professionals": "three"}, "Valitse oikea vaihtoehto"),
        ({"action_place_3": ""}, "Kerro, missä muualla"),
        (
            {"action_text_1": "", "action_text_2": "", "action_text_3": "", "action_place_3": ""},
            "Kirjaa vähintään yksi toimenpide.",
        ),
        ({"next_contact": "2001-01-01"}, "ei voi olla ennen tapaamista"),
    ],
)
def test_bad_plans_are_refused_with_a_reason(client, network, held_meeting, change, message):
    client.force_login(network.convener)
    data = plan_data(network, held_meeting)
    if change.get("lead_professionals") == "three":
        change = {
            "lead_professionals": [str(network.people[k].pk) for k in ("mikko", "leena", "sanna")]
        }
        message = "Nimeä yksi vastuutyöntekijä tai vastuutyöntekijäpari."
    data.update(change)
    page = client.post(reverse("plans:edit", args=[held_meeting.pk]), data).content.decode()
    assert message in page
    assert not JointPlan.objects.exists()


def test_the_lead_must_come_from_a_public_service(client, network):
    meeting = meeting_for(
        network, held=True, invitees=("mikko", "riikka"), starts_at=next_thursday_at(weeks=-2)
    )
    client.force_login(network.convener)
    page = client.post(
        reverse("plans:edit", args=[meeting.pk]),
        plan_data(network, meeting, lead_professionals=[str(network.people["riikka"].pk)]),
    ).content.decode()
    assert "julkisesta palvelusta" in page
    assert not JointPlan.objects.exists()


def test_a_plan_waits_for_the_meeting_to_be_held(client, network):
    meeting = meeting_for(network)
    client.force_login(network.convener)
    page = client.post(
        reverse("plans:edit", args=[meeting.pk]), plan_data(network, meeting)
    ).content.decode()
    assert "kun tapaaminen on pidetty" in page
    assert not JointPlan.objects.exists()


def test_the_plan_prints_and_downloads_as_a_readable_pdf(client, network, held_meeting):
    client.force_login(network.convener)
    client.post(reverse("plans:edit", args=[held_meeting.pk]), plan_data(network, held_meeting))
    page = client.get(reverse("plans:view", args=[held_meeting.pk])).content.decode()
    assert "Tulosta perheelle" in page and 'media="print"' in page
    response = client.get(reverse("plans:pdf", args=[held_meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Yhteinen suunnitelma",
        "Iltarutiini",
        "Kotona",
        "Perhekulma ry",
        "Mikko Harju",
        "Seuraava yhteydenotto",
    ):
        assert expected in text
    whats = set(AccessLogEntry.objects.filter(user=network.convener).values_list("what", flat=True))
    assert {"plan", "plan_pdf"} <= whats


def test_the_lead_sees_the_family_and_next_contact_on_the_start_page(client, network, held_meeting):
    client.force_login(network.convener)
    client.post(reverse("plans:edit", args=[held_meeting.pk]), plan_data(network, held_meeting))
    client.force_login(network.member)
    home = client.get(reverse("home")).content.decode()
    plan = JointPlan.objects.get()
    assert "Perheet, joiden vastuutyöntekijä olet" in home
    assert "Perhe K" in home and f"{plan.next_contact:%-d.%-m.%Y}" in home
    assert AccessLogEntry.objects.filter(user=network.member, what="list", why="lead").exists()


def test_nobody_else_reads_the_plan(client, network, held_meeting):
    client.force_login(network.convener)
    client.post(reverse("plans:edit", args=[held_meeting.pk]), plan_data(network, held_meeting))
    client.force_login(network.convener2)
    for name in ("plans:view", "plans:pdf", "plans:edit"):
        assert client.get(reverse(name, args=[held_meeting.pk])).status_code == 404
    client.force_login(network.coordinator2)
    assert client.get(reverse("plans:view", args=[held_meeting.pk])).status_code == 404
    client.force_login(network.coordinator)
    assert client.get(reverse("plans:view", args=[held_meeting.pk])).status_code == 200
    assert client.get(reverse("plans:edit", args=[held_meeting.pk])).status_code == 403


def test_a_long_caseload_shows_the_nearest_contacts_and_the_total(client, network, settings):
    from yhdessa.meetings import views

    held = [meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2)) for _ in range(3)]
    for days, meeting in enumerate(held):
        client.force_login(network.convener)
        client.post(
            reverse("plans:edit", args=[meeting.pk]),
            plan_data(
                network,
                meeting,
                next_contact=(meeting.starts_at + timedelta(days=30 - days)).date().isoformat(),
            ),
        )
    views.START_PAGE_FAMILIES, saved = 2, views.START_PAGE_FAMILIES
    try:
        client.force_login(network.member)
        page = client.get(reverse("home")).content.decode()
    finally:
        views.START_PAGE_FAMILIES = saved
    assert len(re.findall(r'href="/plans/\d+/"', page)) == 2
    assert "perheitä on yhteensä 3" in page
