"""The family's own page, as the family meets it: the link in its message,
the invitation, its answer, the plan, the PDF and its feedback; and the
link's security: unguessable, hashed, scoped, expiring, revocable."""

import re
import secrets
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for, meeting_for, next_thursday_at, plan_for
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.links import token_hash
from yhdessa.families.models import FamilyLink
from yhdessa.families.services import withdraw_consent
from yhdessa.feedback.models import Feedback
from yhdessa.meetings.models import Meeting
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import deliver

LINK = re.compile(r"http://[^/\s]+(/f/[A-Za-z0-9_-]{43}/)")


def family_link(meeting) -> str:
    """The path of the link in the newest message the family got."""
    message = OutboxMessage.objects.filter(meeting=meeting, to_family=True).latest("pk")
    return LINK.search(message.text).group(1)


def test_the_invitation_carries_a_link_to_the_familys_own_page(client, network):
    meeting = meeting_for(network)
    path = family_link(meeting)
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    # Time, place, duration, who is coming by name and role, and why.
    assert "Päiväkoti Satakieli" in page and "90 minuuttia" in page
    assert "Mikko Harju" in page and "Leena Koivisto" in page and "Sanna Lehtola" in page
    assert "Päivärytmi" in page or "rytmi" in page.lower()
    assert "uutta asiakkuutta" in page  # no new client relationship follows
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )
    assert response["Referrer-Policy"] == "same-origin"
    # The open is the family's own read in its access log.
    entry = AccessLogEntry.objects.get(family=meeting.concern.family)
    assert (entry.user, entry.what, entry.why) == (None, "family_page", "family")


def test_the_page_speaks_the_familys_language(client, network):
    concern = concern_for(network.convener, language="sv")
    meeting = meeting_for(network, concern=concern)
    page = client.get(family_link(meeting)).content.decode()
    assert 'lang="sv"' in page


def test_only_a_hash_of_the_token_is_stored(client, network, smtp_server):
    meeting = meeting_for(network)
    message = OutboxMessage.objects.get(meeting=meeting, to_family=True)
    token = family_link(meeting).split("/")[2]
    link = FamilyLink.objects.get(family=meeting.concern.family)
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    # The message keeps the token apart until it is sent, and the app never
    # shows it: not even those who see the family's messages can open its page.
    assert token not in message.body and message.secret == token
    client.force_login(network.member)
    shown = client.get(reverse("notify:detail", args=[message.pk])).content.decode()
    assert token not in shown and "henkilökohtainen linkki" in shown
    deliver(message.pk)
    message.refresh_from_db()
    assert (message.status, message.secret) == ("sent", "")
    assert token in smtp_server.messages[0].content.decode()
    # Sent, the link still works: the family has it.
    client.logout()
    assert client.get(f"/f/{token}/").status_code == 200


def test_the_family_answers_that_it_comes(client, network):
    meeting = meeting_for(network)
    path = family_link(meeting)
    response = client.post(f"{path}{meeting.pk}/answer/", {f"m{meeting.pk}-answer": "coming"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.family_answer == "coming" and meeting.family_answered_at
    # The convener sees it on the meeting page.
    client.force_login(network.convener)
    assert "tulemme" in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()


def test_needing_another_time_tells_the_convener_at_once(client, network):
    meeting = meeting_for(network)
    path = family_link(meeting)
    data = {f"m{meeting.pk}-answer": "other_time", f"m{meeting.pk}-note": "Iltapäivä sopisi"}
    client.post(f"{path}{meeting.pk}/answer/", data)
    client.post(f"{path}{meeting.pk}/answer/", data)  # the same again: nothing more
    notices = OutboxMessage.objects.filter(kind="notice", professional=network.people["sanna"])
    assert notices.count() == 1
    assert "Iltapäivä sopisi" in notices.get().body
    assert f"/meetings/{meeting.pk}/reschedule/" in notices.get().body


@pytest.mark.parametrize(
    "data, error",
    [
        ({}, "Valitse, tuletteko"),
        ({"answer": "maybe"}, "Valitse"),
        ({"answer": "other_time", "note": "x" * 301}, "enintään 300"),
        ({"answer": "other_time", "note": "Äidin hetu 131052-308T"}, "henkilötunnuksen"),
    ],
)
def test_a_bad_answer_is_explained_and_changes_nothing(client, network, data, error):
    meeting = meeting_for(network)
    path = family_link(meeting)
    response = client.post(
        f"{path}{meeting.pk}/answer/", {f"m{meeting.pk}-{k}": v for k, v in data.items()}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.family_answer == ""


def test_a_held_meeting_can_no_longer_be_answered(client, network, held_meeting):
    path = family_link(held_meeting)
    response = client.post(
        f"{path}{held_meeting.pk}/answer/", {f"m{held_meeting.pk}-answer": "coming"}
    )
    assert response.status_code == 200
    assert "ei voi enää vastata" in response.content.decode()


def test_after_the_meeting_the_plan_and_next_contact_are_there(client, network, planned_meeting):
    path = family_link(planned_meeting)
    page = client.get(path).content.decode()
    assert "Kuvallinen iltarutiini" in page and "Mikko soittaa." in page
    nxt = timezone.localdate() + timedelta(days=7)
    assert f"{nxt.day}.{nxt.month}.{nxt.year}" in page
    pdf = client.get(f"{path}{planned_meeting.pk}/plan.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    whats = set(AccessLogEntry.objects.values_list("what", flat=True))
    assert whats == {"family_page", "plan_pdf"}


def test_the_family_gives_feedback_once(client, network, held_meeting):
    path = family_link(held_meeting)
    prefix = f"f{held_meeting.pk}"
    data = {
        f"{prefix}-heard": "yes",
        f"{prefix}-helped": "partly",
        f"{prefix}-right_expertise": "yes",
        f"{prefix}-comment": "Hyvä tapaaminen",
    }
    assert client.post(f"{path}{held_meeting.pk}/feedback/", data).status_code == 302
    again = client.post(f"{path}{held_meeting.pk}/feedback/", data)
    assert again.status_code == 200 and "jo annettu" in again.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.source, feedback.professional, feedback.helped) == ("family", None, "partly")
    assert "olette antaneet palautteen" in client.get(path).content.decode()


def test_feedback_needs_its_answers(client, network, held_meeting):
    path = family_link(held_meeting)
    response = client.post(f"{path}{held_meeting.pk}/feedback/", {})
    assert response.status_code == 200 and "Valitse vastaus" in response.content.decode()
    assert not Feedback.objects.exists()


# ---- the link's security -------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [
        secrets.token_urlsafe(32),  # a guess of the right shape
        "short",
        "A" * 43,
        "A" * 44,
        "ä" * 43,
    ],
)
def test_a_guess_opens_nothing_and_logs_nothing(client, network, token):
    meeting_for(network)
    response = client.get(f"/f/{token}/")
    assert response.status_code == 404
    assert "Linkki ei toimi" in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_a_link_opens_only_its_own_familys_meetings(client, network):
    mine = meeting_for(network)
    other = meeting_for(network, concern=concern_for(network.convener, alias="Perhe M"))
    path = family_link(mine)
    assert "Perhe M" not in client.get(path).content.decode()
    for action in ("answer/", "feedback/", "plan.pdf"):
        response = (
            client.get(f"{path}{other.pk}/{action}")
            if action.endswith("pdf")
            else client.post(f"{path}{other.pk}/{action}", {f"m{other.pk}-answer": "coming"})
        )
        assert response.status_code == 404
    other.refresh_from_db()
    assert other.family_answer == ""
    assert client.get(f"{path}999999/plan.pdf").status_code == 404
    assert client.get(f"{path}x²/plan.pdf").status_code == 404


def test_a_link_expires_sixty_days_after_the_last_meeting(client, network, settings):
    starts = next_thursday_at(weeks=-12)
    meeting = meeting_for(network, held=True, starts_at=starts)
    path = family_link(meeting)
    # The message was sent before the meeting, so the link is as old as that.
    FamilyLink.objects.update(created_at=starts - timedelta(days=20))
    assert client.get(path).status_code == 404
    settings.FAMILY_LINK_DAYS = 120
    assert client.get(path).status_code == 200


def test_the_convener_revokes_the_familys_links(client, network):
    meeting = meeting_for(network)
    path = family_link(meeting)
    client.force_login(network.convener)
    response = client.post(reverse("families:link_revoke", args=[meeting.concern_id]))
    assert response.status_code == 302
    client.logout()
    assert client.get(path).status_code == 404


def test_an_outsider_neither_revokes_nor_resends(client, network):
    meeting = meeting_for(network)
    path = family_link(meeting)
    for user in (network.convener2, network.coordinator2):
        client.force_login(user)
        for name in ("families:link_revoke", "families:link_resend"):
            assert client.post(reverse(name, args=[meeting.concern_id])).status_code == 404
    client.logout()
    assert client.get(path).status_code == 200
    assert FamilyLink.objects.count() == 1


def test_an_invitee_who_does_not_lead_may_not_revoke(client, network):
    meeting = meeting_for(network)
    client.force_login(network.member)  # Mikko, invited, leads nothing yet
    client.post(reverse("families:link_revoke", args=[meeting.concern_id]))
    assert FamilyLink.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_lost_link_is_sent_again_by_the_lead(client, network, planned_meeting):
    client.force_login(network.member)  # Mikko leads the plan
    response = client.post(reverse("families:link_resend", args=[planned_meeting.concern_id]))
    assert response.status_code == 302
    message = OutboxMessage.objects.filter(kind="family_link").get()
    assert message.recipient == "perhe@koti.example" and message.to_family
    client.logout()
    assert client.get(LINK.search(message.text).group(1)).status_code == 200
    # The earlier link still works too.
    assert client.get(family_link(planned_meeting)).status_code == 200


def test_withdrawn_consent_closes_the_page(client, network):
    meeting = meeting_for(network)
    path = family_link(meeting)
    withdraw_consent(actor=network.convener, concern=meeting.concern)
    assert client.get(path).status_code == 404


def test_a_family_with_only_a_phone_gets_its_invitation_by_sms(client, network):
    concern = concern_for(network.convener, email="", phone="040 123 4567")
    meeting = meeting_for(network, concern=concern)
    message = OutboxMessage.objects.get(meeting=meeting, to_family=True)
    assert (message.channel, message.recipient) == ("sms", "+358401234567")
    assert len(message.text) <= 459 and not message.attachment
    assert "Päiväkoti Satakieli" in message.body
    assert client.get(LINK.search(message.text).group(1)).status_code == 200


def test_a_family_that_chose_sms_gets_sms_even_with_an_email(network):
    concern = concern_for(network.convener, phone="040 123 4567")
    concern.family.message_channel = "sms"
    concern.family.save(update_fields=["message_channel"])
    meeting = meeting_for(network, concern=concern)
    assert OutboxMessage.objects.get(meeting=meeting, to_family=True).channel == "sms"


def test_moving_and_cancelling_reach_the_family_by_sms_too(network):
    from yhdessa.meetings.services import cancel_meeting

    concern = concern_for(network.convener, email="", phone="040 123 4567")
    meeting = meeting_for(network, concern=concern)
    cancel_meeting(actor=network.convener, meeting=meeting, note="Sairastuminen")
    kinds = list(
        OutboxMessage.objects.filter(meeting=meeting, to_family=True)
        .order_by("pk")
        .values_list("kind", "channel")
    )
    assert kinds == [("invitation", "sms"), ("cancellation", "sms")]
    assert "peruttu" in OutboxMessage.objects.filter(kind="cancellation", to_family=True).get().body


def test_the_page_reads_a_fixed_number_of_queries(client, network, django_assert_num_queries):
    first = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2))
    plan_for(network, first)
    meeting_for(network, concern=first.concern)
    path = family_link(first)
    # the link, the family's last meeting (expiry), the link's open time, the
    # meetings, their topics, invitations, the plans' leads, actions (with
    # who does them), whom the plan is shared with, the family's feedback,
    # the open polls (their options only when there is one), the withdrawal
    # check, the access-log row
    with django_assert_num_queries(13):
        response = client.get(path)
    assert response.status_code == 200
    assert Meeting.objects.filter(concern=first.concern).count() == 2
