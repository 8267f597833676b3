"""Moving and cancelling a meeting: everyone's calendar follows."""

from datetime import timedelta
from email import message_from_bytes

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conftest import meeting_for, next_thursday_at
from yhdessa.api.auth import issue_token
from yhdessa.meetings.models import Meeting
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import deliver_due


def calendar_of(message: OutboxMessage):
    return Calendar.from_ical(message.attachment)


def test_moving_sends_an_updated_invitation_with_a_higher_sequence(client, network, smtp_server):
    meeting = meeting_for(network)
    deliver_due()
    client.force_login(network.convener)
    new = timezone.localtime(next_thursday_at(9, weeks=4))
    response = client.post(
        reverse("meetings:reschedule", args=[meeting.pk]),
        {
            "date": new.date().isoformat(),
            "time": "09:00",
            "duration_minutes": "60",
            "place": "Perheen koti",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.place, meeting.sequence) == (new, "Perheen koti", 1)
    updates = OutboxMessage.objects.filter(kind="update")
    assert sorted(m.recipient for m in updates) == [
        "leena@test.example",
        "mikko@test.example",
        "perhe@koti.example",
    ]
    event = calendar_of(updates.first()).walk("VEVENT")[0]
    assert (event["UID"], event["SEQUENCE"]) == (meeting.ics_uid, 1)
    assert event.decoded("DTSTART") == new
    assert "Muuttunut aika" in updates.first().subject
    deliver_due()
    assert len(smtp_server.messages) == 6


def test_cancelling_withdraws_everyones_calendar_entry(client, network, smtp_server):
    meeting = meeting_for(network)
    client.force_login(network.convener)
    client.post(
        reverse("meetings:cancel", args=[meeting.pk]), {"note": "Uusi aika sovitaan puhelimessa."}
    )
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.sequence == 1
    cancellations = OutboxMessage.objects.filter(kind="cancellation")
    assert cancellations.count() == 3
    family = cancellations.get(to_family=True)
    assert "Uusi aika sovitaan puhelimessa." in family.body
    assert calendar_of(family)["METHOD"] == "CANCEL"
    deliver_due()
    mail = message_from_bytes(
        next(
            e.content
            for e in smtp_server.messages
            if e.rcpt_tos == ["mikko@test.example"] and b"CANCEL" in e.content
        )
    )
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "CANCEL"
    # The concern waits for a new meeting on the convener's start page.
    home = client.get(reverse("home")).content.decode()
    assert "Huolet, joille ei ole vielä kutsuttu Yhdessä aikaa" in home


def test_only_the_convener_and_only_a_scheduled_meeting(client, network, held_meeting):
    client.force_login(network.member)
    meeting = meeting_for(network)
    assert client.post(reverse("meetings:cancel", args=[meeting.pk])).status_code == 403
    client.force_login(network.convener)
    # A held meeting offers no form the service would refuse: its page says why.
    for view in ("meetings:cancel", "meetings:reschedule"):
        for send in (client.get, client.post):
            page = send(reverse(view, args=[held_meeting.pk]), follow=True)
            assert page.redirect_chain == [
                (reverse("meetings:detail", args=[held_meeting.pk]), 302)
            ]
            assert "Tapaaminen on jo pidetty" in page.content.decode()
    assert Meeting.objects.get(pk=held_meeting.pk).status == "held"


def test_a_past_time_or_an_identity_code_changes_nothing(client, network):
    meeting = meeting_for(network)
    client.force_login(network.convener)
    page = client.post(
        reverse("meetings:reschedule", args=[meeting.pk]),
        {"date": "2020-01-01", "time": "09:00", "duration_minutes": "60", "place": "x"},
    )
    assert "Valitse tuleva ajankohta." in page.content.decode()
    client.post(reverse("meetings:cancel", args=[meeting.pk]), {"note": "hetu 010203A987J"})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("scheduled", 0)
    assert not OutboxMessage.objects.exclude(kind="invitation").exists()


def test_the_api_moves_and_cancels(client, network):
    meeting = meeting_for(network)
    headers = {"Authorization": f"Bearer {issue_token(network.convener)}"}
    new = timezone.localtime(next_thursday_at(8, weeks=5))
    moved = client.post(
        f"/api/v1/meetings/{meeting.pk}/reschedule",
        {"starts_at": new.isoformat(), "duration_minutes": 60, "place": "Neuvola"},
        content_type="application/json",
        headers=headers,
    )
    assert moved.status_code == 200 and moved.json()["starts_at"] == new.isoformat()
    cancelled = client.post(
        f"/api/v1/meetings/{meeting.pk}/cancel",
        {},
        content_type="application/json",
        headers=headers,
    )
    assert cancelled.json()["status"] == "cancelled"
    again = client.post(
        f"/api/v1/meetings/{meeting.pk}/cancel",
        {},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 409 and again.json()["detail"]
    other = {"Authorization": f"Bearer {issue_token(network.convener2)}"}
    assert (
        client.post(
            f"/api/v1/meetings/{meeting.pk}/cancel",
            {},
            content_type="application/json",
            headers=other,
        ).status_code
        == 404
    )


def test_the_invited_member_sees_the_update_in_time(network):
    meeting = meeting_for(network)
    from yhdessa.meetings.services import reschedule_meeting

    reschedule_meeting(
        actor=network.convener,
        meeting=meeting,
        starts_at=meeting.starts_at + timedelta(days=7),
        duration_minutes=90,
        place="Uusi paikka",
    )
    body = OutboxMessage.objects.get(kind="update", recipient="mikko@test.example").body
    assert "muuttanut Yhdessä ajan aikaa tai paikkaa" in body and "Uusi paikka" in body
