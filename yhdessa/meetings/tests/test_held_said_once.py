"""Recording a meeting without the family: the error explains it once; the
standing help line, which says less, steps aside."""

from django.urls import reverse

from yhdessa.meetings.tests.test_record_meeting import started_meeting

HELP = "Yhdessä aika pidetään aina perheen kanssa.</p>"


def test_the_help_line_shows_until_the_family_is_left_unticked(client, network):
    meeting = started_meeting(network)
    client.force_login(network.convener)
    url = reverse("meetings:held", args=[meeting.pk])
    assert HELP in client.get(url).content.decode()
    page = client.post(url, {"attendees": [str(network.people["mikko"].pk)]}).content.decode()
    assert "Jos perhe ei päässyt paikalle" in page
    assert HELP not in page
