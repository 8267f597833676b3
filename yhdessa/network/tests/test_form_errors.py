"""The network forms show every problem at once, each next to its field, and
the browser is told the same length limits as the server (issue 7, item 3)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yhdessa.network.models import (
    DirectoryChange,
    Expertise,
    FamilyCentreArea,
    FamilyCentreTeam,
    InvitationPractice,
    Organisation,
    Professional,
    Region,
)


def _field_errors(html: str, field_id: str) -> str:
    """The error list inside the field block that holds ``field_id``."""
    for block in re.findall(r'<div class="field[^"]*">(.*?)\n</div>', html, re.S):
        if f'id="{field_id}"' in block:
            found = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', block, re.S)
            return found.group(1) if found else ""
    raise AssertionError(f"no field {field_id}")


def test_an_organisation_shows_all_its_problems_at_once(client, network):
    Organisation.objects.filter(name="Perhekulma ry").update(business_id="2077474-0")
    client.force_login(network.coordinator)
    page = client.post(
        reverse("network:organisation_new"),
        {"name": "", "sector": "ngo", "business_id": "1234567-2", "email": "ei-osoite"},
    ).content.decode()
    assert "Tämä kenttä vaaditaan" in _field_errors(page, "id_name")
    assert "Y-tunnus 1234567-2 ei ole kelvollinen" in _field_errors(page, "id_business_id")
    assert _field_errors(page, "id_email")
    page = client.post(
        reverse("network:organisation_new"),
        {"name": "", "sector": "ngo", "business_id": "2077474-0"},
    ).content.decode()
    assert "Y-tunnus on jo toisella organisaatiolla" in _field_errors(page, "id_business_id")
    assert not DirectoryChange.objects.exists()


def test_a_professional_shows_all_their_problems_at_once(client, network):
    client.force_login(network.coordinator)
    page = client.post(
        reverse("network:professional_new"),
        {
            "name": "",
            "organisation": Organisation.objects.first().pk,
            "municipality": network.town.pk,
            "email": "riikka@test.example",  # Riikka's already
            "languages": ["fi"],
        },
    ).content.decode()
    assert "Tämä kenttä vaaditaan" in _field_errors(page, "id_name")
    assert "jo toisella ammattilaisella" in _field_errors(page, "id_email")
    assert Professional.objects.filter(email="riikka@test.example").count() == 1


def test_a_reference_entry_shows_all_its_problems_at_once(client, network):
    client.force_login(network.coordinator)
    page = client.post(
        reverse("network:reference", args=["expertise"]),
        {"code": "", "name_fi": "", "position": "10"},
    ).content.decode()
    assert "yksilöllinen koodi" in _field_errors(page, "id_code")
    assert "Tämä kenttä vaaditaan" in _field_errors(page, "id_name_fi")
    page = client.post(
        reverse("network:reference", args=["expertise"]),
        {"code": "family_guide", "name_fi": "", "position": "10"},
    ).content.decode()
    assert "yksilöllinen koodi" in _field_errors(page, "id_code")


@pytest.mark.parametrize(
    "url, data, field_id, reason",
    [
        ("network:area_new", {"name": ""}, "area_name", "Tämä kenttä vaaditaan"),
        ("network:area_new", {"name": "x" * 201}, "area_name", "enintään 200 merkkiä"),
        (
            "network:team_new",
            {"name": "Järvelän perhekeskustiimi"},
            "team_name",
            "jo tämän niminen",
        ),
        ("network:region", {"region": " "}, "id_region", "Tämä kenttä vaaditaan"),
    ],
)
def test_the_upkeep_page_forms_answer_next_to_their_field(
    client, network, url, data, field_id, reason
):
    FamilyCentreArea.objects.create(name="Keskusta", municipality=network.town)
    client.force_login(network.coordinator)
    response = client.post(reverse(url), data)
    assert response.status_code == 200
    assert reason in _field_errors(response.content.decode(), field_id)
    assert FamilyCentreArea.objects.count() == 1 and FamilyCentreTeam.objects.count() == 2
    assert not Region.objects.exists()


def _team_post(network, **changes) -> dict:
    data = {
        "members": [p.pk for p in network.team.members.all()],
        "team-kind": "on_call",
        "by_email": "on",
        "deadline_rule": "weekday_prev_week",
        "deadline_weekday": "0",
        "deadline_working_days": "5",
        "default_duration_minutes": "90",
        "default_place": "Perhekeskus",
        "slot_0_weekday": "3",
        "slot_0_starts": "08:00",
        "slot_0_ends": "10:00",
    }
    data.update(changes)
    return data


def test_the_team_page_shows_all_its_problems_next_to_their_fields(client, network):
    code = {e.code: e.pk for e in Expertise.objects.all()}
    client.force_login(network.coordinator)
    response = client.post(
        reverse("network:team", args=[network.team.pk]),
        _team_post(
            network,
            **{
                "team-core": [code["family_guide"]],
                "team-optional": [code["family_guide"]],
                "slot_0_starts": "14:00",
                "slot_0_ends": "12:00",
                "slot_1_starts": "09:00",
                "default_place": "x" * 501,
            },
        ),
    )
    page = response.content.decode()
    assert "Perheohjaus on jo valittu kohtaan" in _field_errors(page, "id_team-optional_0")
    assert "loppu pitää olla sen alun jälkeen" in _field_errors(page, "id_slot_0_ends")
    assert "Valitse viikonpäivä" in _field_errors(page, "id_slot_1_weekday")
    assert "enintään 500 merkkiä" in _field_errors(page, "id_default_place")
    practice = InvitationPractice.objects.get(team=network.team)
    assert [str(s) for s in practice.slots.all()] == ["3 08:00-10:00"]
    assert not network.team.roles.exists()


def test_a_file_level_problem_is_told_next_to_the_file_field(client, network):
    client.force_login(network.coordinator)
    page = client.post(
        reverse("network:import"),
        {"file": SimpleUploadedFile("bad.csv", b"\xff\xfe bad", content_type="text/csv")},
    ).content.decode()
    assert "UTF-8" in _field_errors(page, "id_file")
    # Confirming after the preview is gone (another tab imported it, or the
    # session ended) says so, instead of reading an empty file.
    page = client.post(reverse("network:import"), {"confirm": "1"}).content.decode()
    assert "Esikatselu on vanhentunut" in _field_errors(page, "id_file")
    assert "Otsikkorivistä puuttuu" not in page


def _lengths(html: str) -> dict[str, int | None]:
    """Every text input and its maxlength, by name."""
    found = {}
    for tag in re.findall(r"<(?:input|textarea)\b[^>]*>", html):
        kind = re.search(r'type="(\w+)"', tag)
        if tag.startswith("<input") and (
            kind is None or kind.group(1) not in ("text", "email", "url", "tel")
        ):
            continue
        name = re.search(r'name="([\w-]+)"', tag).group(1)
        limit = re.search(r'maxlength="(\d+)"', tag)
        found[name] = int(limit.group(1)) if limit else None
    return found


def test_the_browser_is_told_the_servers_length_limits(client, network):
    def limit(model, field):
        return model._meta.get_field(field).max_length

    client.force_login(network.coordinator)
    org = Organisation.objects.get(name="Perhekulma ry")
    org.municipalities.set([network.town])
    pages = {
        reverse("network:organisation", args=[org.pk]): {
            f: limit(Organisation, f)
            for f in (
                "name",
                "name_sv",
                "name_en",
                "business_id",
                "email",
                "phone",
                "address",
                "website",
            )
        },
        reverse("network:professional_new"): {
            f: limit(Professional, f) for f in ("name", "title", "email", "phone")
        },
        reverse("network:reference", args=["expertise"]): {
            f: limit(Expertise, f) for f in ("code", "name_fi", "name_sv", "name_en")
        },
        reverse("network:manage"): {
            "name": limit(FamilyCentreTeam, "name"),
            "region": limit(Region, "name"),
        },
        reverse("network:team", args=[network.team.pk]): {
            "default_place": limit(InvitationPractice, "default_place"),
            "instructions": limit(InvitationPractice, "instructions"),
        },
    }
    for url, expected in pages.items():
        found = _lengths(client.get(url).content.decode())
        assert {k: found.get(k) for k in expected} == expected, url
        assert not [k for k, v in found.items() if v is None and k not in expected], url
