"""Attacks on the access layer, the races and the input checks.

Each test once succeeded as an attack (an outsider's probe, a colleague who
had left, two busy people at once); its docstring says what the attacker
gained. They stay as regression tests.
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for, meeting_for, next_thursday_at
from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.api.auth import issue_token
from yhdessa.errors import Conflict
from yhdessa.meetings.services import cancel_meeting, convene_meeting, reschedule_meeting
from yhdessa.notify.models import OutboxMessage
from yhdessa.plans.models import StarNote
from yhdessa.plans.services import record_star_notes, replace_lead


def browser(user) -> Client:
    """A logged-in browser that answers a crash with a 500 page, as in production."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# ---- 500s from crafted input -------------------------------------------------


def test_convene_page_with_a_huge_invitee_id_is_no_500(network):
    """Issue 6 defect 9 ("an id of 10^20 in invitees") is fixed in the API
    only. On the convene page the ticked ids go straight into the busy-time
    query, so any logged-in convener crashes the page (OverflowError on
    SQLite, a 500 with a traceback in the log) by posting one number."""
    concern = concern_for(network.convener)
    response = browser(network.convener).post(
        reverse("meetings:convene", args=[concern.pk]),
        {
            "invitees": ["100000000000000000000"],
            "date": "2030-01-03",
            "time": "08:00",
            "duration_minutes": "90",
            "place": "Perhekeskus",
        },
    )
    assert response.status_code < 500


# ---- races: state read before the lock --------------------------------------


def test_star_notes_saved_from_two_open_pages_do_not_crash(network, held_meeting):
    """Two people (or two tabs) open the star page of the same meeting and
    both save area 1. ``record_star_notes`` locks the meeting but then takes
    "which notes exist" from the meeting object loaded *before* the lock (the
    page's prefetch), so the second save tries to INSERT a note the first
    has just written: IntegrityError, a 500, and the second writer's notes
    are lost. (On PostgreSQL the same happens with two requests at once.)"""
    first = access.read_meeting(network.convener, held_meeting.pk, action=access.Action.MANAGE)
    second = access.read_meeting(network.convener, held_meeting.pk, action=access.Action.MANAGE)
    record_star_notes(actor=network.convener, meeting=first, notes={1: ("Leikki", "Ilta")})
    try:
        record_star_notes(actor=network.convener, meeting=second, notes={1: ("Ulkoilu", "Uni")})
    except Conflict:
        pass  # refusing the stale page is fine; a crash is not
    except IntegrityError as error:
        pytest.fail(f"the second save crashed: {error!r}")
    assert StarNote.objects.filter(meeting=held_meeting, area__number=1).count() == 1


def test_star_note_cleared_meanwhile_is_no_500(network, held_meeting):
    """The other side of the same stale read: one page empties area 1 (the
    note is deleted) while another page, opened earlier, edits it. The
    second save calls ``save(update_fields=...)`` on a row that no longer
    exists: DatabaseError, a 500."""
    record_star_notes(actor=network.convener, meeting=held_meeting, notes={1: ("Leikki", "")})
    stale = access.read_meeting(network.convener, held_meeting.pk, action=access.Action.MANAGE)
    fresh = access.read_meeting(network.convener, held_meeting.pk, action=access.Action.MANAGE)
    record_star_notes(actor=network.convener, meeting=fresh, notes={1: ("", "")})
    try:
        record_star_notes(actor=network.convener, meeting=stale, notes={1: ("Ulkoilu", "")})
    except Conflict:
        pass
    except Exception as error:  # noqa: BLE001 - any crash here is the finding
        pytest.fail(f"the stale save crashed: {error!r}")


def test_two_coordinators_naming_a_new_lead_at_once_give_the_family_one_lead(
    network, planned_meeting
):
    """Mikko, the family's only lead, leaves. Two coordinator tabs (or two
    coordinators) both see the family on "families waiting for a lead" and
    both name someone. The page checks "still waiting" before the service
    locks the plan, and ``replace_lead`` never checks it again after the lock,
    so the second request does not get a conflict: it silently *adds* a
    second lead. The family now has a lead pair nobody chose, and each lead
    believes the other keeps contact."""
    from yhdessa.network.services import save_professional

    save_professional(
        actor=network.coordinator,
        professional=network.people["mikko"],
        data={"is_active": False},
    )
    plan = planned_meeting.plan
    # Both requests passed the page's "waiting for a lead" check ...
    assert access.plans_without_lead(network.coordinator).filter(pk=plan.pk).exists()
    replace_lead(actor=network.coordinator, plan=plan, new_lead_id=network.people["leena"].pk)
    try:
        replace_lead(actor=network.coordinator, plan=plan, new_lead_id=network.people["antti"].pk)
    except Conflict:
        pass
    assert [p.pk for p in plan.lead_professionals.all()] == [network.people["leena"].pk]


# ---- resending a message the meeting has outgrown ----------------------------


def _fail(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED, attempts=8, next_attempt_at=None
    )


def test_resending_an_old_invitation_after_the_meeting_was_cancelled_is_refused(network):
    """The family's invitation failed (a full mailbox). The convener then
    cancels the meeting (the cancellation goes out). Later someone presses
    "send again" on the old failed invitation in the message list: it is
    queued and sent, so the family receives "Tervetuloa Yhdessä ajalle" for
    a meeting that no longer exists, and goes there. ``resend_message``
    checks who asks but not whether the message is still current."""
    meeting = meeting_for(network)
    invitation = OutboxMessage.objects.get(meeting=meeting, to_family=True, kind="invitation")
    _fail(invitation)
    cancel_meeting(actor=network.convener, meeting=meeting, note="")
    response = browser(network.convener).post(reverse("notify:retry", args=[invitation.pk]))
    assert response.status_code < 500
    invitation.refresh_from_db()
    # The cancellation replaced it: it is never sent again.
    assert invitation.status == OutboxMessage.Status.REPLACED, (
        "a cancelled meeting's invitation was queued again"
    )


def test_resending_an_invitation_with_the_old_time_after_a_move_is_refused(network):
    """Same hole after a move: the failed first invitation carries the old
    time (and a calendar entry with the old SEQUENCE). Resending it after the
    meeting was moved tells the family to come at the old time."""
    meeting = meeting_for(network)
    invitation = OutboxMessage.objects.get(meeting=meeting, to_family=True, kind="invitation")
    _fail(invitation)
    reschedule_meeting(
        actor=network.convener,
        meeting=meeting,
        starts_at=next_thursday_at(9, weeks=5),
        duration_minutes=60,
        place="Perheen koti",
    )
    browser(network.convener).post(reverse("notify:retry", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == OutboxMessage.Status.REPLACED, "the old time was queued again"


# ---- reads beyond the rule ---------------------------------------------------


def _follow_up_without(network, concern, place="Neuvola, huone 3"):
    """A second meeting of the same family to which Mikko is not invited."""
    starts = next_thursday_at(8, weeks=6)
    return convene_meeting(
        actor=network.convener,
        concern=concern,
        starts_at=starts,
        duration_minutes=60,
        place=place,
        invitee_ids=[network.people["antti"].pk],
        confirm_double_booking=True,
    )


def test_concern_page_shows_only_the_meetings_the_reader_may_see(network):
    """Mikko was invited to the family's first meeting only. The concern page
    lists *every* meeting of the family with its time, place and status,
    including a later one he was never invited to (whose own page answers him
    404). The rule: a professional sees the meetings they convened, were
    invited to or lead."""
    first = meeting_for(network)
    other = _follow_up_without(network, first.concern)
    client = browser(network.member)
    assert client.get(reverse("meetings:detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("families:detail", args=[first.concern_id])).content.decode()
    assert "Neuvola, huone 3" not in page
    assert reverse("meetings:detail", args=[other.pk]) not in page


def test_concern_in_the_api_lists_only_the_meetings_the_reader_may_see(network):
    """The API's concern answer carries the ids of every meeting of the
    family, including those hidden from the caller."""
    first = meeting_for(network)
    other = _follow_up_without(network, first.concern)
    headers = {"Authorization": f"Bearer {issue_token(network.member)}"}
    body = Client().get(f"/api/v1/concerns/{first.concern_id}", headers=headers).json()
    assert other.pk not in body["meetings"]


def test_someone_who_has_left_reads_no_directory(network):
    """access.py: "Someone who has left has no access at all." A professional
    deactivated elsewhere than the coordinator's page (the Django admin, a
    script) keeps an active user: every family page is refused, but the
    network directory (every professional's email and phone, all
    municipalities), the service map and the 2FA pages still open."""
    mikko = network.people["mikko"]
    type(mikko).objects.filter(pk=mikko.pk).update(is_active=False)
    member = User.objects.get(pk=network.member.pk)
    assert access.has_left(member)
    client = browser(member)
    response = client.get(reverse("network:directory"))
    assert response.status_code in (302, 403, 404)


def test_the_admin_is_no_way_around_the_directorys_services(network):
    """The Django admin edited Professional, FamilyCentreTeam, Organisation
    and Municipality directly: unticking "aktiivinen" there neither ended the
    person's login nor wrote a DirectoryChange row. Now the directory is
    view-only in the admin but for linking a login, and whoever is
    deactivated by any route is logged out at their next request."""
    from yhdessa.network.models import DirectoryChange

    mikko = network.people["mikko"]
    before = DirectoryChange.objects.count()
    admin = browser(network.admin)
    response = admin.post(
        reverse("admin:network_professional_change", args=[mikko.pk]),
        {"user": network.member.pk},  # is_active left out: "unticked"
    )
    assert response.status_code == 302
    mikko.refresh_from_db()
    assert mikko.is_active and mikko.user_id == network.member.pk
    assert DirectoryChange.objects.count() == before
    for name in ("team", "organisation", "municipality"):
        model = {"team": "familycentreteam"}.get(name, name)
        assert admin.get(reverse(f"admin:network_{model}_add")).status_code == 403
    # Deactivated behind the scenes all the same: the session ends at once.
    member = browser(network.member)
    type(mikko).objects.filter(pk=mikko.pk).update(is_active=False)
    page = member.get(reverse("network:directory"))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert member.get("/").status_code == 302


def test_a_revoked_token_gets_no_family_data_from_the_idempotency_cache(network):
    """``ApiIdempotencyMiddleware`` answers a repeated Idempotency-Key from
    its stored response *before* the token is authenticated. A professional
    who has left (their tokens deleted by ``end_access``) replays a write
    they sent earlier with the same header and body and gets 201 with the
    family's alias, reference, email, phone and summary, and no access-log
    row is written for this read. The stored bodies are copies of family
    data outside the access layer."""
    from yhdessa.audit.models import AccessLogEntry
    from yhdessa.network.services import save_professional

    token = issue_token(network.member)
    body = {
        "family": {
            "alias": "Perhe Salainen",
            "children_birth_years": [timezone.localdate().year - 3],
            "email": "salainen@koti.example",
        },
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "Isän jaksaminen.",
        "consent": True,
    }
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"}
    assert (
        Client()
        .post("/api/v1/concerns", body, content_type="application/json", headers=headers)
        .status_code
        == 201
    )
    save_professional(
        actor=network.coordinator, professional=network.people["mikko"], data={"is_active": False}
    )
    assert Client().get("/api/v1/teams", headers=headers).status_code == 401  # holds
    rows = AccessLogEntry.objects.count()
    replay = Client().post(
        "/api/v1/concerns", body, content_type="application/json", headers=headers
    )
    assert replay.status_code == 401, replay.content.decode()
    assert "Perhe Salainen" not in replay.content.decode()
    assert AccessLogEntry.objects.count() == rows


def test_a_professional_who_has_left_cannot_be_named_the_familys_lead(network, held_meeting):
    """Leena was invited, then left (deactivated by the coordinator). The
    convener still sees her among the plan's lead candidates and
    ``record_plan`` accepts her: the family gets a lead who no longer works
    there (no login, no mail), i.e. it is orphaned at the moment the plan is
    written. Issue 6: "nothing is orphaned"."""
    from django.core.exceptions import ValidationError

    from yhdessa.network.services import save_professional
    from yhdessa.plans.services import record_plan

    leena = network.people["leena"]
    save_professional(actor=network.coordinator, professional=leena, data={"is_active": False})
    with pytest.raises(ValidationError):
        record_plan(
            actor=network.convener,
            meeting=held_meeting,
            matters=["Iltarutiini"],
            actions=[{"where": "home", "text": "Kuvallinen iltarutiini"}],
            follow_up="Leena soittaa.",
            lead_ids=[leena.pk],
            next_contact=timezone.localdate() + timedelta(days=7),
        )


def test_an_invitation_still_retrying_is_not_delivered_after_the_cancellation(network):
    """The family's invitation failed once and waits for its retry (backoff).
    The convener cancels; the cancellation is sent at once. Then the retry
    of the old invitation goes out: the family's last mail says "Tervetuloa
    Yhdessä ajalle" for a meeting that is cancelled. Nothing withdraws a
    superseded message still waiting in the outbox."""
    from django.core import mail

    from yhdessa.notify.services import deliver_due

    meeting = meeting_for(network)
    invitation = OutboxMessage.objects.get(meeting=meeting, to_family=True, kind="invitation")
    later = timezone.now() + timedelta(minutes=30)
    OutboxMessage.objects.filter(pk=invitation.pk).update(
        attempts=1, next_attempt_at=later, last_error="SMTPServerDisconnected"
    )
    cancel_meeting(actor=network.convener, meeting=meeting, note="")
    deliver_due()
    mail.outbox.clear()
    deliver_due(now=later + timedelta(seconds=1))
    to_family = [m.subject for m in mail.outbox if "perhe@koti.example" in m.to]
    assert not any(s.startswith("Kutsu") for s in to_family), to_family
