"""Attacks on the issue 8 changes: login invitations, roles, password reset,
the settings page, /healthz, the failed messages and the recovery codes.

Each test is an outsider's or a careless client's probe. Those whose
docstring says "was a hole" once succeeded as an attack; the others held
and stay as regression tests.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yhdessa.accounts.invitations import invite_to_log_in
from yhdessa.accounts.models import LoginInvitation, User
from yhdessa.notify.models import OutboxMessage

NEW_PASSWORD = "Kesä-ilta järvellä 2026"
HUGE = "9" * 30


def browser(user=None) -> Client:
    """A browser that answers a crash with a 500 page, as in production."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def token_of(professional) -> str:
    body = OutboxMessage.objects.filter(professional=professional).latest("id").body
    return re.search(r"/accounts/invitation/([^/\s]+)/", body).group(1)


def accept_url(token: str) -> str:
    return reverse("accounts:accept_invitation", args=[token])


def accept(token: str, password: str = NEW_PASSWORD):
    return browser().post(accept_url(token), {"new_password1": password, "new_password2": password})


def sso_only(user: User) -> User:
    """A user who logs in only through the county's single sign-on."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


# ---- login invitations ------------------------------------------------------


@pytest.mark.parametrize("action", ["invite", "revoke", "reset_two_factor"])
def test_another_municipalitys_professional_is_404(network, action):
    jari = network.people["jari"]  # Koivuranta
    response = browser(network.coordinator).post(reverse(f"accounts:{action}", args=[jari.pk]))
    assert response.status_code == 404
    assert not LoginInvitation.objects.exists()


@pytest.mark.parametrize("action", ["invite", "revoke", "reset_two_factor"])
def test_a_huge_pk_is_404(network, action):
    response = browser(network.coordinator).post(
        f"/accounts/logins/{HUGE}/{action.replace('_two_factor', '-2fa')}/"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("path", [f"/accounts/roles/{HUGE}/", "/accounts/roles/0/"])
def test_a_huge_role_pk_is_404(network, path):
    assert browser(network.coordinator).get(path).status_code == 404


@pytest.mark.parametrize("path", ["/accounts/logins/", "/accounts/roles/", f"/accounts/roles/{1}/"])
def test_a_professional_cannot_reach_the_login_and_role_pages(network, path):
    assert browser(network.convener).get(path).status_code == 404


@pytest.mark.parametrize("action", ["invite", "revoke", "reset_two_factor", "invite_new"])
def test_a_professional_cannot_post_login_actions(network, action):
    leena = network.people["leena"]
    args = [] if action == "invite_new" else [leena.pk]
    data = {"name": "Uusi Ihminen", "organisation": leena.organisation_id, "email": "u@x.example"}
    response = browser(network.convener).post(reverse(f"accounts:{action}", args=args), data)
    assert response.status_code == 404
    assert not LoginInvitation.objects.exists()


def test_the_administrators_sso_login_cannot_be_taken_over_by_a_coordinator(network):
    """Was a hole: the system administrator (logging in by single sign-on,
    so without a password) is also a professional of Järvelä; Järvelä's
    coordinator, who keeps that professional's e-mail address, sent an
    invitation and set the administrator's password through it."""
    admin = sso_only(network.admin)
    leena = network.people["leena"]
    leena.user = admin
    leena.save(update_fields=["user"])
    response = browser(network.coordinator).post(reverse("accounts:invite", args=[leena.pk]))
    assert response.status_code == 302
    assert not LoginInvitation.objects.exists()
    assert not OutboxMessage.objects.filter(professional=leena).exists()


def test_another_municipalitys_coordinator_cannot_be_invited_or_reset(network):
    """Was a hole: Koivuranta's coordinator, listed in Järvelä's directory
    too, had their authenticator app removed by Järvelä's coordinator (and,
    logging in by single sign-on, their login taken over by an invitation)."""
    other = sso_only(network.coordinator2)
    TOTPDevice.objects.create(user=other, name="app", confirmed=True)
    leena = network.people["leena"]
    leena.user = other
    leena.save(update_fields=["user"])
    client = browser(network.coordinator)
    client.post(reverse("accounts:reset_two_factor", args=[leena.pk]))
    client.post(reverse("accounts:invite", args=[leena.pk]))
    assert TOTPDevice.objects.filter(user=other).exists()
    assert not LoginInvitation.objects.exists()


def test_an_own_professional_can_still_be_reset(network):
    mikko = network.people["mikko"]
    TOTPDevice.objects.create(user=network.member, name="app", confirmed=True)
    browser(network.coordinator).post(reverse("accounts:reset_two_factor", args=[mikko.pk]))
    assert not TOTPDevice.objects.filter(user=network.member).exists()


def test_a_used_revoked_or_expired_link_is_refused(network):
    leena = network.people["leena"]
    invite_to_log_in(actor=network.coordinator, professional=leena)
    token = token_of(leena)
    assert accept(token).status_code == 302
    user = User.objects.get(professional=leena)
    assert accept(token, "Toinen salasana kesällä 99").status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    antti = network.people["antti"]
    invite_to_log_in(actor=network.coordinator, professional=antti)
    old = token_of(antti)
    browser(network.coordinator).post(reverse("accounts:revoke", args=[antti.pk]))
    assert accept(old).status_code == 410

    invite_to_log_in(actor=network.coordinator, professional=antti)
    first = token_of(antti)
    invite_to_log_in(actor=network.coordinator, professional=antti)
    assert accept(first).status_code == 410  # the older link stops working
    expiring = token_of(antti)
    LoginInvitation.objects.filter(professional=antti).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert accept(expiring).status_code == 410
    assert not User.objects.filter(professional=antti).exists()


@pytest.mark.parametrize("token", ["x" * 5000, "%00", "..", "ä" * 50, " "])
def test_an_odd_token_is_410_not_500(db, token):
    # A NUL in the path is refused by Django itself with a 400.
    assert browser().get(f"/accounts/invitation/{token}/").status_code in (400, 404, 410)
    assert browser().post(f"/accounts/invitation/{token}/", {}).status_code in (400, 404, 410)


@pytest.mark.parametrize("weak", ["12345678", "password", "lyhyt", "leena@test.example"])
def test_the_accept_page_refuses_a_weak_password(network, weak):
    leena = network.people["leena"]
    invite_to_log_in(actor=network.coordinator, professional=leena)
    response = accept(token_of(leena), weak)
    assert response.status_code == 200
    assert not User.objects.filter(professional=leena).exists()


def test_someone_who_has_left_gets_nothing_from_an_old_link(network):
    leena = network.people["leena"]
    invite_to_log_in(actor=network.coordinator, professional=leena)
    token = token_of(leena)
    leena.is_active = False
    leena.save(update_fields=["is_active"])
    assert browser().get(accept_url(token)).status_code == 410
    assert accept(token).status_code == 410
    assert not User.objects.filter(professional=leena).exists()


def test_a_deactivated_user_gets_no_password_from_an_old_link(network):
    """The professional stays in the directory but their login was closed."""
    leena = network.people["leena"]
    user = sso_only(User.objects.create_user("leena", role=User.Role.PROFESSIONAL))
    leena.user = user
    leena.save(update_fields=["user"])
    invite_to_log_in(actor=network.coordinator, professional=leena)
    token = token_of(leena)
    User.objects.filter(pk=user.pk).update(is_active=False)
    client = browser()
    client.post(accept_url(token), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert client.get("/").status_code == 302  # not logged in


# ---- roles -------------------------------------------------------------------


def test_a_coordinator_cannot_grant_coordinator_in_another_municipality(network):
    mikko_user = network.member
    response = browser(network.coordinator).post(
        reverse("accounts:role_edit", args=[mikko_user.pk]),
        {"role": "coordinator", "municipality": network.town2.pk, "county": 1, "is_admin": "on"},
    )
    assert response.status_code == 302
    mikko_user.refresh_from_db()
    assert mikko_user.municipality_id == network.town.pk
    assert not mikko_user.is_superuser


@pytest.mark.parametrize("role", ["county", "admin", "superuser", "x" * 1000])
def test_a_coordinator_cannot_grant_county_or_admin(network, role):
    response = browser(network.coordinator).post(
        reverse("accounts:role_edit", args=[network.member.pk]), {"role": role, "is_admin": "on"}
    )
    assert response.status_code == 200
    network.member.refresh_from_db()
    assert network.member.role == User.Role.PROFESSIONAL
    assert not network.member.is_superuser


def test_a_coordinator_cannot_demote_the_administrator_listed_in_their_directory(network):
    leena = network.people["leena"]
    leena.user = network.admin
    leena.save(update_fields=["user"])
    response = browser(network.coordinator).post(
        reverse("accounts:role_edit", args=[network.admin.pk]), {"role": "professional"}
    )
    assert response.status_code == 200
    network.admin.refresh_from_db()
    assert network.admin.is_superuser


def test_a_coordinator_cannot_demote_another_municipalitys_coordinator(network):
    leena = network.people["leena"]
    leena.user = network.coordinator2
    leena.save(update_fields=["user"])
    browser(network.coordinator).post(
        reverse("accounts:role_edit", args=[network.coordinator2.pk]), {"role": "professional"}
    )
    network.coordinator2.refresh_from_db()
    assert network.coordinator2.role == User.Role.COORDINATOR
    assert network.coordinator2.municipality_id == network.town2.pk


def test_another_municipalitys_user_is_404_on_the_role_page(network):
    response = browser(network.coordinator).post(
        reverse("accounts:role_edit", args=[network.convener2.pk]), {"role": "coordinator"}
    )
    assert response.status_code == 404
    network.convener2.refresh_from_db()
    assert network.convener2.role == User.Role.PROFESSIONAL


def test_the_last_coordinator_keeps_the_role(network):
    response = browser(network.coordinator).post(
        reverse("accounts:role_edit", args=[network.coordinator.pk]), {"role": "professional"}
    )
    assert response.status_code == 200
    network.coordinator.refresh_from_db()
    assert network.coordinator.role == User.Role.COORDINATOR


def test_a_leaver_is_granted_nothing(network):
    mikko = network.people["mikko"]
    mikko.is_active = False
    mikko.save(update_fields=["is_active"])
    browser(network.coordinator).post(
        reverse("accounts:role_edit", args=[network.member.pk]), {"role": "coordinator"}
    )
    network.member.refresh_from_db()
    assert network.member.role == User.Role.PROFESSIONAL


def test_a_leaver_coordinator_cannot_act(network):
    User.objects.filter(pk=network.coordinator.pk).update(is_active=False)
    client = browser(network.coordinator)
    response = client.post(
        reverse("accounts:role_edit", args=[network.member.pk]), {"role": "coordinator"}
    )
    assert response.status_code in (302, 404)
    network.member.refresh_from_db()
    assert network.member.role == User.Role.PROFESSIONAL


# ---- password reset ------------------------------------------------------------


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(network):
    network.convener.email = "sanna@test.example"
    network.convener.save(update_fields=["email"])
    url = reverse("accounts:password_reset")
    known = browser().post(url, {"email": "sanna@test.example"}, follow=True)
    unknown = browser().post(url, {"email": "nobody@test.example"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    # The same page but for the form's CSRF token.
    csrf = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub(b"", known.content) == csrf.sub(b"", unknown.content)
    assert OutboxMessage.objects.filter(kind="account").count() == 1


def test_password_reset_sends_nothing_to_a_deactivated_user(network):
    User.objects.filter(pk=network.convener.pk).update(email="sanna@test.example", is_active=False)
    browser().post(reverse("accounts:password_reset"), {"email": "sanna@test.example"})
    assert not OutboxMessage.objects.filter(kind="account").exists()


def test_a_leaver_who_resets_the_password_still_gets_nothing(network):
    sanna = network.people["sanna"]
    sanna.is_active = False
    sanna.save(update_fields=["is_active"])
    client = browser()
    client.post(reverse("accounts:login"), {"username": "convener", "password": PASSWORD})
    assert client.get("/").status_code == 302
    assert client.get(reverse("families:mine")).status_code == 302


# ---- settings, /healthz, failed messages -----------------------------------------


@pytest.mark.parametrize("value", ["", "de", "x" * 5000, "fi\x00", "<script>"])
def test_the_settings_page_refuses_an_odd_language(network, value):
    response = browser(network.convener).post(reverse("accounts:settings"), {"language": value})
    # A NUL is refused before any view with a 400; the rest by the form.
    assert response.status_code == (400 if "\x00" in value else 200)
    network.convener.refresh_from_db()
    assert network.convener.language in ("", None)


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch", "options", "trace"])
def test_healthz_refuses_other_methods_without_a_crash(db, method):
    response = getattr(browser(), method)("/healthz")
    assert response.status_code == 405


def test_healthz_names_no_family(network):
    from conftest import meeting_for

    meeting_for(network)
    body = browser().get("/healthz").content.decode()
    assert "Perhe" not in body and "perhe@koti" not in body
    assert "Perhe" not in browser().head("/healthz").content.decode()


def test_failed_messages_refuse_a_professional_and_scope_a_coordinator(network):
    from conftest import meeting_for

    meeting = meeting_for(network)
    OutboxMessage.objects.filter(meeting=meeting).update(status=OutboxMessage.Status.FAILED)
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).exists()
    assert browser(network.convener).get("/messages/failed/").status_code == 403
    other = browser(network.coordinator2).get("/messages/failed/")
    assert other.status_code == 200
    own = browser(network.coordinator).get("/messages/failed/")
    # The page names no family: a message is known by its number.
    number = f"#{OutboxMessage.objects.filter(meeting=meeting).first().pk} "
    assert number in own.content.decode()
    assert number not in other.content.decode()


# ---- recovery codes -------------------------------------------------------------


def test_a_recovery_code_works_once(network):
    user = network.convener
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")
    url = reverse("accounts:otp_verify")
    first = browser(user)
    assert first.post(url, {"token": "abcd2345"}).status_code == 302
    assert first.get(reverse("families:mine")).status_code == 200
    second = browser(user)
    assert second.post(url, {"token": "abcd2345"}).status_code == 200
    assert second.get(reverse("families:mine")).status_code == 302


def test_the_codes_page_needs_the_second_step(network):
    user = network.convener
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")
    client = browser(user)
    response = client.post(reverse("accounts:recovery_codes"))
    assert response.status_code == 302
    assert list(device.token_set.values_list("token", flat=True)) == ["abcd2345"]


# ---- the second step of logging in -------------------------------------------------


def password_only(user) -> Client:
    """A thief with the user's password but not their phone."""
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    "path",
    ["/accounts/logins/", "/accounts/roles/", "/accounts/settings/", "/accounts/password/change/"],
)
def test_the_account_pages_need_the_second_step(network, path):
    """Was a hole: every page under /accounts/ was open to a user who had
    given only the password, the coordinator's login and role pages too."""
    TOTPDevice.objects.create(user=network.coordinator, name="app", confirmed=True)
    response = password_only(network.coordinator).get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp_verify"))


def test_a_password_alone_grants_no_role_and_resets_no_second_factor(network):
    """Was a hole: with the coordinator's password only, a thief made
    themselves' accomplice a coordinator and removed another's app."""
    TOTPDevice.objects.create(user=network.coordinator, name="app", confirmed=True)
    TOTPDevice.objects.create(user=network.member, name="app", confirmed=True)
    thief = password_only(network.coordinator)
    thief.post(reverse("accounts:role_edit", args=[network.convener.pk]), {"role": "coordinator"})
    thief.post(reverse("accounts:reset_two_factor", args=[network.people["mikko"].pk]))
    thief.post(reverse("accounts:invite", args=[network.people["leena"].pk]))
    network.convener.refresh_from_db()
    assert network.convener.role == User.Role.PROFESSIONAL
    assert TOTPDevice.objects.filter(user=network.member).exists()
    assert not LoginInvitation.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/accounts/2fa/verify/", "/accounts/logout/", "/accounts/password/reset/"],
)
def test_the_pages_of_the_second_step_stay_open(network, path):
    TOTPDevice.objects.create(user=network.coordinator, name="app", confirmed=True)
    client = password_only(network.coordinator)
    method = client.post if path.endswith("logout/") else client.get
    response = method(path)
    assert not (response.status_code == 302 and "2fa/verify" in response.url)


def test_a_link_sent_before_a_promotion_does_not_set_the_administrators_password(network):
    """Was a hole: the coordinator invited a professional of Järvelä who
    logs in by single sign-on; made system administrator before the link
    was opened, the link still set the administrator's password."""
    leena = network.people["leena"]
    user = sso_only(User.objects.create_user("leena", role=User.Role.PROFESSIONAL))
    leena.user = user
    leena.save(update_fields=["user"])
    invite_to_log_in(actor=network.coordinator, professional=leena)
    token = token_of(leena)
    User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    assert browser().get(accept_url(token)).status_code == 410
    assert accept(token).status_code == 410
    user.refresh_from_db()
    assert not user.has_usable_password()


@pytest.mark.parametrize("page", ["x", "-1", "0", HUGE, "1.5", "%00"])
def test_failed_messages_odd_page_is_no_500(network, page):
    response = browser(network.coordinator).get(f"/messages/failed/?page={page}")
    # A NUL is refused before any view with a 400.
    assert response.status_code == (400 if page == "%00" else 200)
