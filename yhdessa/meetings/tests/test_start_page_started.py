"""The start page asks only the convener to record a started meeting: an
invitee cannot, so they are told the convener will."""

from django.urls import reverse

from yhdessa.meetings.tests.test_record_meeting import started_meeting


def test_the_convener_is_asked_to_record_a_started_meeting(client, network):
    started_meeting(network)
    client.force_login(network.convener)
    home = client.get(reverse("home")).content.decode()
    assert "Alkanut – kirjaa tapaaminen pidetyksi" in home


def test_an_invitee_is_told_the_convener_records_it(client, network):
    started_meeting(network)
    client.force_login(network.member)  # Mikko Harju, invited
    home = client.get(reverse("home")).content.decode()
    assert "Alkanut – kirjaa tapaaminen pidetyksi" not in home
    assert "Alkanut – koollekutsuja kirjaa tapaamisen pidetyksi" in home
