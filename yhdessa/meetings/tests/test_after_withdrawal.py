"""After the family withdrew its consent (or the concern was closed) the
pages offer nothing the services would refuse, and say what still happens."""

from django.urls import reverse

from conftest import meeting_for, next_thursday_at
from yhdessa.families.services import close_concern, withdraw_consent
from yhdessa.notify.models import OutboxMessage


def test_the_convening_page_says_why_before_anything_is_filled_in(client, network):
    meeting = meeting_for(network)
    withdraw_consent(actor=network.convener, concern=meeting.concern)
    client.force_login(network.convener)
    url = reverse("meetings:convene", args=[meeting.concern_id])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "koska perhe on perunut suostumuksensa" in text
    assert 'id="convene-form"' not in text
    sent = client.post(url, {"place": "Perhekeskus"})
    assert sent.status_code == 409


def test_a_closed_concerns_convening_page_offers_raising_a_new_one(client, network):
    meeting = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2))
    close_concern(actor=network.convener, concern=meeting.concern, reason="need_passed")
    client.force_login(network.convener)
    text = client.get(reverse("meetings:convene", args=[meeting.concern_id])).content.decode()
    assert "Huoli on suljettu" in text and 'id="convene-form"' not in text
    assert reverse("families:create") in text


def test_the_meeting_message_and_cancel_pages_after_a_withdrawal(client, network):
    meeting = meeting_for(network)
    message = OutboxMessage.objects.filter(meeting=meeting, to_family=False).first()
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", next_attempt_at=None)
    client.force_login(network.convener)
    before = client.get(reverse("notify:detail", args=[message.pk])).content.decode()
    assert reverse("notify:retry", args=[message.pk]) in before
    withdraw_consent(actor=network.convener, concern=meeting.concern)
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert reverse("meetings:reschedule", args=[meeting.pk]) not in detail
    assert reverse("meetings:cancel", args=[meeting.pk]) in detail
    after = client.get(reverse("notify:detail", args=[message.pk])).content.decode()
    assert reverse("notify:retry", args=[message.pk]) not in after
    cancel = client.get(reverse("meetings:cancel", args=[meeting.pk])).content.decode()
    assert "Perheelle ei lähetetä mitään" in cancel
    assert "Kaikki kutsutut ja perhe saavat peruutuksen" not in cancel


def test_a_failed_cancellation_to_a_professional_may_be_sent_again(client, network):
    from yhdessa.meetings.messages import resend_message
    from yhdessa.meetings.services import cancel_meeting

    meeting = meeting_for(network)
    withdraw_consent(actor=network.convener, concern=meeting.concern)
    cancel_meeting(actor=network.convener, meeting=meeting)
    cancellation = OutboxMessage.objects.filter(meeting=meeting, kind="cancellation").first()
    OutboxMessage.objects.filter(pk=cancellation.pk).update(status="failed", next_attempt_at=None)
    client.force_login(network.convener)
    page = client.get(reverse("notify:detail", args=[cancellation.pk])).content.decode()
    assert reverse("notify:retry", args=[cancellation.pk]) in page
    again = resend_message(actor=network.convener, message=cancellation)
    assert again.status == "pending" and not again.to_family
