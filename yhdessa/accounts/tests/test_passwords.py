"""Password reset by email (Django's views) and a changed password ending
the user's other sessions."""

import re

from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from yhdessa.accounts.models import User
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import deliver_due

NEW_PASSWORD = "Kesä-ilta järvellä 2026"


def page_text(response) -> str:
    """The page without its per-request values (CSP nonce, CSRF token)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


def test_reset_answers_the_same_whether_or_not_the_address_exists(client, network, smtp_server):
    User.objects.filter(pk=network.convener.pk).update(email="sanna@test.example")
    url = reverse("accounts:password_reset")
    known = client.post(url, {"email": "sanna@test.example"})
    unknown = client.post(url, {"email": "nobody@test.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert page_text(client.get(known["Location"])) == page_text(client.get(unknown["Location"]))
    # The request only wrote the outbox (no mail server in the request, so a
    # known address answers as fast as an unknown one); the worker sends it.
    assert smtp_server.messages == []
    assert OutboxMessage.objects.filter(kind="account").count() == 1
    deliver_due()
    [mail] = smtp_server.messages  # sent only to the known address
    assert mail.rcpt_tos == ["sanna@test.example"]


def test_the_emailed_link_sets_a_new_password(client, network, smtp_server):
    User.objects.filter(pk=network.convener.pk).update(email="sanna@test.example")
    assert "Unohditko salasanasi" in client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("accounts:password_reset"), {"email": "sanna@test.example"})
    deliver_due()
    [mail] = smtp_server.messages
    text = mail.content.decode()
    assert "Aseta uusi salasana" in text or "uusi salasana" in text
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", text).group(1)
    form_page = client.get(link, follow=True)
    assert "Aseta uusi salasana" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "convener", "new_password2": "convener"})
    assert "errorlist" in weak.content.decode()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    network.convener.refresh_from_db()
    assert network.convener.check_password(NEW_PASSWORD)
    again = client.get(link, follow=True).content.decode()
    assert "Linkki ei toimi" in again  # used once


def test_a_changed_password_ends_the_other_sessions(network):
    here, elsewhere = Client(), Client()
    for c in (here, elsewhere):
        assert c.login(username="convener", password=PASSWORD)
        assert c.get(reverse("home")).status_code == 200
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200  # this session goes on
    ended = elsewhere.get(reverse("home"))
    assert ended.status_code == 302
    assert ended["Location"].startswith(reverse("accounts:login"))


def test_a_reset_password_ends_every_session(client, network, smtp_server):
    User.objects.filter(pk=network.convener.pk).update(email="sanna@test.example")
    elsewhere = Client()
    assert elsewhere.login(username="convener", password=PASSWORD)
    client.post(reverse("accounts:password_reset"), {"email": "sanna@test.example"})
    deliver_due()
    text = smtp_server.messages[0].content.decode()
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", text).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert elsewhere.get(reverse("home")).status_code == 302
