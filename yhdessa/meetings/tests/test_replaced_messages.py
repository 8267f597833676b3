"""After a move, the invitations of the old time are marked replaced, those
already sent too, and the message pages say what replaced them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import meeting_for
from yhdessa.meetings.services import cancel_meeting, reschedule_meeting
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import deliver_due

Status = OutboxMessage.Status


def _move(network, meeting, days=7):
    return reschedule_meeting(
        actor=network.convener,
        meeting=meeting,
        starts_at=meeting.starts_at + timedelta(days=days),
        duration_minutes=90,
        place="Päiväkoti Satakieli",
        confirm_double_booking=True,
    )


def test_sent_invitations_of_the_old_time_are_replaced(network, smtp_server):
    meeting = meeting_for(network)
    deliver_due()
    first = list(OutboxMessage.objects.filter(meeting=meeting))
    assert {m.status for m in first} == {Status.SENT} and len(first) == 3
    _move(network, meeting)
    old = OutboxMessage.objects.filter(pk__in=[m.pk for m in first])
    assert {m.status for m in old} == {Status.REPLACED}
    assert all(m.sent_at for m in old)  # it was sent, and says so
    new = OutboxMessage.objects.filter(meeting=meeting).exclude(pk__in=[m.pk for m in first])
    assert {(m.kind, m.status) for m in new} == {("update", Status.PENDING)}
    assert new.count() == 3


def test_a_cancellation_replaces_them_too(network, smtp_server):
    meeting = meeting_for(network)
    deliver_due()
    cancel_meeting(actor=network.convener, meeting=meeting)
    statuses = dict(OutboxMessage.objects.filter(meeting=meeting).values_list("kind", "status"))
    assert statuses == {"invitation": Status.REPLACED, "cancellation": Status.PENDING}


def test_only_whom_a_newer_message_reaches_has_theirs_replaced(network, smtp_server):
    meeting = meeting_for(network)
    deliver_due()
    family = OutboxMessage.objects.get(meeting=meeting, to_family=True)
    # The family's address was removed: the family gets no new time, so the
    # invitation it has is not marked replaced by anything.
    meeting.concern.family.__class__.objects.filter(pk=meeting.concern.family_id).update(email="")
    _move(network, meeting)
    family.refresh_from_db()
    assert family.status == Status.SENT


def test_the_message_pages_show_what_replaced_it(client, network, smtp_server):
    meeting = meeting_for(network)
    deliver_due()
    old = OutboxMessage.objects.get(meeting=meeting, recipient="mikko@test.example")
    _move(network, meeting)
    _move(network, meeting.__class__.objects.get(pk=meeting.pk))  # moved twice
    current = OutboxMessage.objects.filter(meeting=meeting, recipient="mikko@test.example").latest(
        "pk"
    )
    assert current.status == Status.PENDING
    client.force_login(network.convener)
    listing = client.get(reverse("notify:list")).content.decode()
    detail_url = reverse("notify:detail", args=[current.pk])
    assert f'Korvattu viestillä: <a href="{detail_url}">{current.subject}</a>' in listing
    detail = client.get(reverse("notify:detail", args=[old.pk])).content.decode()
    assert "korvattu uudemmalla viestillä" in detail and "lähetetty" in detail
    assert f'<a href="{detail_url}">{current.subject}</a>' in detail
    assert "Muuttunut aika:" in current.subject


@pytest.mark.parametrize("moves", [1, 4])
def test_the_list_reads_the_replacements_in_one_query(client, network, moves):
    meetings = [meeting_for(network) for _ in range(moves)]
    for meeting in meetings:
        _move(network, meeting)
    client.force_login(network.convener)
    with CaptureQueriesContext(connection) as context:
        page = client.get(reverse("notify:list"))
    assert page.status_code == 200
    assert page.content.decode().count("Korvattu viestillä:") == 3 * moves
    replacements = [q for q in context.captured_queries if "NOT (" in q["sql"]]
    assert len(replacements) == 1


def test_the_message_list_query_count(client, network, django_assert_num_queries):
    for _ in range(3):
        _move(network, meeting_for(network))
    client.force_login(network.convener)
    # session, user, professional (access), the user's OTP devices (the page's
    # two-step notice), count for the pager, the page of messages with
    # meeting/family/professional, the invitations of their meetings
    # (prefetch), the replacing messages, and the access log's bulk insert.
    with django_assert_num_queries(9):
        client.get(reverse("notify:list"))
