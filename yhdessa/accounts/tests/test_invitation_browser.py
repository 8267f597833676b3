"""In a real browser: a coordinator invites a professional, who opens the
link from the email a real SMTP server received, sets a password and is in."""

import re

import pytest

from yhdessa.accounts.models import User
from yhdessa.notify.services import deliver_due
from yhdessa.tests.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_invited_professional_sets_a_password_and_logs_in(
    browser, live_server, network, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    page = log_in(browser, live_server, "coordinator")
    page.get_by_role("link", name="Verkosto").first.click()
    page.get_by_role("link", name="Kirjautumiset").click()
    row = page.locator("tr", has_text="Leena Koivisto")
    row.get_by_role("button", name="Kutsu kirjautumaan").click()
    page.get_by_text("Kutsu kirjautumaan on lähetetty: Leena Koivisto.").wait_for()
    assert "kutsu odottaa" in page.locator("tr", has_text="Leena Koivisto").inner_text()

    assert deliver_due()["sent"] == 1
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == ["leena@test.example"]
    link = re.search(
        rf"{re.escape(live_server.url)}/accounts/invitation/\S+/", mail.content.decode()
    )

    leena = browser.new_context(locale="fi-FI").new_page()
    leena.goto(link.group(0))
    leena.get_by_text("Hei Leena Koivisto!").wait_for()
    leena.fill("#id_new_password1", "Kesä-ilta järvellä 2026")
    leena.fill("#id_new_password2", "Kesä-ilta järvellä 2026")
    leena.get_by_role("button", name="Aseta salasana ja kirjaudu").click()
    leena.wait_for_url(f"{live_server.url}/")
    leena.get_by_text("Salasana on asetettu. Tervetuloa Yhdessä-palveluun!").wait_for()
    leena.get_by_role("link", name="Perheeni").first.wait_for()  # in, as a professional
    user = User.objects.get(username="leena@test.example")
    assert user.last_login is not None
    assert user.professional == network.people["leena"]
