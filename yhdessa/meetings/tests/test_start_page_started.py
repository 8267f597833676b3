"""The start page offers only the convener the room page of a started
meeting (where attendance records it): an invitee cannot, so they are told
the convener will."""

from django.urls import reverse

from yhdessa.meetings.tests.test_record_meeting import started_meeting


def test_the_convener_is_offered_the_room_of_a_started_meeting(client, network):
    meeting = started_meeting(network)
    client.force_login(network.convener)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("meetings:room", args=[meeting.pk])}">avaa tapaamisnäkymä' in home


def test_an_invitee_is_told_the_convener_records_it(client, network):
    started_meeting(network)
    client.force_login(network.member)  # Mikko Harju, invited
    home = client.get(reverse("home")).content.decode()
    assert "avaa tapaamisnäkymä" not in home
    assert "Alkanut – koollekutsuja kirjaa tapaamisen pidetyksi" in home
