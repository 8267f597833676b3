"""Every user chooses their language: the pages follow it after login, and
the messages to them are written in it."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD, meeting_for
from yhdessa.accounts.invitations import SUBJECT
from yhdessa.accounts.models import LoginInvitation, User
from yhdessa.notify.models import OutboxMessage

COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_the_settings_page_stores_the_language_and_sets_the_cookie(client, network):
    client.force_login(network.member)
    page = client.get(reverse("accounts:settings"))
    assert page.status_code == 200 and 'value="sv"' in page.content.decode()
    response = client.post(reverse("accounts:settings"), {"language": "sv"})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "sv"
    network.member.refresh_from_db()
    assert network.member.language == "sv"
    assert '<html lang="sv">' in client.get(reverse("home")).content.decode()


def test_a_language_not_offered_is_refused_next_to_the_field(client, network):
    client.force_login(network.member)
    response = client.post(reverse("accounts:settings"), {"language": "de"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    network.member.refresh_from_db()
    assert network.member.language == ""
    assert COOKIE not in response.cookies


def test_the_pages_follow_the_users_language_after_login(client, network):
    User.objects.filter(pk=network.member.pk).update(language="en")
    client.cookies[COOKIE] = "fi"  # the login page was read in Finnish
    response = client.post(reverse("accounts:login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en"
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_without_a_choice_the_login_leaves_the_language_alone(client, network):
    client.cookies[COOKIE] = "sv"
    response = client.post(reverse("accounts:login"), {"username": "member", "password": PASSWORD})
    assert COOKIE not in response.cookies
    assert '<html lang="sv">' in client.get(reverse("home")).content.decode()


def test_a_professional_with_swedish_gets_a_swedish_meeting_invitation(network):
    User.objects.filter(pk=network.member.pk).update(language="sv")  # Mikko's user
    meeting = meeting_for(network, invitees=("mikko", "leena"))
    to_mikko = OutboxMessage.objects.get(professional=network.people["mikko"])
    to_leena = OutboxMessage.objects.get(professional=network.people["leena"])
    assert (to_mikko.language, to_leena.language) == ("sv", "fi")
    with translation.override("sv"):
        title_sv = str(meeting.title)
    with translation.override("fi"):
        title_fi = str(meeting.title)
    assert title_sv != title_fi
    assert title_sv in to_mikko.subject and title_fi in to_leena.subject
    assert to_mikko.subject != to_leena.subject
    assert to_mikko.body != to_leena.body
    assert f"SUMMARY:{title_sv}" in to_mikko.attachment.replace("\r\n ", "")
    assert f"SUMMARY:{title_fi}" in to_leena.attachment.replace("\r\n ", "")


def test_the_login_invitation_is_in_the_invitees_own_language(client, network):
    leena = network.people["leena"]
    leena.user = User.objects.create(username="leena", language="sv", email=leena.email)
    leena.user.set_unusable_password()
    leena.user.save()
    leena.save()
    client.force_login(network.coordinator)
    client.post(reverse("accounts:invite", args=[leena.pk]))
    message = OutboxMessage.objects.get(professional=leena)
    assert message.language == "sv"
    with translation.override("sv"):
        assert message.subject == str(SUBJECT)


def test_a_new_professional_is_invited_in_the_language_the_coordinator_chose(client, network):
    client.force_login(network.coordinator)
    form = client.get(reverse("accounts:logins")).content.decode()
    assert 'name="language"' in form
    response = client.post(
        reverse("accounts:invite_new"),
        {
            "name": "Stina Berg",
            "organisation": network.people["leena"].organisation_id,
            "email": "stina@test.example",
            "language": "sv",
        },
    )
    assert response.status_code == 302
    invitation = LoginInvitation.objects.get(email="stina@test.example")
    assert OutboxMessage.objects.get(professional=invitation.professional).language == "sv"
