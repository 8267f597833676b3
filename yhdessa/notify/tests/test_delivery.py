"""Outbox delivery: over real SMTP, retried with back-off, never lost."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import meeting_for
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import backoff, deliver


@pytest.mark.django_db(transaction=True)
def test_the_request_only_writes_the_outbox_and_the_worker_delivers(network, smtp_server):
    """The real worker command, on committed rows as in production."""
    meeting_for(network)
    # Convening wrote messages and their tasks, but talked to no mail server.
    assert smtp_server.messages == []
    assert DBTaskResult.objects.count() == OutboxMessage.objects.count() == 3
    call_command(
        "worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0
    )
    assert len(smtp_server.messages) == 3
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_failed_delivery_is_retried_with_doubling_back_off(network, dead_smtp, settings):
    settings.OUTBOX_FIRST_RETRY_SECONDS = 60
    meeting_for(network, invitees=("mikko",))
    message = OutboxMessage.objects.get(professional__isnull=False)
    now = timezone.now()
    assert deliver(message.pk, now=now) == "retry"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.leased_until) == ("pending", 1, None)
    assert message.next_attempt_at == now + timedelta(seconds=60)
    assert "ConnectionRefusedError" in message.last_error
    # Not due yet: nothing happens.
    assert deliver(message.pk, now=now + timedelta(seconds=30)) == "skipped"
    assert deliver(message.pk, now=now + timedelta(seconds=61)) == "retry"
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == now + timedelta(seconds=61 + 120)
    # The retry is queued for the worker to run after the back-off.
    deferred = DBTaskResult.objects.filter(
        run_after__gt=now + timedelta(seconds=59), run_after__lt=now + timedelta(days=1)
    )
    assert sorted(deferred.values_list("run_after", flat=True)) == [
        now + timedelta(seconds=60),
        now + timedelta(seconds=61 + 120),
    ]


def test_after_the_last_attempt_the_message_is_failed_and_visible(
    client, network, dead_smtp, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    meeting = meeting_for(network, invitees=("mikko",))
    message = OutboxMessage.objects.get(professional__isnull=False)
    later = timezone.now()
    for _ in range(2):
        deliver(message.pk, now=later)
        later += timedelta(days=1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 2)
    client.force_login(network.convener)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "lähetys epäonnistui" in page
    detail = client.get(reverse("notify:detail", args=[message.pk])).content.decode()
    assert "Lähetä uudelleen" in detail


def test_the_convener_can_send_a_failed_message_again(client, network, settings, smtp_server):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    meeting_for(network, invitees=("mikko",))
    message = OutboxMessage.objects.get(professional__isnull=False)
    live_port, settings.EMAIL_PORT = settings.EMAIL_PORT, 1  # the mail server is down
    deliver(message.pk)
    message.refresh_from_db()
    assert message.status == "failed"
    client.force_login(network.member)  # invited, but not the convener
    client.post(reverse("notify:retry", args=[message.pk]))
    message.refresh_from_db()
    assert message.status == "failed"
    client.force_login(network.convener)
    client.post(reverse("notify:retry", args=[message.pk]))
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
    settings.EMAIL_PORT = live_port  # the server is back
    assert deliver(message.pk) == "sent"
    assert [e.rcpt_tos for e in smtp_server.messages] == [["mikko@test.example"]]


def test_backoff_doubles_and_is_capped(settings):
    settings.OUTBOX_FIRST_RETRY_SECONDS = 60
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert backoff(30) == timedelta(hours=6)


def test_the_message_list_shows_only_what_the_user_may_see(client, network):
    meeting_for(network)
    client.force_login(network.convener2)
    page = client.get(reverse("notify:list")).content.decode()
    assert "Ei viestejä." in page
    message = OutboxMessage.objects.first()
    assert client.get(reverse("notify:detail", args=[message.pk])).status_code == 404
