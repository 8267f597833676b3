"""The page of messages that could not be delivered, with the reasons."""

from django.urls import reverse

from conftest import concern_for, meeting_for, next_thursday_at
from yhdessa.meetings.services import convene_meeting
from yhdessa.notify.models import OutboxMessage

URL = reverse("ops:failed_messages")


def _fail(message: OutboxMessage, *, gave_up: bool, error: str) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="failed" if gave_up else "pending",
        attempts=8 if gave_up else 2,
        last_error=error,
    )


def _failures(network):
    """A meeting in each municipality, each with one message given up and one
    waiting for a retry; the other messages are fine."""
    here = meeting_for(network)
    there = convene_meeting(
        actor=network.convener2,
        concern=concern_for(network.convener2),
        starts_at=next_thursday_at(),
        duration_minutes=60,
        place="Neuvola",
        invitee_ids=[network.people["jari"].pk],
        confirm_double_booking=True,
    )
    for meeting, where in ((here, "here"), (there, "there")):
        first, second = OutboxMessage.objects.filter(meeting=meeting).order_by("pk")[:2]
        _fail(first, gave_up=True, error=f"SMTPRecipientsRefused: 550 {where}")
        _fail(second, gave_up=False, error=f"ConnectionRefusedError: {where}")
    return here, there


def test_the_system_administrator_sees_every_failure_with_its_reason(
    client, network, django_assert_num_queries
):
    _failures(network)
    client.force_login(network.admin)
    # Session, user, its professional (left?), its authenticator app (second
    # factor?); the count, the page with its professionals.
    with django_assert_num_queries(6):
        page = client.get(URL).content.decode()
    for reason in (
        "SMTPRecipientsRefused: 550 here",
        "ConnectionRefusedError: here",
        "SMTPRecipientsRefused: 550 there",
        "ConnectionRefusedError: there",
    ):
        assert reason in page
    assert page.count('class="status pending"') == 2
    assert page.count('class="status failed"') == 2
    # Whom and why, never which family.
    assert "Perhe K" not in page


def test_a_coordinator_sees_only_their_municipalitys(client, network):
    here, _there = _failures(network)
    client.force_login(network.coordinator)
    page = client.get(URL).content.decode()
    assert "SMTPRecipientsRefused: 550 here" in page and "ConnectionRefusedError: here" in page
    assert "there" not in page
    message = OutboxMessage.objects.filter(meeting=here, status="failed").get()
    assert reverse("notify:detail", args=[message.pk]) in page


def test_sent_and_replaced_messages_are_not_listed(client, network):
    meeting = meeting_for(network)
    OutboxMessage.objects.filter(meeting=meeting).update(status="sent", last_error="old")
    client.force_login(network.admin)
    assert "Ei epäonnistuneita viestejä." in client.get(URL).content.decode()


def test_professionals_are_refused(client, network):
    _failures(network)
    for user in (network.convener, network.member):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_messages_page_links_to_failures_for_those_who_may_see_them(client, network):
    failures = reverse("ops:failed_messages")
    client.force_login(network.coordinator)
    assert failures in client.get(reverse("notify:list")).content.decode()
    client.force_login(network.convener)
    assert failures not in client.get(reverse("notify:list")).content.decode()
