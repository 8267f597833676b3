"""Two people at once: state changes sent together, and the same form twice.

On PostgreSQL the pairs really run at the same moment (threads released by a
barrier, each with its own connection; the first holder of the row lock
sleeps inside its transaction so that the other one has to wait). SQLite's
in-memory test database cannot take two writers, so there the pair runs one
after the other from the same page state; the rule checked is the same: one
wins, the other gets 409 and changes nothing.
"""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conftest import concern_for, meeting_for, next_thursday_at, together
from yhdessa.api.auth import issue_token
from yhdessa.families.models import Concern, Family
from yhdessa.meetings import services
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.warnings import warning_texts
from yhdessa.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_messages(monkeypatch):
    """Hold the lock a moment longer, so that a race would show if the rows
    were not locked."""
    original = services.queue_meeting_messages

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "queue_meeting_messages", slow)


def api(user):
    client = Client()
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    return client, headers


def post_json(client, headers, url, body):
    return lambda: client.post(url, body, content_type="application/json", headers=headers)


def new_time(weeks=5):
    return timezone.localtime(next_thursday_at(8, weeks=weeks)).isoformat()


def sequences(meeting, kind=None):
    """Each calendar message's METHOD and SEQUENCE."""
    found = []
    for message in OutboxMessage.objects.filter(meeting=meeting).order_by("pk"):
        if kind and message.kind != kind or not message.attachment:
            continue
        event = Calendar.from_ical(message.attachment).walk("VEVENT")[0]
        found.append((Calendar.from_ical(message.attachment)["METHOD"], int(event["SEQUENCE"])))
    return found


def test_cancel_and_reschedule_at_once_one_wins(network, slow_messages):
    meeting = meeting_for(network)
    client, headers = api(network.convener)
    url = f"/api/v1/meetings/{meeting.pk}"
    cancel, move = together(
        post_json(client, headers, f"{url}/cancel", {"note": "", "sequence": 0}),
        post_json(
            Client(),
            {"Authorization": headers["Authorization"]},
            f"{url}/reschedule",
            {"starts_at": new_time(), "duration_minutes": 60, "place": "Koti", "sequence": 0},
        ),
    )
    assert sorted([cancel.status_code, move.status_code]) == [200, 409], (cancel, move)
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    winner = cancel if cancel.status_code == 200 else move
    assert winner.json()["sequence"] == 1
    loser = (move if winner is cancel else cancel).json()["detail"]
    assert "muutettu sillä välin" in loser or "(tila: peruttu)" in loser
    # Every calendar got one change, all with the one new SEQUENCE.
    changed = [s for s in sequences(meeting) if s[1] > 0]
    assert len({s for s in changed}) == 1 and changed[0][1] == 1


def test_two_reschedules_at_once_give_one_update(network, slow_messages):
    meeting = meeting_for(network)
    auth = {"Authorization": f"Bearer {issue_token(network.convener)}"}
    url = f"/api/v1/meetings/{meeting.pk}/reschedule"
    first, second = together(
        post_json(Client(), auth, url, {**_move(5), "sequence": 0}),
        post_json(Client(), auth, url, {**_move(6), "sequence": 0}),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    updates = OutboxMessage.objects.filter(meeting=meeting, kind=OutboxMessage.Kind.UPDATE)
    # One update per recipient (two invitees and the family), not two.
    assert updates.count() == 3
    assert {s for s in sequences(meeting, OutboxMessage.Kind.UPDATE)} == {("REQUEST", 1)}


def test_two_cancels_at_once_send_each_cancellation_once(network, slow_messages):
    meeting = meeting_for(network)
    auth = {"Authorization": f"Bearer {issue_token(network.convener)}"}
    url = f"/api/v1/meetings/{meeting.pk}/cancel"
    first, second = together(
        post_json(Client(), auth, url, {"note": ""}),
        post_json(Client(), auth, url, {"note": ""}),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    cancellations = OutboxMessage.objects.filter(
        meeting=meeting, kind=OutboxMessage.Kind.CANCELLATION
    )
    assert cancellations.count() == 3


def test_the_pages_refuse_a_change_made_meanwhile(client, network):
    """Two tabs: the meeting was moved in one; cancelling in the other is refused."""
    meeting = meeting_for(network)
    client.force_login(network.convener)
    seen = meeting.sequence
    moved = client.post(
        reverse("meetings:reschedule", args=[meeting.pk]),
        {**_form_move(5), "sequence": seen},
    )
    assert moved.status_code == 302
    page = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"sequence": seen})
    assert page.status_code == 200
    assert "muutettu sillä välin" in page.content.decode()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("scheduled", 1)


def test_back_and_save_again_records_one_family(client, network):
    client.force_login(network.convener)
    form = {
        "alias": "Perhe T",
        "children_birth_years": str(timezone.localdate().year - 3),
        "language": "fi",
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "Unirytmi.",
        "consent": "on",
        "once": "token-from-the-page",
    }
    url = reverse("families:create")
    first = client.post(url, form)
    again = client.post(url, form)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Family.objects.filter(alias="Perhe T").count() == 1
    assert "Lomake oli jo lähetetty" in client.get(again["Location"]).content.decode()


def test_a_double_click_at_the_same_moment_records_one_family(network):
    form = {
        "alias": "Perhe D",
        "children_birth_years": str(timezone.localdate().year - 3),
        "language": "fi",
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "Unirytmi.",
        "consent": "on",
        "once": "double-click",
    }
    url = reverse("families:create")
    responses = together(*[lambda: _as(network.convener).post(url, form)] * 2)
    assert [r.status_code for r in responses] == [302, 302]
    assert Family.objects.filter(alias="Perhe D").count() == 1
    assert Concern.objects.filter(family__alias="Perhe D").count() == 1


def test_ten_parallel_bookings_of_the_same_people_make_one_meeting(network, slow_messages):
    concerns = [concern_for(network.convener, alias=f"Perhe {i}") for i in range(10)]
    auth = {"Authorization": f"Bearer {issue_token(network.convener)}"}
    body = {
        "starts_at": new_time(4),
        "duration_minutes": 90,
        "place": "Perhekeskus",
        "invitees": [network.people["mikko"].pk, network.people["leena"].pk],
    }
    responses = together(
        *[
            post_json(Client(), auth, "/api/v1/meetings", {**body, "concern": c.pk})
            for c in concerns
        ]
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 9, codes
    assert Meeting.objects.count() == 1
    refused = next(r for r in responses if r.status_code == 409).json()
    assert any("Mikko Harju on jo varattu" in w for w in refused["warnings"])


def test_booking_over_a_meeting_is_warned_and_can_be_confirmed(client, network):
    first = meeting_for(network, starts_at=next_thursday_at(8, weeks=4))
    concern = concern_for(network.convener, alias="Perhe B")
    client.force_login(network.convener)
    when = timezone.localtime(first.starts_at + timedelta(minutes=30))
    form = {
        "date": when.date().isoformat(),
        "time": when.strftime("%H:%M"),
        "duration_minutes": "60",
        "place": "Perhekeskus",
        "invitees": [str(network.people["leena"].pk)],
        "once": "booking-1",
    }
    url = reverse("meetings:convene", args=[concern.pk])
    page = client.post(url, form)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Päällekkäinen varaus" in text and "Leena Koivisto on jo varattu" in text
    assert Meeting.objects.filter(concern=concern).count() == 0
    confirmed = client.post(url, {**form, "confirm_booking": "on"})
    assert confirmed.status_code == 302
    meeting = Meeting.objects.get(concern=concern)
    assert any(
        "Leena Koivisto on jo varattu" in w for w in warning_texts(meeting.practice_warnings)
    )


def test_a_slot_shown_as_free_has_nobody_booked(client, network):
    client.force_login(network.convener)
    concern = concern_for(network.convener, alias="Perhe S")
    url = reverse("meetings:convene", args=[concern.pk])
    slots = client.get(url).context["slots"]
    assert slots
    taken = slots[0]
    meeting_for(network, starts_at=taken, invitees=("antti",))
    after = client.get(url).context["slots"]
    assert taken not in after and after
    for slot in after:
        assert not Meeting.objects.filter(starts_at=slot, status="scheduled").exists()


def _as(user):
    client = Client()
    client.force_login(user)
    return client


def _move(weeks):
    return {"starts_at": new_time(weeks), "duration_minutes": 60, "place": "Koti"}


def _form_move(weeks):
    when = timezone.localtime(next_thursday_at(9, weeks=weeks))
    return {
        "date": when.date().isoformat(),
        "time": "09:00",
        "duration_minutes": "60",
        "place": "Perheen koti",
    }
