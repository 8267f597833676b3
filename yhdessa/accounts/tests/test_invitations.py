"""A coordinator invites a professional to log in: a one-time link by email."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import together
from yhdessa.accounts.invitations import accept_invitation, invite_to_log_in, token_hash
from yhdessa.accounts.models import LoginInvitation, User
from yhdessa.network.models import DirectoryChange, Professional
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import deliver_due

NEW_PASSWORD = "Kesä-ilta järvellä 2026"


def link_in(message: OutboxMessage) -> str:
    return re.search(r"http://\S+/accounts/invitation/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return urlsplit(link).path


def invite(client, network, who="leena"):
    client.force_login(network.coordinator)
    return client.post(reverse("accounts:invite", args=[network.people[who].pk]))


def test_it_sends_a_one_time_link_and_stores_only_its_hash(client, network, smtp_server):
    response = invite(client, network)
    assert response.status_code == 302
    leena = network.people["leena"]
    invitation = LoginInvitation.objects.get(professional=leena)
    message = OutboxMessage.objects.get(professional=leena)
    assert message.recipient == leena.email
    link = link_in(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == token_hash(token) != token
    assert token not in str(LoginInvitation.objects.values().get())
    valid_for = invitation.expires_at - invitation.created_at
    assert abs(valid_for - timedelta(days=5)) < timedelta(seconds=5)  # LOGIN_INVITATION_DAYS
    deliver_due()
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == [leena.email]
    assert link in mail.content.decode()


def test_the_link_sets_a_password_and_logs_in(client, network):
    invite(client, network)
    link = path_of(link_in(OutboxMessage.objects.get()))
    client.logout()
    page = client.get(link)
    assert "Leena Koivisto" in page.content.decode()
    weak = client.post(link, {"new_password1": "12345", "new_password2": "12345"})
    assert weak.status_code == 200
    assert "errorlist" in weak.content.decode()  # Django's password validators
    assert not User.objects.filter(email="leena@test.example").exists()
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(username="leena@test.example")
    assert user.check_password(NEW_PASSWORD)
    assert Professional.objects.get(name="Leena Koivisto").user == user
    assert client.session[SESSION_KEY] == str(user.pk)
    assert LoginInvitation.objects.get().used_at is not None
    # Used once: the same link again says so.
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "jo käytetty" in again.content.decode()


def test_an_expired_link_says_so(client, network):
    invite(client, network)
    link = path_of(link_in(OutboxMessage.objects.get()))
    LoginInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert "vanhentunut" in response.content.decode()
    assert not User.objects.filter(email="leena@test.example").exists()


def test_a_revoked_link_says_so(client, network):
    invite(client, network)
    link = path_of(link_in(OutboxMessage.objects.get()))
    leena = network.people["leena"]
    client.post(reverse("accounts:revoke", args=[leena.pk]))
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "peruttu" in response.content.decode()


def test_an_unknown_link_says_so_in_the_users_language(client, network):
    response = client.get(
        reverse("accounts:accept_invitation", args=["nonsense"]), HTTP_ACCEPT_LANGUAGE="fi"
    )
    assert response.status_code == 410
    assert "Linkki ei ole kelvollinen" in response.content.decode()


def test_sending_again_makes_a_new_link_and_the_old_one_stops(client, network):
    invite(client, network)
    old = path_of(link_in(OutboxMessage.objects.get()))
    invite(client, network)
    messages = list(OutboxMessage.objects.order_by("pk"))
    assert len(messages) == 2
    new = path_of(link_in(messages[1]))
    assert new != old
    client.logout()
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200


def test_a_coordinator_of_another_municipality_gets_404(client, network):
    leena = network.people["leena"]
    client.force_login(network.coordinator2)
    for name in ("invite", "revoke", "reset_two_factor"):
        assert client.post(reverse(f"accounts:{name}", args=[leena.pk])).status_code == 404
    assert not LoginInvitation.objects.exists()


def test_a_professional_cannot_invite(client, network):
    client.force_login(network.convener)
    leena = network.people["leena"]
    assert client.post(reverse("accounts:invite", args=[leena.pk])).status_code == 404
    assert client.get(reverse("accounts:logins")).status_code == 404


def test_a_coordinator_who_has_left_gets_nothing(client, network):
    client.force_login(network.coordinator)
    User.objects.filter(pk=network.coordinator.pk).update(is_active=False)
    leena = network.people["leena"]
    response = client.post(reverse("accounts:invite", args=[leena.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not LoginInvitation.objects.exists()
    with pytest.raises(Exception, match="koordinaattori"):
        invite_to_log_in(actor=User.objects.get(pk=network.coordinator.pk), professional=leena)


def test_a_professional_who_has_left_cannot_use_the_link(client, network):
    invite(client, network)
    link = path_of(link_in(OutboxMessage.objects.get()))
    Professional.objects.filter(name="Leena Koivisto").update(is_active=False)
    client.logout()
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert not User.objects.filter(email="leena@test.example").exists()


def test_someone_who_can_log_in_already_is_not_invited(client, network):
    response = invite(client, network, who="sanna")
    assert response.status_code == 302
    assert not LoginInvitation.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "voi jo kirjautua" in page


def test_without_an_email_there_is_no_invitation(client, network):
    invite(client, network, who="olli")
    assert not LoginInvitation.objects.exists()


def test_the_logins_page_shows_last_login_and_pending_invitations(
    client, network, django_assert_num_queries
):
    invite(client, network)
    User.objects.filter(pk=network.convener.pk).update(last_login=timezone.now())
    # session, user, the user's professional (nav), the people with their
    # pending invitation and second factor, and the organisations for the new
    # form's list, the two-factor middleware's app check: none per person
    with django_assert_num_queries(6):
        page = client.get(reverse("accounts:logins")).content.decode()
    assert "kutsu odottaa" in page
    assert "Lähetä kutsu uudelleen" in page
    assert "Jari Heino" not in page  # another municipality's
    assert "voi kirjautua" in page


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_one_user(network):
    invitation = invite_to_log_in(actor=network.coordinator, professional=network.people["leena"])
    link = link_in(OutboxMessage.objects.get())
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert LoginInvitation.objects.get(pk=invitation.pk).token_hash == token_hash(token)

    def click():
        try:
            return accept_invitation(token=token, password=NEW_PASSWORD)
        except ValidationError as refused:
            return refused

    results = together(click, click)
    assert User.objects.filter(email="leena@test.example").count() == 1
    # One succeeds; the other waits on the locked row and is told the link
    # is used (not a database error from a second insert).
    assert sum(isinstance(r, User) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1


def test_a_new_professional_is_added_and_invited_at_once(client, network):
    client.force_login(network.coordinator)
    county = network.people["leena"].organisation
    response = client.post(
        reverse("accounts:invite_new"),
        {
            "name": "Noora Uusi",
            "title": "perheohjaaja",
            "organisation": county.pk,
            "email": "noora@test.example",
        },
    )
    assert response.status_code == 302
    noora = Professional.objects.get(name="Noora Uusi")
    assert noora.municipality == network.town
    assert noora.is_active
    assert DirectoryChange.objects.filter(object_type="professional", object_id=noora.pk).exists()
    assert LoginInvitation.objects.get().professional == noora
    assert OutboxMessage.objects.get().recipient == "noora@test.example"


def test_a_new_professional_with_a_taken_email_is_refused_next_to_the_field(client, network):
    client.force_login(network.coordinator)
    county = network.people["leena"].organisation
    page = client.post(
        reverse("accounts:invite_new"),
        {"name": "Noora Uusi", "organisation": county.pk, "email": "leena@test.example"},
    ).content.decode()
    assert "Sähköpostiosoite on jo toisella ammattilaisella." in page
    assert not Professional.objects.filter(name="Noora Uusi").exists()
    assert not LoginInvitation.objects.exists()


def test_only_a_coordinator_adds_and_invites(client, network):
    county = network.people["leena"].organisation
    data = {"name": "Noora Uusi", "organisation": county.pk, "email": "noora@test.example"}
    client.force_login(network.convener)
    assert client.post(reverse("accounts:invite_new"), data).status_code == 404
    assert not Professional.objects.filter(name="Noora Uusi").exists()
    client.force_login(network.coordinator2)  # adds to their own municipality only
    client.post(reverse("accounts:invite_new"), data)
    assert Professional.objects.get(name="Noora Uusi").municipality == network.town2


def test_where_two_factor_is_required_the_app_is_set_up_next(client, network, settings):
    invite(client, network)
    # Required only now: the coordinator, who has no app, could not invite.
    settings.OTP_REQUIRED = True
    link = path_of(link_in(OutboxMessage.objects.get()))
    client.logout()
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get(reverse("home"))["Location"] == reverse("accounts:otp_setup")


def test_the_logins_page_has_a_plain_title_and_one_invite_form(client, network):
    from django.urls import reverse

    client.force_login(network.coordinator)
    page = client.get(reverse("accounts:logins")).content.decode()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and title.startswith("Kirjautumiset")
    assert page.count(reverse("accounts:invite_new")) == 1
