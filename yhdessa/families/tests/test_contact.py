"""The family's own contact (public page, no login) and the guidance
service's inbox: what the parent sees and gets, the flood guards, and each
way a contact is handled, with the access rules of every page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yhdessa.accounts.models import User
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.contacts import submit_contact
from yhdessa.families.models import Concern, Contact, Family
from yhdessa.network.models import Region
from yhdessa.network.working_days import add_working_days
from yhdessa.notify.models import OutboxMessage

URL = "/contact/"


def form(network, **overrides) -> dict:
    data = {
        "wants": "meeting",
        "municipality": str(network.town.pk),
        "name": "Anu",
        "children_ages": "4, 7",
        "topics": ["daily_rhythm"],
        "message": "Illat ovat raskaita.",
        "contact_by": "sms",
        "phone": "040 123 4567",
        "email": "",
        "language": "fi",
        "consent": "on",
        "once": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def guidance(network) -> User:
    return User.objects.create_user(
        username="guidance", password="x" * 20, role=User.Role.GUIDANCE, municipality=network.town
    )


def contact_of(network, **overrides) -> Contact:
    data = {
        "municipality_id": network.town.pk,
        "name": "Anu",
        "children_ages": [4],
        "topic_codes": ["daily_rhythm"],
        "message": "Illat ovat raskaita.",
        "contact_by": "phone",
        "phone": "040 123 4567",
        "consent": True,
        "sender": "127.0.0.9",
    }
    data.update(overrides)
    return submit_contact(**data)


def test_the_page_is_public_and_plain(client, network):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pyydä apua tai Yhdessä aikaa" in page and "2 arkipäivän" in page and "112" in page
    client.post("/i18n/setlang/", {"language": "sv", "next": URL})
    assert 'lang="sv"' in client.get(URL).content.decode()


def test_a_parent_asks_for_help_and_is_told_by_when(client, network):
    response = client.post(URL, form(network), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    contact = Contact.objects.select_related("family").get()
    family = contact.family
    year = timezone.localdate().year
    assert (family.alias, family.children_birth_years) == ("Anu", [year - 7, year - 4])
    assert (family.phone, family.message_channel, family.municipality) == (
        "+358401234567",
        "sms",
        network.town,
    )
    assert (contact.channel, contact.wants, contact.state) == ("electronic", "meeting", "new")
    assert contact.due_on == add_working_days(timezone.localdate(), 2)
    assert "10.1.2.3" not in contact.sender_hash and len(contact.sender_hash) == 64
    sent = client.get(response["Location"]).content.decode()
    assert f"{contact.due_on.day}.{contact.due_on.month}.{contact.due_on.year}" in sent
    assert "tekstiviestillä" in sent
    confirmation = OutboxMessage.objects.get(to_family=True)
    assert (confirmation.channel, confirmation.recipient) == ("sms", "+358401234567")
    assert f"{contact.due_on.day}.{contact.due_on.month}." in confirmation.body


def test_the_confirmation_is_in_the_parents_language(client, network):
    client.post(URL, form(network, language="sv", contact_by="email", email="a@koti.example"))
    message = OutboxMessage.objects.get(to_family=True)
    assert (message.channel, message.language) == ("email", "sv")
    assert "Hej" in message.body


@pytest.mark.parametrize(
    "change, field, error",
    [
        ({"consent": None}, "consent", "Tarvitsemme luvan"),
        ({"name": ""}, "name", "etunimi tai nimimerkki"),
        ({"children_ages": "neljä"}, "children_ages", "numeroina"),
        ({"children_ages": "4, 40"}, "children_ages", "0–18"),
        ({"contact_by": "sms", "phone": ""}, "phone", "puhelinnumero"),
        ({"phone": "123"}, "phone", "ei ole kelvollinen"),
        ({"contact_by": "email", "email": "ei-osoite"}, "email", "ei ole kelvollinen"),
        ({"municipality": "999999"}, "municipality", "Valitkaa kuntanne"),
        ({"message": "x" * 2001}, "message", "2000"),
        ({"message": "Lapsen hetu 131052-308T"}, "message", "henkilötunnuksen"),
        ({"topics": [], "message": ""}, "message", "mikä huolettaa"),
        ({"topics": ["nope"]}, "topics", ""),
    ],
)
def test_bad_input_is_explained_and_stores_nothing(client, network, change, field, error):
    response = client.post(URL, form(network, **change))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert error in " ".join(response.context["form"].errors[field])
    assert not Family.objects.exists() and not OutboxMessage.objects.exists()


def test_a_robot_filling_the_hidden_field_stores_nothing(client, network):
    response = client.post(URL, form(network, homepage="http://spam.example"))
    assert response.status_code == 302 and "/contact/sent/" in response["Location"]
    assert not Contact.objects.exists()


def test_a_flood_from_one_address_is_stopped(client, network, settings):
    settings.CONTACT_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(URL, form(network), REMOTE_ADDR="10.9.9.9").status_code == 302
    stopped = client.post(URL, form(network), REMOTE_ADDR="10.9.9.9")
    assert stopped.status_code == 429 and "tunnin kuluttua" in stopped.content.decode()
    assert client.post(URL, form(network), REMOTE_ADDR="10.9.9.8").status_code == 302
    assert Contact.objects.count() == 3


def test_sending_the_form_twice_records_it_once(client, network):
    data = form(network, once="one-time-token-1")
    first = client.post(URL, data)
    again = client.post(URL, data)
    assert first["Location"] == again["Location"]
    assert Contact.objects.count() == 1


def test_a_forged_thanks_page_is_not_shown(client, network):
    assert client.get("/contact/sent/?t=forged").status_code == 302


# ---- the inbox ---------------------------------------------------------------


def test_the_guidance_service_sees_every_new_contact_and_what_is_late(client, network, guidance):
    late = contact_of(network, name="Late")
    Contact.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    contact_of(network, name="Fresh")
    contact_of(network, name="Toinen kunta", municipality_id=network.town2.pk)
    client.force_login(guidance)
    response = client.get(reverse("contact:inbox"))
    page = response.content.decode()
    assert response.status_code == 200
    assert [c.family.alias for c in response.context["page"].object_list] == ["Late", "Fresh"]
    assert "myöhässä" in page and "Toinen kunta" not in page
    assert response.context["overdue"] == 1
    assert AccessLogEntry.objects.filter(what="list", why="guidance").count() == 2


@pytest.mark.parametrize("n", [1, 8])
def test_the_inbox_reads_a_fixed_number_of_queries(
    client, network, guidance, django_assert_num_queries, n
):
    for i in range(n):
        contact_of(network, name=f"Perhe {i}", sender=f"10.0.0.{i}")
    client.force_login(guidance)
    # session, user, the user's professional (has the user left?), OTP
    # devices, the pager's count, the page of contacts with their families
    # and workers, their topics, the access-log rows (one bulk insert) and
    # the overdue count
    with django_assert_num_queries(9):
        response = client.get(reverse("contact:inbox"))
    assert len(response.context["page"].object_list) == n


def test_a_county_guidance_service_sees_its_municipalities(client, network):
    county = Region.objects.create(name="Järvelän hyvinvointialue")
    network.town.region = county
    network.town.save()
    user = User.objects.create_user(
        username="county-guidance", role=User.Role.GUIDANCE, county=county
    )
    contact_of(network)
    other = contact_of(network, municipality_id=network.town2.pk, name="Muu")
    client.force_login(user)
    assert len(client.get(reverse("contact:inbox")).context["page"].object_list) == 1
    assert client.get(reverse("contact:detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("who", ["convener", "member", "convener2", "coordinator2"])
def test_nobody_else_reads_the_inbox_or_a_contact(client, network, who):
    contact = contact_of(network)
    client.force_login(getattr(network, who))
    inbox = client.get(reverse("contact:inbox"))
    if who == "coordinator2":  # their own municipality's inbox, without Järvelä's
        assert inbox.status_code == 200 and not inbox.context["page"].object_list
    else:
        assert inbox.status_code == 403
    assert client.get(reverse("contact:detail", args=[contact.pk])).status_code in (403, 404)
    response = client.post(
        reverse("contact:hand_over", args=[contact.pk]),
        {"professional": network.people["sanna"].pk},
    )
    assert response.status_code in (403, 404)
    contact.refresh_from_db()
    assert contact.state == "new"


def test_someone_who_has_left_has_no_inbox(client, network, guidance):
    contact = contact_of(network)
    client.force_login(guidance)
    guidance.is_active = False
    guidance.save()
    assert client.get(reverse("contact:detail", args=[contact.pk])).status_code == 302


def test_the_municipalitys_coordinator_handles_contacts_too(client, network):
    contact = contact_of(network)
    client.force_login(network.coordinator)
    assert client.get(reverse("contact:detail", args=[contact.pk])).status_code == 200
    assert AccessLogEntry.objects.get(what="contact").why == "coordinator"


def test_handing_over_raises_the_concern_and_tells_everyone(client, network, guidance):
    contact = contact_of(network)
    client.force_login(guidance)
    response = client.post(
        reverse("contact:hand_over", args=[contact.pk]),
        {"professional": network.people["sanna"].pk},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    concern = Concern.objects.get()
    assert (contact.state, contact.handed_to, contact.concern) == (
        "handed_over",
        network.people["sanna"],
        concern,
    )
    assert (concern.convener, concern.channel, concern.raised_by) == (
        network.people["sanna"],
        "electronic",
        "family",
    )
    assert concern.summary == "Illat ovat raskaita."
    assert list(concern.topics.values_list("code", flat=True)) == ["daily_rhythm"]
    # The family hears who calls; the worker gets the matter.
    told = OutboxMessage.objects.filter(idempotency_key=f"contact:{contact.pk}:handed").get()
    assert "Sanna Lehtola" in told.body and told.channel == "sms"
    worker = OutboxMessage.objects.get(professional=network.people["sanna"])
    assert f"/concerns/{concern.pk}/" in worker.body
    assert AccessLogEntry.objects.filter(what="contact", why="guidance").exists()
    # The worker finds the family among their own.
    client.force_login(network.convener)
    assert client.get(reverse("families:detail", args=[concern.pk])).status_code == 200


def test_a_contact_is_handed_over_once(client, network, guidance):
    contact = contact_of(network)
    client.force_login(guidance)
    url = reverse("contact:hand_over", args=[contact.pk])
    client.post(url, {"professional": network.people["sanna"].pk})
    again = client.post(url, {"professional": network.people["mikko"].pk}, follow=True)
    assert "jo käsitelty" in again.content.decode()
    assert Concern.objects.count() == 1


def test_only_a_worker_of_the_municipality_takes_it(client, network, guidance):
    contact = contact_of(network)
    client.force_login(guidance)
    response = client.post(
        reverse("contact:hand_over", args=[contact.pk]),
        {"professional": network.people["eeva"].pk},
    )
    assert response.status_code == 200
    assert not Concern.objects.exists()


def test_guidance_only_closes_the_contact_with_a_reason(client, network, guidance):
    contact = contact_of(network)
    client.force_login(guidance)
    url = reverse("contact:close", args=[contact.pk])
    assert client.post(url, {"reason": "other"}).status_code == 200
    assert client.post(url, {"reason": "guidance_given"}).status_code == 302
    contact.refresh_from_db()
    assert (contact.state, contact.close_reason) == ("closed", "guidance_given")
    page = client.get(reverse("contact:inbox") + "?state=handled")
    assert [c.pk for c in page.context["page"].object_list] == [contact.pk]


def test_the_guidance_service_records_a_call(client, network, guidance):
    client.force_login(guidance)
    data = form(network, contact_by="phone")
    data.pop("once")
    response = client.post(reverse("contact:phone"), data)
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.channel, contact.recorded_by) == ("phone", guidance)
    assert contact.sender_hash == ""


def test_a_call_cannot_be_recorded_for_another_municipality(client, network, guidance):
    client.force_login(guidance)
    response = client.post(
        reverse("contact:phone"), form(network, municipality=str(network.town2.pk))
    )
    assert response.status_code == 200 and not Contact.objects.exists()


def test_one_household_on_ipv6_is_one_sender(client, network, settings):
    settings.CONTACT_RATE_LIMIT = 2
    for i in range(2):
        client.post(URL, form(network), REMOTE_ADDR=f"2001:db8::{i}")
    assert client.post(URL, form(network), REMOTE_ADDR="2001:db8::ff").status_code == 429
    assert client.post(URL, form(network), REMOTE_ADDR="2001:db8:1::1").status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(client, network, settings):
    settings.CONTACT_RATE_LIMIT = 1
    settings.CONTACT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    client.post(URL, form(network), HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert (
        client.post(URL, form(network), HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code
        == 302
    )
    stopped = client.post(URL, form(network), HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)
    # The parent's text stays on the form, with a message that is true.
    assert stopped.status_code == 429
    assert "Illat ovat raskaita." in stopped.content.decode()
    assert "tunnin kuluttua" in stopped.content.decode()


def test_the_confirmation_carries_no_typed_text_and_goes_once_a_day(client, network):
    client.post(URL, form(network, name="Voitto evil.example/x"), REMOTE_ADDR="10.0.0.1")
    client.post(URL, form(network, name="Toinen"), REMOTE_ADDR="10.0.0.2")
    sent = OutboxMessage.objects.filter(to_family=True, recipient="+358401234567")
    assert sent.count() == 1 and "evil" not in sent.get().body


def test_a_name_on_two_lines_is_refused(client, network):
    response = client.post(URL, form(network, name="Anu\r\nBcc: x@evil.example"))
    assert "name" in response.context["form"].errors
    assert not Contact.objects.exists()


def test_the_inbox_shows_how_the_family_wants_to_be_contacted(client, network, guidance):
    contact = contact_of(network, contact_by="sms")
    client.force_login(guidance)
    page = client.get(reverse("contact:detail", args=[contact.pk])).content.decode()
    assert "älä soita" in page


def test_a_contact_goes_only_to_a_worker_who_hears_of_it(client, network, guidance):
    contact = contact_of(network)
    client.force_login(guidance)
    # Olli has no email, Leena no login: neither would ever learn of it.
    for name in ("olli", "leena"):
        response = client.post(
            reverse("contact:hand_over", args=[contact.pk]),
            {"professional": network.people[name].pk},
        )
        assert (
            response.status_code == 200 and "professional" in response.context["hand_over"].errors
        )
    assert not Concern.objects.exists()


def test_a_late_handover_promises_no_day_gone_by(client, network, guidance):
    contact = contact_of(network)
    Contact.objects.filter(pk=contact.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    client.force_login(guidance)
    client.post(
        reverse("contact:hand_over", args=[contact.pk]),
        {"professional": network.people["sanna"].pk},
    )
    told = OutboxMessage.objects.get(idempotency_key=f"contact:{contact.pk}:handed")
    assert "pian" in told.body and "viimeistään" not in told.body


@pytest.mark.django_db(transaction=True)
def test_two_contacts_at_once_keep_the_limit(network, settings):
    """On PostgreSQL both requests run at the same moment."""
    from conftest import together
    from yhdessa.families.contacts import TooManyContacts

    settings.CONTACT_RATE_LIMIT = 1

    def send():
        try:
            return contact_of(network, sender="10.7.7.7")
        except TooManyContacts:
            return None

    results = together(send, send)
    assert sum(r is not None for r in results) == 1
    assert Contact.objects.count() == 1
