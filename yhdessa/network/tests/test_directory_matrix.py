"""The directory's upkeep pages × every role × Järvelä's organisation,
professional and team: a coordinator keeps their own municipality, the
system administrator every one, and nobody else changes anything."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yhdessa.accounts.models import User
from yhdessa.network.models import (
    DirectoryChange,
    FamilyCentreTeam,
    Organisation,
    Professional,
)

ROLES = ["coordinator", "admin", "coordinator_elsewhere", "professional", "left", "anonymous"]
KEEPERS = {"coordinator", "admin"}


@pytest.fixture
def directory(network):
    org = Organisation.objects.create(name="Järvelän Perhetalo ry", sector="ngo")
    org.municipalities.set([network.town])
    left = User.objects.create_user(
        "left_coordinator", password="x", role="coordinator", municipality=network.town
    )
    left.is_active = False
    left.save(update_fields=["is_active"])
    users = {
        "coordinator": network.coordinator,
        "admin": network.admin,
        "coordinator_elsewhere": network.coordinator2,
        "professional": network.convener,
        "left": left,
        "anonymous": None,
    }
    return org, network.people["riikka"], network.team, users


def pages(org, person, team):
    """(name, method, url, body, reads or writes)."""
    return [
        ("organisation", "get", f"/network/organisations/{org.pk}/", None),
        (
            "organisation",
            "post",
            f"/network/organisations/{org.pk}/",
            {"name": "Vallattu ry", "sector": "ngo", "email": "hyokkaaja@x.example"},
        ),
        ("professional", "get", f"/network/professionals/{person.pk}/", None),
        (
            "professional",
            "post",
            f"/network/professionals/{person.pk}/",
            {
                "name": person.name,
                "organisation": person.organisation_id,
                "municipality": person.municipality_id,
                "email": "uudelleenohjattu@x.example",
            },
        ),
        ("team", "get", f"/network/teams/{team.pk}/", None),
        ("team", "post", f"/network/teams/{team.pk}/", {"members": []}),
    ]


def snapshot():
    return (
        list(Organisation.objects.order_by("pk").values()),
        list(Professional.objects.order_by("pk").values()),
        list(FamilyCentreTeam.members.through.objects.order_by("pk").values()),
        DirectoryChange.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_upkeep_pages_for_every_role(network, directory, role):
    org, person, team, users = directory
    client = Client()
    if users[role] is not None:
        client.force_login(users[role])
    for name, method, url, body in pages(org, person, team):
        before = snapshot()
        response = getattr(client, method)(url, body or {})
        if role in KEEPERS:
            assert response.status_code in (200, 302), (name, method, response.status_code)
            continue
        expected = {
            "coordinator_elsewhere": 404,  # not theirs: not even shown
            "professional": 403,  # no upkeep at all
            "left": 302,  # their login has ended
            "anonymous": 302,
        }[role]
        assert response.status_code == expected, (role, name, method, response.status_code)
        assert snapshot() == before, (role, name, method)


@pytest.mark.parametrize("role", ROLES)
def test_lists_history_export_and_import_stay_in_scope(network, directory, role):
    org, person, team, users = directory
    client = Client()
    if users[role] is not None:
        client.force_login(users[role])
    # One change of Järvelä's, made by its coordinator.
    keeper = Client()
    keeper.force_login(network.coordinator)
    keeper.post(
        f"/network/organisations/{org.pk}/",
        {
            "name": org.name,
            "sector": "ngo",
            "email": "info@perhetalo.example",
            "municipalities": [network.town.pk],
        },
    )
    assert DirectoryChange.objects.filter(municipality=network.town).exists()
    manage = client.get("/network/manage/")
    changes = client.get("/network/changes/")
    export = client.get("/network/export.csv")
    row = (
        "record,organisation,sector,business_id,municipalities,name,title,email,phone,"
        "expertise,languages,team,active\n"
        f"professional,{person.organisation.name},,,Järvelä,{person.name},,{person.email},,,fi,,no\n"
    )
    before = snapshot()
    upload = client.post("/network/import/", {"file": SimpleUploadedFile("x.csv", row.encode())})
    client.post("/network/import/", {"confirm": "1"})
    if role in ("left", "anonymous"):
        assert {manage.status_code, changes.status_code, export.status_code} == {302}
        assert snapshot() == before
        return
    if role == "professional":
        assert {manage.status_code, changes.status_code, export.status_code} == {403}
        assert upload.status_code == 403 and snapshot() == before
        return
    sees = role in KEEPERS
    assert (person.name in manage.content.decode()) == sees, role
    assert (org.name in changes.content.decode()) == sees, role
    assert (org.name in export.content.decode()) == sees, role
    if sees:
        assert Professional.objects.get(pk=person.pk).is_active is False
    else:
        assert "toisen kunnan" in upload.content.decode()
        assert snapshot() == before
