"""A practice's channels are true: email sends email, SMS sends SMS, and
"by phone" lists whom the convener calls, with a tick for each call."""

from django.urls import reverse

from conftest import meeting_for
from yhdessa.notify.models import OutboxMessage


def professional_messages(meeting):
    return sorted(
        OutboxMessage.objects.filter(meeting=meeting, to_family=False).values_list(
            "professional__name", "channel"
        )
    )


def test_email_only_practice_sends_email_and_lists_who_no_message_reaches(client, network):
    network.practice.by_phone = False
    network.practice.save()
    meeting = meeting_for(network, invitees=("mikko", "olli"))  # Olli has no email
    assert professional_messages(meeting) == [("Mikko Harju", "email")]
    client.force_login(network.convener)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert [i.professional.name for i in page.context["to_call"]] == ["Olli Puhelin"]


def test_an_sms_practice_sends_each_invitee_an_sms(network):
    network.practice.by_sms, network.practice.by_email = True, False
    network.practice.save()
    meeting = meeting_for(network, invitees=("mikko", "olli"))
    assert professional_messages(meeting) == [("Mikko Harju", "sms"), ("Olli Puhelin", "sms")]
    sms = OutboxMessage.objects.filter(channel="sms", to_family=False).first()
    # The answer link: the invitee answers without logging in.
    assert sms.recipient == "+358400000000" and "/a/" in sms.body
    assert len(sms.body) <= 459


def test_a_phone_practice_lists_everyone_and_the_convener_ticks_the_calls(client, network):
    meeting = meeting_for(network, invitees=("mikko", "leena"))  # the fixture's practice: by phone
    client.force_login(network.convener)
    url = reverse("meetings:detail", args=[meeting.pk])
    calls = client.get(url).context["to_call"]
    assert [i.professional.name for i in calls] == ["Leena Koivisto", "Mikko Harju"]
    mikko = next(i for i in calls if i.professional.name == "Mikko Harju")
    response = client.post(reverse("meetings:called", args=[meeting.pk, mikko.pk]))
    assert response.status_code == 302
    mikko.refresh_from_db()
    assert mikko.called_at is not None
    assert "soitettu" in client.get(url).content.decode()
    client.post(reverse("meetings:called", args=[meeting.pk, mikko.pk]), {"called": "0"})
    mikko.refresh_from_db()
    assert mikko.called_at is None


def test_only_the_convener_ticks_a_call(client, network):
    meeting = meeting_for(network)
    invitation = meeting.invitations.first()
    for user in (network.member, network.convener2, network.coordinator):
        client.force_login(user)
        response = client.post(reverse("meetings:called", args=[meeting.pk, invitation.pk]))
        assert response.status_code in (403, 404)
    invitation.refresh_from_db()
    assert invitation.called_at is None


def test_another_meetings_invitation_is_not_ticked(client, network):
    meeting, other = meeting_for(network), meeting_for(network)
    invitation = other.invitations.first()
    client.force_login(network.convener)
    client.post(reverse("meetings:called", args=[meeting.pk, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.called_at is None
