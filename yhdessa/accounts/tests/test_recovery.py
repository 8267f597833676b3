"""Recovery codes for a lost phone, and a coordinator resetting a
professional's second factor."""

import re

from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from yhdessa.accounts.tests.test_two_factor import code
from yhdessa.network.models import DirectoryChange


def set_up_with_codes(client, user) -> tuple[TOTPDevice, list[str]]:
    client.force_login(user)
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=user)
    page = client.post(reverse("accounts:otp_setup"), {"token": code(device)}).content.decode()
    return device, re.findall(r"<li><code>(\w+)</code></li>", page)


def test_ten_codes_are_shown_once_after_setting_up(client, network):
    _device, codes = set_up_with_codes(client, network.convener)
    assert len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=network.convener).count() == 10
    # Not shown again: the page offers new ones instead.
    page = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not any(c in page for c in codes)
    assert "Luo uudet varakoodit" in page


def test_a_recovery_code_logs_in_once(client, network):
    _device, codes = set_up_with_codes(client, network.convener)
    client.logout()
    client.force_login(network.convener)
    assert client.get(reverse("home")).status_code == 302  # the second step is asked
    response = client.post(reverse("accounts:otp_verify"), {"token": codes[0], "next": "/"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert StaticToken.objects.filter(device__user=network.convener).count() == 9
    client.logout()
    client.force_login(network.convener)
    again = client.post(reverse("accounts:otp_verify"), {"token": codes[0], "next": "/"})
    assert again.status_code == 200  # used up
    assert "Koodi ei täsmää" in again.content.decode()


def test_new_codes_replace_the_old(client, network):
    _device, old = set_up_with_codes(client, network.convener)
    page = client.post(reverse("accounts:recovery_codes")).content.decode()
    new = re.findall(r"<li><code>(\w+)</code></li>", page)
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    tokens = set(
        StaticToken.objects.filter(device__user=network.convener).values_list("token", flat=True)
    )
    assert tokens == set(new)


def test_codes_need_the_second_step_first(client, network):
    set_up_with_codes(client, network.convener)
    client.logout()
    client.force_login(network.convener)  # password only
    response = client.post(reverse("accounts:recovery_codes"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert StaticToken.objects.filter(device__user=network.convener).count() == 10


def test_without_an_app_the_codes_page_says_to_set_it_up(client, network):
    client.force_login(network.convener)
    page = client.post(reverse("accounts:recovery_codes")).content.decode()
    assert "Ota ensin käyttöön todennussovellus" in page
    assert not StaticToken.objects.exists()


def test_the_coordinator_resets_a_second_factor_and_it_is_logged(client, network, settings):
    settings.OTP_REQUIRED = True
    set_up_with_codes(client, network.member)
    mikko = network.people["mikko"]
    set_up_with_codes(client, network.coordinator2)
    assert client.post(reverse("accounts:reset_two_factor", args=[mikko.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user=network.member).exists()
    client.force_login(network.coordinator)
    set_up_with_codes(client, network.coordinator)
    page = client.get(reverse("accounts:logins")).content.decode()
    assert "Nollaa kaksivaiheinen" in page
    client.post(reverse("accounts:reset_two_factor", args=[mikko.pk]))
    assert not TOTPDevice.objects.filter(user=network.member).exists()
    assert not StaticDevice.objects.filter(user=network.member).exists()
    change = DirectoryChange.objects.get(object_type="professional", object_id=mikko.pk)
    assert change.actor == network.coordinator
    assert change.municipality == network.town
    assert change.changes == {"second_factor": ["set", "reset"]}
    # At the next login Mikko sets it up again.
    client.force_login(network.member)
    assert client.get(reverse("home"))["Location"] == reverse("accounts:otp_setup")
