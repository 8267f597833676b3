"""Closing a concern (why, who, when) and the family withdrawing its consent
(no more contact, no more messages), through the pages and the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import PASSWORD, concern_for, meeting_for, next_thursday_at
from yhdessa.accounts.models import User
from yhdessa.audit.models import AccessLogEntry
from yhdessa.errors import Conflict
from yhdessa.families.models import Concern
from yhdessa.families.services import close_concern, withdraw_consent
from yhdessa.meetings.messages import resend_message
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.services import cancel_meeting, convene_meeting, reschedule_meeting
from yhdessa.notify.models import OutboxMessage
from yhdessa.plans.queries import plans_led_by


def close_url(concern):
    return reverse("families:close", args=[concern.pk])


def withdraw_url(concern):
    return reverse("families:withdraw_consent", args=[concern.pk])


def snapshot():
    return (
        list(Concern.objects.order_by("pk").values()),
        list(Meeting.objects.order_by("pk").values("pk", "status", "sequence")),
        list(OutboxMessage.objects.order_by("pk").values("pk", "status")),
    )


# ---- closing -------------------------------------------------------------------


def test_the_convener_closes_a_concern_and_says_why(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    form = client.get(close_url(concern)).content.decode()
    assert "apu löytyi muualta" in form and 'maxlength="200"' in form
    response = client.post(close_url(concern), {"reason": "help_elsewhere", "note": "Neuvola"})
    assert response.status_code == 302
    assert response["Location"] == reverse("families:detail", args=[concern.pk])
    concern.refresh_from_db()
    assert concern.closed_by == network.convener and concern.closed_at is not None
    assert (concern.close_reason, concern.close_note) == ("help_elsewhere", "Neuvola")
    page = client.get(reverse("families:detail", args=[concern.pk])).content.decode()
    assert "Huoli on suljettu" in page and "apu löytyi muualta – Neuvola" in page
    assert "sulki Sanna Lehtola" in page
    assert reverse("meetings:convene", args=[concern.pk]) not in page
    assert close_url(concern) not in page  # nothing left to close
    # The read behind the page is logged like any read of the concern.
    assert AccessLogEntry.objects.filter(user=network.convener, what="concern").exists()


def test_other_needs_a_short_text_without_identity_codes(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    before = snapshot()
    page = client.post(close_url(concern), {"reason": "other", "note": ""}).content.decode()
    assert "Kerro lyhyesti, miksi huoli suljetaan." in page
    page = client.post(
        close_url(concern), {"reason": "other", "note": "Lapsi 010203A987J muutti"}
    ).content.decode()
    assert "henkilötunnuksen" in page
    page = client.post(close_url(concern), {"reason": "", "note": ""}).content.decode()
    assert "Tämä kenttä vaaditaan." in page
    page = client.post(close_url(concern), {"reason": "other", "note": "x" * 201}).content.decode()
    assert "200" in page
    assert snapshot() == before


def test_closing_twice_says_so_and_changes_nothing(client, network):
    concern = concern_for(network.convener)
    close_concern(actor=network.convener, concern=concern, reason="declined")
    before = snapshot()
    with pytest.raises(Conflict, match="Huoli on jo suljettu"):
        close_concern(actor=network.coordinator, concern=concern, reason="need_passed")
    client.force_login(network.convener)
    assert "Huoli on jo suljettu" in client.get(close_url(concern)).content.decode()
    page = client.post(close_url(concern), {"reason": "need_passed"}).content.decode()
    assert "Huoli on jo suljettu" in page
    assert snapshot() == before


def test_a_double_submit_closes_once(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    data = {"reason": "plan_completed", "once": "token-1"}
    first = client.post(close_url(concern), data)
    second = client.post(close_url(concern), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]


def test_a_scheduled_meeting_is_cancelled_or_recorded_first(client, network):
    meeting = meeting_for(network)
    client.force_login(network.convener)
    page = client.post(close_url(meeting.concern), {"reason": "declined"}).content.decode()
    assert "Peru se tai kirjaa se pidetyksi ennen kuin suljet huolen." in page
    assert not Concern.objects.get().closed_at
    cancel_meeting(actor=network.convener, meeting=meeting)
    client.post(close_url(meeting.concern), {"reason": "declined"})
    assert Concern.objects.get().closed_at


def test_a_closed_concern_gets_no_new_meeting(network):
    concern = concern_for(network.convener)
    close_concern(actor=network.convener, concern=concern, reason="need_passed")
    with pytest.raises(Conflict, match="Huoli on suljettu"):
        meeting_for(network, concern=concern)
    assert not Meeting.objects.exists()


@pytest.fixture
def around(network):
    """A held meeting: Mikko (member) leads its plan, Leena was invited."""
    from conftest import plan_for

    leena = network.people["leena"]
    leena.user = User.objects.create_user("invited", password=PASSWORD)
    leena.save(update_fields=["user"])
    meeting = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2))
    plan_for(network, meeting)
    return meeting, {
        "convener": network.convener,
        "coordinator": network.coordinator,
        "invited": leena.user,
        "lead": network.member,
        "coordinator_elsewhere": network.coordinator2,
        "professional_elsewhere": network.convener2,
    }


# The lead follows the family after the meeting and ends its Yhdessä aika too.
ALLOWED = {"convener", "coordinator", "lead"}
AROUND = {"invited"}  # may read the family, may not end the work


@pytest.mark.parametrize(
    "role",
    [
        "convener",
        "coordinator",
        "invited",
        "lead",
        "coordinator_elsewhere",
        "professional_elsewhere",
    ],
)
@pytest.mark.parametrize("action", ["close", "withdraw"])
def test_only_the_convener_the_lead_or_the_coordinator_ends_the_work(
    client, network, around, role, action
):
    meeting, users = around
    concern = meeting.concern
    client.force_login(users[role])
    url = close_url(concern) if action == "close" else withdraw_url(concern)
    data = {"reason": "plan_completed"} if action == "close" else {"confirm": "on"}
    before = snapshot()
    logged = AccessLogEntry.objects.filter(user=users[role]).count()
    response = client.post(url, data)
    if role in ALLOWED:
        assert response.status_code == 302
        concern.refresh_from_db()
        done_by = concern.closed_by if action == "close" else concern.consent_withdrawn_by
        assert done_by == users[role]
        return
    assert response.status_code == (403 if role in AROUND else 404)
    assert client.get(url).status_code == response.status_code
    assert snapshot() == before
    assert AccessLogEntry.objects.filter(user=users[role]).count() == logged
    if role in AROUND:
        page = client.get(reverse("families:detail", args=[concern.pk])).content.decode()
        assert close_url(concern) not in page and withdraw_url(concern) not in page
    with pytest.raises(PermissionDenied):
        if action == "close":
            close_concern(actor=users[role], concern=concern, reason="declined")
        else:
            withdraw_consent(actor=users[role], concern=concern)


def test_one_who_has_left_cannot_close(client, network):
    from yhdessa.network.services import save_professional

    concern = concern_for(network.convener)
    save_professional(
        actor=network.coordinator, professional=network.people["sanna"], data={"is_active": False}
    )
    network.convener.refresh_from_db()
    with pytest.raises(PermissionDenied):
        close_concern(actor=network.convener, concern=concern, reason="declined")
    client.force_login(network.convener)
    assert client.post(close_url(concern), {"reason": "declined"}).status_code == 302
    assert not Concern.objects.get().closed_at


def test_a_get_changes_nothing(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    before = snapshot()
    assert client.get(close_url(concern)).status_code == 200
    assert client.get(withdraw_url(concern)).status_code == 200
    assert snapshot() == before


# ---- withdrawing consent ------------------------------------------------------


def test_withdrawn_consent_stops_every_message_and_meeting_change(client, network):
    meeting = meeting_for(network)
    failed = OutboxMessage.objects.filter(meeting=meeting).first()
    OutboxMessage.objects.filter(pk=failed.pk).update(status="failed")
    sent = OutboxMessage.objects.filter(meeting=meeting).exclude(pk=failed.pk).first()
    OutboxMessage.objects.filter(pk=sent.pk).update(status="sent")
    waiting = OutboxMessage.objects.filter(meeting=meeting, status__in=["pending", "failed"])
    assert waiting.exists()
    client.force_login(network.convener)
    response = client.post(withdraw_url(meeting.concern), {"confirm": "on"})
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.consent_withdrawn_by == network.convener
    assert concern.consent is True  # given when raised; the withdrawal is kept beside it
    assert concern.closed_at is None
    # Nothing of the family's meetings goes out any more; what went, went.
    assert not waiting.exists()
    assert OutboxMessage.objects.get(pk=sent.pk).status == "sent"
    messages_before = OutboxMessage.objects.count()
    max_before = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
    with pytest.raises(Conflict, match="Perhe on perunut suostumuksensa"):
        reschedule_meeting(
            actor=network.convener,
            meeting=meeting,
            starts_at=next_thursday_at(weeks=4),
            duration_minutes=60,
            place="Perhekeskus",
        )
    with pytest.raises(Conflict, match="Perhe on perunut suostumuksensa"):
        convene_meeting(
            actor=network.convener,
            concern=concern,
            starts_at=next_thursday_at(weeks=5),
            duration_minutes=60,
            place="Perhekeskus",
            invitee_ids=[network.people["mikko"].pk],
        )
    with pytest.raises(Conflict, match="suostumuksensa"):
        resend_message(actor=network.convener, message=OutboxMessage.objects.get(pk=failed.pk))
    # The meeting can still be called off: the invited professionals' calendars
    # are cleared, the family hears nothing more.
    cancel_meeting(actor=network.convener, meeting=meeting)
    assert Meeting.objects.get().status == "cancelled"
    cancellations = OutboxMessage.objects.exclude(pk__lte=max_before)
    assert cancellations.count() == OutboxMessage.objects.count() - messages_before > 0
    assert {m.kind for m in cancellations} == {"cancellation"}
    assert not cancellations.filter(to_family=True).exists()
    assert all(m.professional_id for m in cancellations)
    assert not (
        OutboxMessage.objects.filter(status__in=["pending", "failed"])
        .exclude(pk__in=cancellations)
        .exists()
    )


def test_the_pages_refuse_moving_and_convening_with_a_clear_message(client, network):
    meeting = meeting_for(network)
    withdraw_consent(actor=network.convener, concern=meeting.concern)
    client.force_login(network.convener)
    when = next_thursday_at(weeks=4)
    page = client.post(
        reverse("meetings:reschedule", args=[meeting.pk]),
        {
            "date": when.date().isoformat(),
            "time": "08:00",
            "duration_minutes": "60",
            "place": "Perhekeskus",
            "sequence": str(meeting.sequence),
            "acknowledge": "on",
            "confirm_booking": "on",
        },
        follow=True,
    )
    assert page.status_code == 200
    assert "Perhe on perunut suostumuksensa: tapaamista ei siirretä." in page.content.decode()
    assert Meeting.objects.get().starts_at == meeting.starts_at
    concern_page = client.get(reverse("families:detail", args=[meeting.concern_id]))
    assert (
        reverse("meetings:convene", args=[meeting.concern_id]) not in concern_page.content.decode()
    )


def test_the_banner_shows_on_every_page_of_the_family(client, network):
    from conftest import plan_for

    meeting = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2))
    plan_for(network, meeting)
    message = OutboxMessage.objects.filter(meeting=meeting).first()
    pages = [
        reverse("families:detail", args=[meeting.concern_id]),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("plans:view", args=[meeting.pk]),
        reverse("notify:detail", args=[message.pk]),
    ]
    client.force_login(network.convener)
    for url in pages:
        assert "Perhe on perunut suostumuksensa" not in client.get(url).content.decode(), url
    withdraw_consent(actor=network.convener, concern=meeting.concern)
    for url in pages:
        assert "Perhe on perunut suostumuksensa" in client.get(url).content.decode(), url


def test_withdrawal_needs_confirming_and_is_recorded_once(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    before = snapshot()
    page = client.post(withdraw_url(concern), {}).content.decode()
    assert "Vahvista, että perhe on perunut suostumuksensa." in page
    assert snapshot() == before
    withdraw_consent(actor=network.coordinator, concern=concern)
    before = snapshot()
    with pytest.raises(Conflict, match="on jo kirjattu"):
        withdraw_consent(actor=network.convener, concern=concern)
    page = client.post(withdraw_url(concern), {"confirm": "on"}).content.decode()
    assert "on jo kirjattu" not in page  # the page no longer offers it...
    assert "Perhe on perunut suostumuksensa" in page  # ...and says why
    assert snapshot() == before
    assert Concern.objects.get().consent_withdrawn_by == network.coordinator
    page = client.get(reverse("families:detail", args=[concern.pk])).content.decode()
    assert "(kirjasi coordinator)" in page


def test_the_lead_no_longer_follows_a_family_that_withdrew_or_was_closed(network, planned_meeting):
    assert list(plans_led_by(network.member)) == [planned_meeting.plan]
    withdraw_consent(actor=network.convener, concern=planned_meeting.concern)
    assert list(plans_led_by(network.member)) == []
    other = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-3))
    from conftest import plan_for

    plan_for(network, other)
    assert len(plans_led_by(network.member)) == 1
    close_concern(actor=network.convener, concern=other.concern, reason="plan_completed")
    assert list(plans_led_by(network.member)) == []


def test_a_closed_concern_can_still_record_a_withdrawal(network):
    concern = concern_for(network.convener)
    close_concern(actor=network.convener, concern=concern, reason="declined")
    withdraw_consent(actor=network.convener, concern=concern)
    concern.refresh_from_db()
    assert concern.closed_at and concern.consent_withdrawn_at
    assert concern.consent_withdrawn_at - concern.closed_at < timedelta(minutes=1)


def test_the_start_page_no_longer_asks_to_convene_an_ended_concern(client, network):
    open_one = concern_for(network.convener, alias="Avoin")
    close_concern(
        actor=network.convener,
        concern=concern_for(network.convener, alias="Suljettu"),
        reason="declined",
    )
    withdraw_consent(actor=network.convener, concern=concern_for(network.convener, alias="Peruttu"))
    client.force_login(network.convener)
    waiting = client.get(reverse("home")).context["waiting"]
    assert [c.pk for c in waiting] == [open_one.pk]
