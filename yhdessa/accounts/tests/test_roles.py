"""Roles are managed in the app: a coordinator within their municipality,
the system administrator everywhere; each change is in the change log."""

from django.urls import reverse

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.network.models import DirectoryChange, Region
from yhdessa.network.services import save_professional

Role = User.Role


def edit(client, actor, user, **data):
    client.force_login(actor)
    return client.post(reverse("accounts:role_edit", args=[user.pk]), data)


def test_a_coordinator_grants_a_role_in_their_municipality_logged_old_to_new(client, network):
    member = network.member
    response = edit(client, network.coordinator, member, role=Role.GUIDANCE)
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.municipality) == (Role.GUIDANCE, network.town)
    change = DirectoryChange.objects.get(object_type="user", object_id=member.pk)
    assert change.actor == network.coordinator
    assert change.municipality == network.town
    assert change.changes["role"] == ["professional", "guidance"]
    # The history page shows it, with the roles' names, old → new.
    page = client.get(reverse("network:changes")).content.decode()
    assert "ammattilainen → ohjaus- ja neuvontapalvelu" in page


def test_a_coordinator_makes_another_coordinator_and_removes_the_role(client, network):
    edit(client, network.coordinator, network.member, role=Role.COORDINATOR)
    network.member.refresh_from_db()
    assert network.member.is_coordinator
    edit(client, network.coordinator, network.member, role=Role.PROFESSIONAL)
    network.member.refresh_from_db()
    assert network.member.role == Role.PROFESSIONAL and not network.member.is_coordinator
    removal = DirectoryChange.objects.filter(object_id=network.member.pk).first()
    assert removal.changes["role"] == ["coordinator", "professional"]
    assert "municipality" not in removal.changes  # still of Järvelä


def test_another_municipalitys_user_is_404(client, network):
    client.force_login(network.coordinator)
    page = client.get(reverse("accounts:role_edit", args=[network.convener2.pk]))
    assert page.status_code == 404
    response = edit(client, network.coordinator, network.convener2, role=Role.COORDINATOR)
    assert response.status_code == 404
    network.convener2.refresh_from_db()
    assert network.convener2.role == Role.PROFESSIONAL
    assert not DirectoryChange.objects.filter(object_type="user").exists()


def test_a_professional_cannot_reach_the_roles(client, network):
    client.force_login(network.member)
    assert client.get(reverse("accounts:roles")).status_code == 404
    assert client.get(reverse("accounts:role_edit", args=[network.convener.pk])).status_code == 404


def test_a_coordinator_cannot_grant_county_or_admin_roles(client, network):
    county = Region.objects.create(name="Järvialueen hyvinvointialue")
    response = edit(
        client,
        network.coordinator,
        network.member,
        role=Role.COUNTY,
        county=county.pk,
        is_admin="on",
    )
    assert response.status_code == 200
    assert "Valitse" in response.content.decode()  # not one of the choices
    network.member.refresh_from_db()
    assert network.member.role == Role.PROFESSIONAL and not network.member.is_superuser
    assert not access.may_grant(network.coordinator, Role.COUNTY)
    assert not access.may_grant(network.coordinator, access.ADMIN_ROLE)
    assert not access.may_grant(network.coordinator, Role.COORDINATOR, network.town2)
    assert access.may_grant(network.coordinator, Role.COORDINATOR, network.town)
    assert access.may_grant(network.admin, Role.COUNTY)
    assert not access.may_grant(network.member, Role.PROFESSIONAL)


def test_the_administrator_grants_a_county_user_and_an_administrator(client, network):
    county = Region.objects.create(name="Järvialueen hyvinvointialue")
    edit(client, network.admin, network.convener2, role=Role.COUNTY, county=county.pk)
    network.convener2.refresh_from_db()
    assert (network.convener2.role, network.convener2.county) == (Role.COUNTY, county)
    change = DirectoryChange.objects.get(object_id=network.convener2.pk)
    assert change.changes == {
        "role": ["professional", "county"],
        "municipality": ["Koivuranta", None],
        "county": [None, "Järvialueen hyvinvointialue"],
    }
    # The county is shown; and a county user reads no more than before.
    page = client.get(reverse("accounts:roles")).content.decode()
    assert "Järvialueen hyvinvointialue" in page and "hyvinvointialueen käyttäjä" in page
    assert not access.may_keep_directory(network.convener2)
    edit(client, network.admin, network.member, role=Role.PROFESSIONAL, is_admin="on")
    network.member.refresh_from_db()
    assert network.member.is_superuser and network.member.is_staff
    assert DirectoryChange.objects.filter(object_id=network.member.pk).get().changes == {
        "is_superuser": [False, True]
    }


def test_a_county_user_needs_a_county(client, network):
    response = edit(client, network.admin, network.member, role=Role.COUNTY)
    assert "Valitse hyvinvointialue" in response.content.decode()
    network.member.refresh_from_db()
    assert network.member.role == Role.PROFESSIONAL


def test_someone_who_has_left_cannot_be_granted_anything(client, network):
    mikko = network.people["mikko"]
    save_professional(actor=network.coordinator, professional=mikko, data={"is_active": False})
    network.member.refresh_from_db()
    assert not network.member.is_active
    response = edit(client, network.coordinator, network.member, role=Role.COORDINATOR)
    assert response.status_code == 200
    assert "lähtenyt" in response.content.decode()
    network.member.refresh_from_db()
    assert network.member.role == Role.PROFESSIONAL
    response = edit(client, network.admin, network.member, role=Role.PROFESSIONAL, is_admin="on")
    network.member.refresh_from_db()
    assert not network.member.is_superuser
    assert not DirectoryChange.objects.filter(object_type="user").exists()


def test_the_last_coordinator_cannot_remove_their_own_role(client, network):
    response = edit(client, network.coordinator, network.coordinator, role=Role.PROFESSIONAL)
    assert response.status_code == 200
    assert "ainoa koordinaattori" in response.content.decode()
    network.coordinator.refresh_from_db()
    assert network.coordinator.is_coordinator
    # With a second coordinator they may step down.
    edit(client, network.coordinator, network.member, role=Role.COORDINATOR)
    response = edit(client, network.coordinator, network.coordinator, role=Role.PROFESSIONAL)
    assert response.status_code == 302
    network.coordinator.refresh_from_db()
    assert not network.coordinator.is_coordinator


def test_the_last_administrator_cannot_remove_their_own_role(client, network):
    response = edit(client, network.admin, network.admin, role=Role.PROFESSIONAL)
    assert "ainoa pääkäyttäjä" in response.content.decode()
    network.admin.refresh_from_db()
    assert network.admin.is_superuser


def test_a_coordinator_cannot_touch_an_administrator(client, network):
    network.member.is_superuser = True
    network.member.save()
    response = edit(client, network.coordinator, network.member, role=Role.COORDINATOR)
    assert "oikeutta" in response.content.decode()
    network.member.refresh_from_db()
    assert network.member.role == Role.PROFESSIONAL and network.member.is_superuser


def test_the_roles_page_lists_the_municipalitys_users_in_few_queries(
    client, network, django_assert_num_queries
):
    client.force_login(network.coordinator)
    client.get(reverse("accounts:roles"))  # warm up
    for n in range(5):
        User.objects.create_user(f"extra{n}", municipality=network.town, role=Role.GUIDANCE)
    with django_assert_num_queries(QUERIES_ROLES_PAGE):
        page = client.get(reverse("accounts:roles"))
    body = page.content.decode()
    assert "extra4" in body and "coordinator" in body and "convener2" not in body


# session, user, the users, the two-factor middleware's app check, the
# user's professional (has the user left?) — not one per user.
QUERIES_ROLES_PAGE = 5


def test_the_logins_page_links_to_the_roles(client, network):
    client.force_login(network.coordinator)
    assert reverse("accounts:roles") in client.get(reverse("accounts:logins")).content.decode()


def test_the_administrator_names_the_municipality_of_a_municipal_role(client, network):
    response = edit(client, network.admin, network.convener2, role=Role.COORDINATOR)
    assert "Valitse kunta" in response.content.decode()
    network.convener2.refresh_from_db()
    assert network.convener2.role == Role.PROFESSIONAL
    edit(
        client,
        network.admin,
        network.convener2,
        role=Role.COORDINATOR,
        municipality=network.town2.pk,
    )
    network.convener2.refresh_from_db()
    assert network.convener2.is_coordinator
    change = DirectoryChange.objects.get(object_id=network.convener2.pk)
    assert change.actor == network.admin and change.municipality == network.town2
    # The coordinator of that municipality reads it in their history.
    client.force_login(network.coordinator2)
    assert "convener2" in client.get(reverse("network:changes")).content.decode()
