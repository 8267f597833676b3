"""Invitees answer from the signed link (no login) or in the app; a decline
tells the convener and offers free substitutes of the same expertise, one
click each."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from conftest import _professional, concern_for, meeting_for
from yhdessa.meetings.answer_links import answer_token
from yhdessa.meetings.models import Invitation
from yhdessa.meetings.services import cancel_meeting
from yhdessa.network.models import Organisation
from yhdessa.notify.models import OutboxMessage
from yhdessa.scheduling.models import Absence

pytestmark = pytest.mark.django_db


def _invitation(meeting, key, network):
    return meeting.invitations.get(professional=network.people[key])


def _link_in_email(meeting, network, key) -> str:
    message = OutboxMessage.objects.get(
        meeting=meeting, professional=network.people[key], kind="invitation", channel="email"
    )
    # The link is the invitee's secret: not in the stored body, only as sent.
    assert "/a/" not in message.shown_body or "eyJ" not in message.shown_body
    return re.search(r"http://\S+/a/(\S+)/", message.text).group(1)


def test_the_invitation_carries_a_link_that_answers_without_login(client, network):
    meeting = meeting_for(network)
    token = _link_in_email(meeting, network, "mikko")
    page = client.get(reverse("answer:invitation", args=[token]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Päiväkoti Satakieli" in text and "Mikko Harju" in text
    # Only what the invitation said: the family is not named to an anonymous reader.
    assert meeting.concern.family.alias not in text
    done = client.post(
        reverse("answer:invitation", args=[token]), {"answer": "declined", "note": "Koulutus"}
    )
    assert done.status_code == 302
    invitation = _invitation(meeting, "mikko", network)
    assert invitation.answer == "declined" and invitation.answer_note == "Koulutus"
    notices = OutboxMessage.objects.filter(meeting=meeting, kind="notice")
    assert notices.count() == 1 and notices[0].professional == meeting.convener
    assert "Mikko Harju ei pääse" in notices[0].body
    # The same answer again (a double click, Back and send) tells nobody twice.
    client.post(
        reverse("answer:invitation", args=[token]), {"answer": "declined", "note": "Koulutus"}
    )
    assert OutboxMessage.objects.filter(meeting=meeting, kind="notice").count() == 1


def test_an_altered_or_expired_link_opens_nothing(client, network, settings):
    meeting = meeting_for(network)
    invitation = _invitation(meeting, "mikko", network)
    token = answer_token(invitation)
    forged = signing.dumps({"i": invitation.pk}, salt="someone.elses", compress=True)
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        page = client.get(reverse("answer:invitation", args=[bad]))
        assert page.status_code == 404 and "Linkki ei toimi" in page.content.decode()
    settings.ANSWER_LINK_DAYS = -1
    page = client.post(reverse("answer:invitation", args=[token]), {"answer": "accepted"})
    assert page.status_code == 404
    invitation.refresh_from_db()
    assert invitation.answer == ""


def test_a_proposal_needs_a_future_time_and_bad_input_changes_nothing(client, network):
    meeting = meeting_for(network)
    url = reverse("answer:invitation", args=[answer_token(_invitation(meeting, "leena", network))])
    page = client.post(url, {"answer": "proposed"})
    assert "Kerro, mikä aika sopisi." in page.content.decode()
    yesterday = timezone.localdate() - timedelta(days=1)
    page = client.post(
        url, {"answer": "proposed", "proposed_date": yesterday.isoformat(), "proposed_time": "9:00"}
    )
    assert "Ehdota tulevaa aikaa." in page.content.decode()
    page = client.post(url, {"answer": "maybe"})
    assert page.status_code == 200
    assert _invitation(meeting, "leena", network).answer == ""
    later = timezone.localdate() + timedelta(days=30)
    client.post(
        url,
        {"answer": "proposed", "proposed_date": later.isoformat(), "proposed_time": "10:00"},
    )
    invitation = _invitation(meeting, "leena", network)
    assert invitation.answer == "proposed"
    assert timezone.localtime(invitation.proposed_starts_at).date() == later
    assert OutboxMessage.objects.filter(meeting=meeting, kind="notice").count() == 1


def test_a_cancelled_meeting_takes_no_answers(client, network):
    meeting = meeting_for(network)
    url = reverse("answer:invitation", args=[answer_token(_invitation(meeting, "mikko", network))])
    cancel_meeting(actor=network.convener, meeting=meeting)
    page = client.get(url)
    assert "ei voi enää vastata" in page.content.decode()
    page = client.post(url, {"answer": "accepted"})
    assert "ei voi enää vastata" in page.content.decode()
    assert _invitation(meeting, "mikko", network).answer == ""


def test_the_invitee_answers_in_the_app_too(client, network):
    meeting = meeting_for(network)  # Mikko is the member user
    client.force_login(network.member)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert page.context["answer_form"] is not None
    client.post(reverse("meetings:answer", args=[meeting.pk]), {"answer": "accepted"})
    assert _invitation(meeting, "mikko", network).answer == "accepted"
    # The convener, not invited, has no answer form and cannot answer.
    client.force_login(network.convener)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert page.context["answer_form"] is None
    assert "ei vastausta" in page.content.decode()  # Leena has not answered
    client.post(reverse("meetings:answer", args=[meeting.pk]), {"answer": "declined"})
    assert not Invitation.objects.filter(meeting=meeting, answer="declined").exists()


@pytest.fixture
def second_guide(network):
    """Another family guide in the team, free by default."""
    county = Organisation.objects.get(name="Hyvinvointialue")
    pekka = _professional("Pekka Ohjaaja", county, network.town, ["family_guide"])
    network.team.members.add(pekka)
    return pekka


def _decline(meeting, network, key="mikko"):
    from yhdessa.meetings.answers import answer_invitation

    return answer_invitation(invitation=_invitation(meeting, key, network), answer="declined")


def test_a_decline_offers_free_substitutes_and_one_click_invites_one(client, network, second_guide):
    meeting = meeting_for(network)
    _decline(meeting, network)
    client.force_login(network.convener)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    rows = {r["invitation"].professional.name: r for r in page.context["invitees"]}
    assert [p.name for p, _shared in rows["Mikko Harju"]["substitutes"]] == ["Pekka Ohjaaja"]
    mikko = _invitation(meeting, "mikko", network)
    before = OutboxMessage.objects.filter(meeting=meeting).count()
    url = reverse("meetings:substitute", args=[meeting.pk, mikko.pk])
    client.post(url, {"professional": second_guide.pk})
    client.post(url, {"professional": second_guide.pk})  # a double click
    mikko.refresh_from_db()
    assert mikko.status == "withdrawn"
    substitute = meeting.invitations.get(professional=second_guide)
    assert substitute.replaces == mikko
    new = OutboxMessage.objects.filter(meeting=meeting).order_by("pk")[before:]
    kinds = {(m.professional.name if m.professional else "perhe", m.kind) for m in new}
    assert ("Pekka Ohjaaja", "invitation") in kinds
    assert ("Leena Koivisto", "update") in kinds and ("perhe", "update") in kinds
    assert not any(name == "Mikko Harju" for name, _kind in kinds)
    update = next(m for m in new if m.professional and m.professional.name == "Leena Koivisto")
    assert "Pekka Ohjaaja" in update.body and "Mikko Harju" not in update.body
    # Only the people changed: said so, not "a new time".
    assert update.subject.startswith("Kutsutut muuttuivat:")
    assert "Aika ja paikka pysyvät ennallaan" in update.body
    assert len(new) == 3


def test_a_substitute_who_is_away_is_not_offered_and_cannot_be_forced(
    client, network, second_guide
):
    meeting = meeting_for(network)
    day = timezone.localtime(meeting.starts_at).date()
    Absence.objects.create(professional=second_guide, kind="training", starts_on=day, ends_on=day)
    _decline(meeting, network)
    client.force_login(network.convener)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    rows = {r["invitation"].professional.name: r for r in page.context["invitees"]}
    assert rows["Mikko Harju"]["substitutes"] == []
    assert "Samaa osaamista olevia ei ole vapaana" in page.content.decode()
    mikko = _invitation(meeting, "mikko", network)
    client.post(
        reverse("meetings:substitute", args=[meeting.pk, mikko.pk]),
        {"professional": second_guide.pk},
    )
    assert not meeting.invitations.filter(professional=second_guide).exists()
    mikko.refresh_from_db()
    assert mikko.status == "invited"


def test_only_the_convener_invites_a_substitute(client, network, second_guide):
    meeting = meeting_for(network)
    _decline(meeting, network)
    mikko = _invitation(meeting, "mikko", network)
    client.force_login(network.member)
    response = client.post(
        reverse("meetings:substitute", args=[meeting.pk, mikko.pk]),
        {"professional": second_guide.pk},
    )
    assert response.status_code in (403, 404)
    assert not meeting.invitations.filter(professional=second_guide).exists()


def test_someone_who_has_left_answers_nothing_by_link(client, network):
    meeting = meeting_for(network)
    token = answer_token(_invitation(meeting, "leena", network))
    leena = network.people["leena"]
    leena.is_active = False
    leena.save(update_fields=["is_active"])
    assert client.get(reverse("answer:invitation", args=[token])).status_code == 404
    client.post(reverse("answer:invitation", args=[token]), {"answer": "accepted"})
    assert _invitation(meeting, "leena", network).answer == ""


def test_an_answer_to_a_time_since_moved_is_not_recorded(client, network):
    from yhdessa.meetings.services import reschedule_meeting

    meeting = meeting_for(network)
    url = reverse("answer:invitation", args=[answer_token(_invitation(meeting, "leena", network))])
    seen = client.get(url).context["form"].initial["sequence"]
    reschedule_meeting(
        actor=network.convener,
        meeting=meeting,
        starts_at=meeting.starts_at + timedelta(days=7),
        duration_minutes=90,
        place=meeting.place,
        confirm_double_booking=True,
    )
    page = client.post(url, {"answer": "accepted", "sequence": seen})
    assert "on muuttunut" in page.content.decode()
    assert _invitation(meeting, "leena", network).answer == ""


def test_no_substitute_after_the_family_withdrew_its_consent(client, network, second_guide):
    from yhdessa.families.services import withdraw_consent

    meeting = meeting_for(network)
    _decline(meeting, network)
    withdraw_consent(actor=network.convener, concern=meeting.concern)
    mikko = _invitation(meeting, "mikko", network)
    client.force_login(network.convener)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert all(not row["substitutes"] for row in page.context["invitees"])
    before = OutboxMessage.objects.filter(to_family=True).count()
    client.post(
        reverse("meetings:substitute", args=[meeting.pk, mikko.pk]),
        {"professional": second_guide.pk},
    )
    assert not meeting.invitations.filter(professional=second_guide).exists()
    assert OutboxMessage.objects.filter(to_family=True).count() == before


def test_an_invitees_answer_link_is_not_shown_to_colleagues(client, network):
    meeting = meeting_for(network)
    message = OutboxMessage.objects.get(
        meeting=meeting, professional=network.people["mikko"], kind="invitation", channel="email"
    )
    assert (
        "/a/" in message.text
        and answer_token(_invitation(meeting, "mikko", network)) in message.text
    )
    client.force_login(network.convener)
    page = client.get(reverse("notify:detail", args=[message.pk])).content.decode()
    assert answer_token(_invitation(meeting, "mikko", network)) not in page


def test_a_replaced_invitee_no_longer_sees_the_meeting_as_theirs(client, network, second_guide):
    meeting = meeting_for(network)
    _decline(meeting, network)
    from yhdessa.meetings.answers import invite_substitute

    invite_substitute(
        actor=network.convener,
        meeting=meeting,
        invitation_id=_invitation(meeting, "mikko", network).pk,
        professional_id=second_guide.pk,
    )
    client.force_login(network.member)  # Mikko
    assert meeting not in client.get(reverse("home")).context["meetings"]


def test_a_declined_or_replaced_invitee_is_not_double_booked(network, second_guide):
    """The convening's double-booking check and the slot finder agree: a
    meeting one declined (or was replaced in) does not take one's time."""
    from yhdessa.meetings.services import convene_meeting

    first = meeting_for(network)
    _decline(first, network)
    second = convene_meeting(
        actor=network.convener,
        concern=concern_for(network.convener, alias="Perhe T"),
        starts_at=first.starts_at,
        duration_minutes=90,
        place="Perhekeskus",
        invitee_ids=[network.people["mikko"].pk],
        confirm_double_booking=True,  # Sanna herself convenes both
    )
    booked = [
        w["params"]["name"] for w in second.practice_warnings if "name" in w.get("params", {})
    ]
    assert booked == ["Sanna Lehtola"]
