"""Recording the meeting: attendance (the family always present) and star notes."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from conftest import concern_for, meeting_for, next_thursday_at
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.services import convene_meeting


def started_meeting(network):
    """A meeting convened two weeks before it began last Thursday."""
    starts = next_thursday_at(8, weeks=-1)
    return convene_meeting(
        actor=network.convener,
        concern=concern_for(network.convener),
        starts_at=starts,
        duration_minutes=90,
        place="Perheen koti",
        invitee_ids=[network.people["mikko"].pk, network.people["leena"].pk],
        now=starts - timedelta(days=14),
    )


def test_it_records_who_attended(client, network):
    meeting = started_meeting(network)
    client.force_login(network.convener)
    response = client.post(
        reverse("meetings:held", args=[meeting.pk]),
        {"attendees": [str(network.people["mikko"].pk)], "family_present": "on"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.family_present is True
    statuses = {i.professional.name: i.status for i in meeting.invitations.all()}
    assert statuses == {"Mikko Harju": "attended", "Leena Koivisto": "absent"}


def test_without_the_family_the_meeting_is_not_held(client, network):
    meeting = started_meeting(network)
    client.force_login(network.convener)
    page = client.post(
        reverse("meetings:held", args=[meeting.pk]),
        {"attendees": [str(network.people["mikko"].pk)]},
    ).content.decode()
    assert "Yhdessä aika pidetään aina perheen kanssa" in page
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    assert set(meeting.invitations.values_list("status", flat=True)) == {"invited"}


def test_a_meeting_that_has_not_started_cannot_be_recorded(client, network):
    meeting = meeting_for(network)
    client.force_login(network.convener)
    page = client.post(
        reverse("meetings:held", args=[meeting.pk]), {"family_present": "on"}
    ).content.decode()
    assert "vasta alettuaan" in page
    assert Meeting.objects.get().status == "scheduled"


def test_only_the_convener_records(client, network):
    meeting = started_meeting(network)
    client.force_login(network.member)  # invited
    assert client.get(reverse("meetings:held", args=[meeting.pk])).status_code == 403
    client.force_login(network.convener2)
    assert (
        client.post(
            reverse("meetings:held", args=[meeting.pk]), {"family_present": "on"}
        ).status_code
        == 404
    )
    assert Meeting.objects.get().status == "scheduled"


def test_star_notes_are_saved_per_area(client, network, held_meeting):
    client.force_login(network.convener)
    url = reverse("meetings:star", args=[held_meeting.pk])
    page = client.get(url).content.decode()
    assert "Lapsen terveys, kasvu ja kehitys" in page
    assert "Sosiaalinen hyvinvointi: perhe ja ympäristötekijät" in page
    client.post(url, {"strengths_1": "Leikkii mielellään", "concerns_3": "Väsymys"})
    notes = {n.area.number: (n.strengths, n.concerns) for n in held_meeting.star_notes.all()}
    assert notes == {1: ("Leikkii mielellään", ""), 3: ("", "Väsymys")}
    detail = client.get(reverse("meetings:detail", args=[held_meeting.pk])).content.decode()
    assert "Leikkii mielellään" in detail


def test_star_notes_refuse_identity_codes(client, network, held_meeting):
    client.force_login(network.convener)
    page = client.post(
        reverse("meetings:star", args=[held_meeting.pk]), {"concerns_2": "hetu 131052-308T"}
    ).content.decode()
    assert "henkilötunnuksen" in page
    assert not held_meeting.star_notes.exists()


def test_the_invited_member_sees_the_meeting_and_the_start_page_tells_the_time(client, network):
    meeting = meeting_for(network)
    client.force_login(network.member)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "kutsuttu asiantuntija" in page
    home = client.get(reverse("home")).content.decode()
    assert timezone.localtime(meeting.starts_at).strftime("%-d.%-m.%Y") in home
