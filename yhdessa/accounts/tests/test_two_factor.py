"""Two-factor authentication with an authenticator app (TOTP)."""

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from yhdessa.api.auth import issue_token


def code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def set_up(client, user) -> TOTPDevice:
    client.force_login(user)
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("accounts:otp_setup"), {"token": code(device)})
    device.refresh_from_db()
    return device


def test_a_worker_sets_up_an_authenticator(client, network):
    client.force_login(network.convener)
    assert "ota käyttöön kaksivaiheinen tunnistautuminen" in client.get("/").content.decode()
    page = client.get(reverse("accounts:otp_setup")).content.decode()
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=network.convener, confirmed=False)
    wrong = client.post(
        reverse("accounts:otp_setup"), {"token": "000000" if code(device) != "000000" else "111111"}
    ).content.decode()
    assert "Koodi ei täsmää" in wrong
    assert (
        "kuusinumeroinen"
        in client.post(reverse("accounts:otp_setup"), {"token": "12ab"}).content.decode()
    )
    too_soon = client.post(reverse("accounts:otp_setup"), {"token": code(device)})
    assert "Odota hetki" in too_soon.content.decode()  # guessing is slowed down
    device.refresh_from_db()
    device.throttle_reset()  # a moment later
    client.post(reverse("accounts:otp_setup"), {"token": code(device)})
    device.refresh_from_db()
    assert device.confirmed


def test_once_set_up_every_login_asks_for_the_code(client, network):
    device = set_up(client, network.convener)
    client.logout()
    client.force_login(network.convener)  # the password step
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("families:create")).status_code == 302
    page = client.post(reverse("accounts:otp_verify"), {"token": "999999", "next": "/"})
    assert "Koodi ei täsmää" in page.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    # The setup's code cannot be replayed: the next step's code, within the tolerance.
    response = client.post(
        reverse("accounts:otp_verify"), {"token": code(device, drift=1), "next": "/concerns/new/"}
    )
    assert response["Location"] == "/concerns/new/"
    assert client.get(reverse("families:create")).status_code == 200


def test_the_next_address_stays_on_this_site(client, network):
    device = set_up(client, network.convener)
    client.logout()
    client.force_login(network.convener)
    response = client.post(
        reverse("accounts:otp_verify"),
        {"token": code(device, drift=1), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_when_required_a_user_without_an_authenticator_sets_one_up(client, network, settings):
    settings.OTP_REQUIRED = True
    client.force_login(network.coordinator)
    response = client.get(reverse("reports:meetings"))
    assert response["Location"] == reverse("accounts:otp_setup")
    set_up(client, network.coordinator)
    assert client.get(reverse("reports:meetings")).status_code == 200


def test_api_tokens_are_their_own_credential(client, network, settings):
    settings.OTP_REQUIRED = True
    response = client.get(
        "/api/v1/expertise", headers={"Authorization": f"Bearer {issue_token(network.convener)}"}
    )
    assert response.status_code == 200
