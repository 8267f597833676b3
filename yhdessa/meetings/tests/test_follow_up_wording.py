"""A follow-up meeting (seurantatapaaminen) is called one on its pages, in its
messages and in the calendar, and starts with the previous participants ticked."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conftest import meeting_for
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.services import reschedule_meeting
from yhdessa.notify.models import OutboxMessage


def _ticked(response) -> set[str]:
    return {person.name for person, _match, selected in response.context["people"] if selected}


def test_the_follow_up_form_is_titled_and_ticks_the_previous_participants(
    client, network, planned_meeting
):
    client.force_login(network.member)  # Mikko, the lead
    response = client.get(reverse("meetings:convene", args=[planned_meeting.concern_id]))
    page = response.content.decode()
    assert "<h1>Kutsu seurantatapaaminen koolle</h1>" in page
    # Sanna convened the first meeting, Leena attended it; Mikko convenes now.
    assert _ticked(response) == {"Sanna Lehtola", "Leena Koivisto"}


def test_someone_absent_last_time_is_not_ticked(client, network):
    first = meeting_for(network, invitees=("mikko", "leena", "antti"))
    Meeting.objects.filter(pk=first.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    client.force_login(network.convener)
    client.post(
        reverse("meetings:held", args=[first.pk]),
        {"attendees": [str(network.people["mikko"].pk)], "family_present": "on"},
    )
    response = client.get(reverse("meetings:convene", args=[first.concern_id]))
    assert _ticked(response) == {"Mikko Harju"}


def test_a_first_meeting_is_not_a_follow_up(client, network):
    meeting = meeting_for(network)
    client.force_login(network.convener)
    response = client.get(reverse("meetings:convene", args=[meeting.concern_id]))
    assert "<h1>Kutsu Yhdessä aika koolle</h1>" in response.content.decode()
    assert _ticked(response) == set()
    second = meeting_for(network, concern=meeting.concern)
    assert second.follows is None  # the first has not been held
    subject = OutboxMessage.objects.filter(meeting=second).first().subject
    assert subject.startswith("Kutsu: Yhdessä aika ")


def test_the_follow_up_is_one_on_its_page_in_its_messages_and_calendar(
    client, network, planned_meeting
):
    follow_up = meeting_for(network, concern=planned_meeting.concern, invitees=("leena",))
    assert follow_up.follows == planned_meeting
    client.force_login(network.convener)
    page = client.get(reverse("meetings:detail", args=[follow_up.pk])).content.decode()
    assert "<h1>Yhdessä ajan seurantatapaaminen " in page
    assert "Seuranta Yhdessä ajalle" in page

    to_leena = OutboxMessage.objects.get(meeting=follow_up, recipient="leena@test.example")
    assert to_leena.subject.startswith("Kutsu: Yhdessä ajan seurantatapaaminen ")
    assert "kutsuu sinut perheen seurantatapaamiseen" in to_leena.body
    event = Calendar.from_ical(to_leena.attachment).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Yhdessä ajan seurantatapaaminen"
    to_family = OutboxMessage.objects.get(meeting=follow_up, to_family=True)
    assert "Tervetuloa seurantatapaamiseen!" in to_family.body

    reschedule_meeting(
        actor=network.convener,
        meeting=follow_up,
        starts_at=follow_up.starts_at + timedelta(days=7),
        duration_minutes=90,
        place="Perheen koti",
        confirm_double_booking=True,
    )
    moved = OutboxMessage.objects.get(
        meeting=follow_up, kind="update", recipient="leena@test.example"
    )
    assert moved.subject.startswith("Muuttunut aika: Yhdessä ajan seurantatapaaminen ")
    assert "on muuttanut seurantatapaamisen aikaa" in moved.body
