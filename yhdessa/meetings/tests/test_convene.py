"""Convening a meeting from the family centre team, through the page."""

from datetime import timedelta
from email import message_from_bytes

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conftest import concern_for, next_thursday_at
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.warnings import warning_texts
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import deliver_due


def post_data(network, starts, invitees=("mikko", "leena"), **extra):
    local = timezone.localtime(starts)
    data = {
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "duration_minutes": "90",
        "place": "Päiväkoti Satakieli",
        "invitees": [str(network.people[k].pk) for k in invitees],
    }
    data.update(extra)
    return data


def test_the_page_shows_the_team_and_explains_the_practice(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    page = client.get(reverse("meetings:convene", args=[concern.pk])).content.decode()
    assert "Järvelän perhekeskustiimi" in page
    assert "Tiimi kokoontuu: torstai klo 8.00–10.00<" in page
    assert "Pyydä aika viimeistään edellisen viikon maanantaina." in page
    for member in ("Mikko Harju", "Leena Koivisto", "Antti Rinne", "Riikka Laine"):
        assert member in page
    assert "Ulla Ulkopuoli" not in page  # in the town, but not in the team
    assert "Sanna Lehtola</label>" not in page  # the convener does not invite herself


def test_choosing_expertise_puts_those_who_have_it_first(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    response = client.get(
        reverse("meetings:convene", args=[concern.pk]),
        {"expertise": "family_counselling"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert page.startswith('<div class="people" id="people">')
    assert page.index("Antti Rinne") < page.index("Leena Koivisto")
    assert 'class="person match"' in page.split("Antti Rinne")[0]


def test_it_convenes_and_queues_an_invitation_per_invitee_and_the_family(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    starts = next_thursday_at(8)
    response = client.post(
        reverse("meetings:convene", args=[concern.pk]),
        post_data(network, starts, invitees=("mikko", "leena", "olli")),
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.starts_at == starts and meeting.duration_minutes == 90
    assert meeting.practice_warnings == []
    recipients = sorted(m.recipient for m in OutboxMessage.objects.all())
    # Olli has no email: the practice's phone channel is for him.
    assert recipients == ["leena@test.example", "mikko@test.example", "perhe@koti.example"]
    message = OutboxMessage.objects.get(recipient="mikko@test.example")
    for fact in (
        "Päiväkoti Satakieli",
        "90 min",
        "Leena Koivisto",
        "Olli Puhelin",
        "Sanna Lehtola",
        "klo 8.00–9.30",
    ):
        assert fact in message.body
    assert message.status == "pending"


def test_a_time_outside_the_practice_is_warned_and_needs_confirmation(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    starts = next_thursday_at(13)  # Thursday, but after the 8-10 window
    url = reverse("meetings:convene", args=[concern.pk])
    page = client.post(url, post_data(network, starts)).content.decode()
    assert "Aika ei osu tiimin kokoontumisaikaan (torstai klo 8.00–10.00)." in page
    assert not Meeting.objects.exists() and not OutboxMessage.objects.exists()
    response = client.post(url, post_data(network, starts, acknowledge="on"))
    assert response.status_code == 302
    assert warning_texts(Meeting.objects.get().practice_warnings) == [
        "Aika ei osu tiimin kokoontumisaikaan (torstai klo 8.00–10.00)."
    ]


def test_a_late_request_breaks_the_deadline(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    starts = next_thursday_at(8, weeks=0)
    if starts <= timezone.now():
        starts += timedelta(days=7)
    page = client.post(
        reverse("meetings:convene", args=[concern.pk]), post_data(network, starts)
    ).content.decode()
    assert "pyyntö on myöhässä" in page
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"invitees": []}, "Valitse vähintään yksi kutsuttava asiantuntija."),
        ({"place": "  "}, "Kerro paikka (perheen toive)."),
        ({"date": "2020-01-02"}, "Valitse tuleva ajankohta."),
        ({"time": "25:99"}, "Syötä oikea kellonaika."),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(client, network, change, message):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    data = post_data(network, next_thursday_at(8))
    data.update(change)
    page = client.post(reverse("meetings:convene", args=[concern.pk]), data).content.decode()
    assert message in page
    assert not Meeting.objects.exists() and not OutboxMessage.objects.exists()


def test_someone_outside_the_team_cannot_be_slipped_in(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    data = post_data(network, next_thursday_at(8))
    data["invitees"].append(str(network.people["outsider"].pk))
    client.post(reverse("meetings:convene", args=[concern.pk]), data)
    assert not Meeting.objects.exists()


def test_with_existing_support_the_families_own_network_is_invited(client, network):
    concern = concern_for(network.convener, existing_support=True)
    client.force_login(network.convener)
    url = reverse("meetings:convene", args=[concern.pk])
    page = client.get(url).content.decode()
    assert "Ulla Ulkopuoli" in page and "Kutsukäytäntö" not in page
    client.post(url, post_data(network, next_thursday_at(8), invitees=("outsider",)))
    meeting = Meeting.objects.get()
    assert meeting.team is None
    assert [i.professional.name for i in meeting.invitations.all()] == ["Ulla Ulkopuoli"]


def test_only_the_convener_of_the_concern_may_convene(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.coordinator)
    assert client.get(reverse("meetings:convene", args=[concern.pk])).status_code == 403
    client.force_login(network.convener2)
    assert client.get(reverse("meetings:convene", args=[concern.pk])).status_code == 404


def test_the_invitation_arrives_over_smtp_with_an_icalendar_request(client, network, smtp_server):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    starts = next_thursday_at(8)
    client.post(reverse("meetings:convene", args=[concern.pk]), post_data(network, starts))
    assert deliver_due() == {"sent": 3}
    assert sorted(e.rcpt_tos[0] for e in smtp_server.messages) == [
        "leena@test.example",
        "mikko@test.example",
        "perhe@koti.example",
    ]
    mail = message_from_bytes(
        next(e.content for e in smtp_server.messages if e.rcpt_tos == ["mikko@test.example"])
    )
    parts = {p.get_content_type(): p for p in mail.walk()}
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert parts["text/calendar"].get_filename() == "kutsu.ics"
    calendar = Calendar.from_ical(parts["text/calendar"].get_payload(decode=True))
    event = calendar.walk("VEVENT")[0]
    assert calendar["METHOD"] == "REQUEST"
    assert event.decoded("DTSTART") == starts
    assert event.decoded("DTEND") == starts + timedelta(minutes=90)
    assert str(event["LOCATION"]) == "Päiväkoti Satakieli"
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    assert attendees == ["mailto:leena@test.example", "mailto:mikko@test.example"]
    assert OutboxMessage.objects.filter(status="sent").count() == 3
