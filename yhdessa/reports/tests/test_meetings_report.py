"""Meetings held per municipality per period."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from conftest import concern_for, meeting_for, next_thursday_at
from yhdessa.meetings.services import convene_meeting, record_meeting_held


def held_in(network, user, starts, invitee):
    concern = concern_for(user)
    meeting = convene_meeting(
        actor=user,
        concern=concern,
        starts_at=starts,
        duration_minutes=60,
        place="x",
        invitee_ids=[invitee.pk],
        now=starts - timedelta(days=20),
    )
    record_meeting_held(
        actor=user,
        meeting=meeting,
        attendee_ids=[],
        family_present=True,
        now=starts + timedelta(hours=1),
    )


def test_the_coordinator_counts_held_meetings_of_the_period(client, network):
    last_week = next_thursday_at(weeks=-2)
    held_in(network, network.convener, last_week, network.people["mikko"])
    held_in(network, network.convener, last_week - timedelta(days=60), network.people["mikko"])
    held_in(network, network.convener2, last_week, network.people["jari"])
    meeting_for(network)  # scheduled, not held: not counted
    client.force_login(network.coordinator)
    start = (last_week - timedelta(days=7)).date()
    page = client.get(
        reverse("reports:meetings"),
        {"start": start.isoformat(), "end": timezone.localdate().isoformat()},
    )
    rows = page.context["rows"]
    assert rows == [{"municipality": "Järvelä", "held": 1, "follow_ups": 0}]  # not Koivuranta's
    csv = client.get(
        reverse("reports:meetings"),
        {"start": start.isoformat(), "end": timezone.localdate().isoformat(), "format": "csv"},
    )
    assert csv["Content-Type"].startswith("text/csv")
    assert "Järvelä,1" in csv.content.decode()


def test_a_backwards_period_is_explained(client, network):
    client.force_login(network.coordinator)
    page = client.get(reverse("reports:meetings"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert "Alkupäivän pitää olla ennen loppupäivää." in page.content.decode()


def test_a_follow_up_counts_as_a_follow_up_not_a_new_yhdessa_aika(client, network):
    from datetime import timedelta

    from django.utils import timezone

    from conftest import meeting_for, next_thursday_at
    from yhdessa.meetings.models import Meeting
    from yhdessa.meetings.services import record_meeting_held

    first = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-3))
    follow = meeting_for(network, concern=first.concern)
    assert follow.follows_id == first.pk
    Meeting.objects.filter(pk=follow.pk).update(starts_at=first.starts_at + timedelta(days=7))
    record_meeting_held(
        actor=network.convener,
        meeting=Meeting.objects.get(pk=follow.pk),
        attendee_ids=[],
        family_present=True,
    )
    client.force_login(network.coordinator)
    day = timezone.localdate()
    response = client.get(
        "/reports/meetings/",
        {"start": (day - timedelta(days=60)).isoformat(), "end": day.isoformat()},
    )
    row = next(r for r in response.context["rows"] if r["municipality"] == "Järvelä")
    assert (row["held"], row["follow_ups"]) == (1, 1)
    csv_text = client.get(
        "/reports/meetings/",
        {"start": (day - timedelta(days=60)).isoformat(), "end": day.isoformat(), "format": "csv"},
    ).content.decode()
    assert "Järvelä,1,1," in csv_text
