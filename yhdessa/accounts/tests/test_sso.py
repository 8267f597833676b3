"""Single sign-on through a real OpenID provider (django-oauth-toolkit, in its
own process on a free port): our /oidc/authenticate/ sends the browser to the
provider, the person logs in there, and the provider sends them back to our
callback with a code that our server exchanges for signed tokens."""

import socket
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yhdessa.accounts.models import User
from yhdessa.tests.oidc_provider.process import PROVIDER_PASSWORD, person, running_provider

TESTSERVER = "http://testserver"

PEOPLE = {
    # Yhdessä knows her as Sanna Lehtola (the convener), sanna@test.example.
    "sanna": person(sub="county-sanna", email="Sanna@Test.example", email_verified=True),
    "mikko": person(sub="county-mikko", email="mikko@test.example", email_verified=False),
    "stranger": person(sub="county-x", email="stranger@test.example", email_verified=True),
    "eeva": person(sub="county-eeva", email="eeva@test.example", email_verified=True),
    # An identifier from the county's HR system, and an address nobody has.
    "hr": person(sub="HR-12345", email="m.harju@county.example", email_verified=False),
}


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with running_provider(
        tmp_path_factory.mktemp("provider"), PEOPLE, [f"{TESTSERVER}/oidc/callback/"]
    ) as running:
        yield running


@pytest.fixture
def sso(settings, provider):
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    return provider


def log_in_at_provider(start_url: str, username: str) -> str:
    """What the person's browser does at the provider: follow our redirect,
    log in on the provider's page, and come back with the provider's last
    redirect, to our callback (which the test client then opens)."""
    browser = requests.Session()
    page = browser.get(start_url, timeout=30)
    assert page.status_code == 200, page.text
    assert "County login" in page.text
    response = browser.post(
        page.url,
        data={
            "username": username,
            "password": PROVIDER_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": parse_qs(urlparse(page.url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=30,
    )
    while not response.headers.get("Location", "").startswith(TESTSERVER):
        assert response.status_code == 302, response.text
        response = browser.get(
            urljoin(response.url, response.headers["Location"]),
            allow_redirects=False,
            timeout=30,
        )
    return response.headers["Location"].removeprefix(TESTSERVER)


def sso_login(client, username: str, next_url: str = ""):
    """The whole round trip; the answer of our callback."""
    start = client.get(
        reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else "")
    )
    assert start.status_code == 302
    assert start["Location"].startswith("http://127.0.0.1:")
    return client.get(log_in_at_provider(start["Location"], username))


def logged_in_as(client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def test_the_login_page_offers_the_county_login_only_when_it_is_on(client, settings):
    assert (
        "Kirjaudu organisaation tunnuksella" not in client.get("/accounts/login/").content.decode()
    )
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404
    settings.OIDC_ENABLED = True
    page = client.get("/accounts/login/?next=/concerns/new/").content.decode()
    assert "Kirjaudu organisaation tunnuksella" in page
    assert 'href="/oidc/authenticate/?next=/concerns/new/"' in page


def test_a_verified_email_logs_the_professional_in(client, network, sso):
    response = sso_login(client, "sanna", next_url="/concerns/new/")
    assert response.status_code == 302
    assert response["Location"] == "/concerns/new/"
    assert logged_in_as(client) == network.convener
    assert client.get("/").status_code == 200
    # From now on the provider's identifier names her, whatever her address.
    network.convener.refresh_from_db()
    assert network.convener.oidc_subject == "county-sanna"


def test_the_users_own_verified_email_matches_too(client, network, sso):
    # A coordinator has no professional record; their account's address counts.
    network.coordinator.email = "stranger@test.example"
    network.coordinator.save(update_fields=["email"])
    assert sso_login(client, "stranger").status_code == 302
    assert logged_in_as(client) == network.coordinator


@pytest.mark.parametrize("who", ["admin", "coordinator"])
def test_a_directory_address_never_names_an_administrator_or_a_coordinator(
    client, network, sso, who
):
    """A coordinator keeps the professionals' addresses: pointing one linked
    to an administrator's (or another coordinator's) account at an identity
    of their own must not log that identity in as them."""
    from yhdessa.network.models import Professional

    account = getattr(network, who)
    Professional.objects.filter(user=account).update(user=None)
    Professional.objects.filter(pk=network.people["antti"].pk).update(
        user=account, email="stranger@test.example"
    )
    assert account.email != "stranger@test.example"
    response = sso_login(client, "stranger")
    assert response.status_code == 403
    assert logged_in_as(client) is None


def test_an_unverified_email_is_refused(client, network, sso):
    response = sso_login(client, "mikko")  # mikko@test.example is the member's professional
    assert response.status_code == 403
    assert "ei ole vahvistanut sähköpostiosoitettasi" in response.content.decode()
    assert logged_in_as(client) is None
    network.member.refresh_from_db()
    assert network.member.oidc_subject == ""


def test_an_unknown_person_is_refused_and_no_account_is_made(client, network, sso):
    users = User.objects.count()
    response = sso_login(client, "stranger")
    assert response.status_code == 403
    assert "ei löytynyt Yhdessä-käyttäjää" in response.content.decode()
    assert logged_in_as(client) is None
    assert User.objects.count() == users


@pytest.mark.parametrize("who_left", ["professional", "user"])
def test_leaving_the_organisation_wins_over_a_valid_login(client, network, sso, who_left):
    # Eeva Kallio (convener2) has an account; now she has left.
    if who_left == "professional":
        network.people["eeva"].is_active = False
        network.people["eeva"].save(update_fields=["is_active"])
    else:
        network.convener2.is_active = False
        network.convener2.save(update_fields=["is_active"])
    response = sso_login(client, "eeva")
    assert response.status_code == 403
    assert "Käyttöoikeutesi Yhdessä-palveluun on päättynyt" in response.content.decode()
    assert logged_in_as(client) is None
    assert client.get("/").status_code == 302


def test_a_leaver_matched_by_identifier_is_refused_too(client, network, sso):
    network.member.oidc_subject = "HR-12345"
    network.member.save(update_fields=["oidc_subject"])
    network.people["mikko"].is_active = False
    network.people["mikko"].save(update_fields=["is_active"])
    response = sso_login(client, "hr")
    assert response.status_code == 403
    assert "päättynyt" in response.content.decode()
    assert logged_in_as(client) is None


def test_the_identifier_claim_logs_in_whoever_it_is_stored_on(client, network, sso):
    # A coordinator has recorded the county's identifier on Mikko's account;
    # the provider does not vouch for his address, and need not.
    network.member.oidc_subject = "HR-12345"
    network.member.save(update_fields=["oidc_subject"])
    response = sso_login(client, "hr")
    assert response.status_code == 302
    assert logged_in_as(client) == network.member


def test_an_account_tied_to_another_identity_is_not_taken_over_by_email(client, network, sso):
    # Her account is bound to another county identity: an address that has
    # moved to someone else must not bring the account along.
    network.convener.oidc_subject = "county-old-sanna"
    network.convener.save(update_fields=["oidc_subject"])
    response = sso_login(client, "sanna")
    assert response.status_code == 403
    assert "liitetty toiseen organisaation tunnukseen" in response.content.decode()
    assert logged_in_as(client) is None


def test_two_accounts_with_the_address_refuse_rather_than_guess(client, network, sso):
    network.coordinator.email = "sanna@test.example"
    network.coordinator.save(update_fields=["email"])
    response = sso_login(client, "sanna")
    assert response.status_code == 403
    assert "useampi Yhdessä-käyttäjä" in response.content.decode()
    assert logged_in_as(client) is None


def set_up_authenticator(user) -> None:
    TOTPDevice.objects.create(user=user, name="Yhdessä", confirmed=True)


def test_the_county_login_counts_as_strong_authentication(client, network, sso, settings):
    """OIDC_SKIPS_OTP (on by default): the county's login carries its own
    second factor, so Yhdessä does not ask for its TOTP code again."""
    settings.OTP_REQUIRED = True
    set_up_authenticator(network.convener)
    assert sso_login(client, "sanna").status_code == 302
    assert client.get("/").status_code == 200
    assert client.get(reverse("families:create")).status_code == 200
    # The same person with a password is asked for the code as before.
    client.logout()
    client.post("/accounts/login/", {"username": "convener", "password": PASSWORD})
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


def test_without_oidc_skips_otp_the_code_is_asked_after_the_county_login(
    client, network, sso, settings
):
    settings.OIDC_SKIPS_OTP = False
    set_up_authenticator(network.convener)
    assert sso_login(client, "sanna").status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


def test_a_callback_that_did_not_start_here_is_refused(client, network, sso):
    response = client.get(reverse("oidc_authentication_callback") + "?code=abc&state=xyz")
    assert response.status_code == 403
    assert "ei onnistunut" in response.content.decode()
    assert logged_in_as(client) is None


def test_a_cancelled_login_at_the_provider_is_shown_as_such(client, network, sso):
    response = client.get(reverse("oidc_authentication_callback") + "?error=access_denied")
    assert response.status_code == 403
    assert "Yritä uudelleen tai kirjaudu salasanalla" in response.content.decode()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_password_logins_do_not_depend_on_the_provider(client, network, settings):
    """With SSO on and the provider down, passwords still work, and the
    county login says plainly that it cannot be reached."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "yhdessa"
    settings.OIDC_OP_DISCOVERY_URL = (
        f"http://127.0.0.1:{closed_port()}/o/.well-known/openid-configuration"
    )
    response = client.post("/accounts/login/", {"username": "convener", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_as(client) == network.convener
    client.logout()
    page = client.get(reverse("oidc_authentication_init"))
    assert page.status_code == 503
    assert "Yritä uudelleen tai kirjaudu salasanalla" in page.content.decode()


def test_refused_county_logins_do_not_lock_anyone_out(client, network, sso, settings):
    """Refusals at the callback are not password guesses (the provider guards
    its own login): they lock neither the county login nor passwords."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        assert sso_login(client, "stranger").status_code == 403
    assert sso_login(client, "sanna").status_code == 302
    assert logged_in_as(client) == network.convener
    client.logout()
    response = client.post("/accounts/login/", {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_as(client) == network.member


def test_password_guesses_still_lock_out_with_the_county_login_on(client, network, sso, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": "member", "password": "wrong-guess-1"})
    response = client.post("/accounts/login/", {"username": "member", "password": PASSWORD})
    assert response.status_code == 429
    assert logged_in_as(client) is None


def browser_user(page) -> User | None:
    """Whom the browser's session cookie for our site belongs to."""
    from importlib import import_module

    from django.conf import settings

    cookie = next(
        c for c in page.context.cookies(page.url) if c["name"] == settings.SESSION_COOKIE_NAME
    )
    session = import_module(settings.SESSION_ENGINE).SessionStore(cookie["value"])
    pk = session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_professional_logs_in_with_the_county_login_in_a_browser(
    browser, live_server, network, settings, tmp_path
):
    """As a person does it: the button on our login page, the county's own
    login page, and back in Yhdessä as herself."""
    with running_provider(tmp_path, PEOPLE, [f"{live_server.url}/oidc/callback/"]) as provider:
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/concerns/new/")
        page.get_by_role("link", name="Kirjaudu organisaation tunnuksella").click()
        page.wait_for_url(f"{provider.url}/login/**")
        page.fill("#provider-username", "sanna")
        page.fill("#provider-password", PROVIDER_PASSWORD)
        page.click("#provider-login")
        page.wait_for_url(f"{live_server.url}/concerns/new/")
        assert page.get_by_role("button", name="Kirjaudu ulos").is_visible()
        assert browser_user(page) == network.convener

        # Someone who has left sees why, not a login.
        network.people["eeva"].is_active = False
        network.people["eeva"].save(update_fields=["is_active"])
        other = browser.new_page()
        other.goto(f"{live_server.url}/accounts/login/")
        other.get_by_role("link", name="Kirjaudu organisaation tunnuksella").click()
        other.fill("#provider-username", "eeva")
        other.fill("#provider-password", PROVIDER_PASSWORD)
        other.click("#provider-login")
        other.wait_for_url(f"{live_server.url}/oidc/callback/**")
        assert "Käyttöoikeutesi Yhdessä-palveluun on päättynyt" in other.content()
        # The refusal answers 403, which the browser reports; that one is expected.
        refused = [e for e in browser.errors if "/oidc/callback/" in e and "403" in e]
        assert len(refused) == 1
        browser.errors.remove(refused[0])
