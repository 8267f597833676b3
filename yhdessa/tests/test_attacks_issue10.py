"""Attacks on the issue 10 changes: the answer and poll links, polls,
the slot search of the convening page, rooms, a standing team's sessions,
substitutes, own calendars and the scheduling API.

Each test is a probe by an outsider (no login, a link that was forwarded or
altered), a user of another municipality, a professional who has left, an
invitee, or a family with its link; or a careless client sending garbage or
sending twice. All of them held and stay as regression tests; the holes
found were reported separately, not written here as failing tests.
"""

import json
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import _professional, concern_for, meeting_for, next_thursday_at, plan_for, together
from yhdessa.accounts.models import User
from yhdessa.api.auth import issue_token
from yhdessa.audit.models import AccessLogEntry
from yhdessa.errors import Conflict
from yhdessa.families.contacts import submit_contact
from yhdessa.meetings.answer_links import answer_token
from yhdessa.meetings.answers import answer_invitation, invite_substitute
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.network.models import Organisation
from yhdessa.notify.models import OutboxMessage
from yhdessa.scheduling import services
from yhdessa.scheduling.models import (
    CalendarSource,
    ExternalBusy,
    Poll,
    PollVote,
    Room,
    RoomBooking,
)
from yhdessa.scheduling.polls import create_poll, decide_poll, poll_token, vote

pytestmark = pytest.mark.django_db

HUGE = "9" * 20
SUMMARY = "Iltojen rytmi on vaikea."  # conftest.concern_for
FAMILY_LINK = re.compile(r"http://[^/\s]+(/f/[A-Za-z0-9_-]{43}/)")


def browser(user=None) -> Client:
    """A browser that answers a crash with a 500 page, as in production."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


class Api:
    """The scheduling API as a client system with the user's token calls it."""

    def __init__(self, user):
        self.client = Client(raise_request_exception=False)
        self.headers = {"Authorization": f"Bearer {issue_token(user)}"}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def send(self, method, path, body=None):
        return getattr(self.client, method)(
            f"/api/v1{path}",
            json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def post(self, path, body=None):
        return self.send("post", path, body)

    def put(self, path, body=None):
        return self.send("put", path, body)


def _poll(network, concern=None, weeks=(3, 4, 5), invitees=("mikko", "leena"), **kw):
    return create_poll(
        actor=network.convener,
        concern=concern or concern_for(network.convener),
        starts=[next_thursday_at(8, weeks=w) for w in weeks],
        duration_minutes=90,
        place="Perhekeskus",
        invitee_ids=[network.people[k].pk for k in invitees],
        **kw,
    )


def _room(coordinator, name="Perhekeskuksen neuvotteluhuone"):
    return services.save_room(actor=coordinator, name=name, address="Koulukatu 1", capacity=8)


def _invitation(meeting, network, key="mikko") -> Invitation:
    return meeting.invitations.get(professional=network.people[key])


def _declined(network, key="mikko"):
    """A meeting whose invitee (Mikko) has declined."""
    meeting = meeting_for(network)
    invitation = answer_invitation(invitation=_invitation(meeting, network, key), answer="declined")
    return meeting, invitation


def _guide(network, name="Pekka Ohjaaja"):
    """Another family guide in the team, free: a substitute for Mikko."""
    county = Organisation.objects.get(name="Hyvinvointialue")
    person = _professional(name, county, network.town, ["family_guide"])
    network.team.members.add(person)
    return person


def _local_input(moment) -> str:
    """A time as the page's datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _family_path(recipient="perhe@koti.example") -> str:
    message = OutboxMessage.objects.get(kind="poll", to_family=True, recipient=recipient)
    return FAMILY_LINK.search(message.text).group(1)


def _guidance(network) -> User:
    return User.objects.create_user(
        username="guidance", password="x" * 20, role=User.Role.GUIDANCE, municipality=network.town
    )


def _contact(town):
    return submit_contact(
        municipality_id=town.pk,
        name="Anu",
        children_ages=[4],
        topic_codes=["daily_rhythm"],
        message="Illat ovat raskaita.",
        contact_by="phone",
        phone="040 123 4567",
        consent=True,
        sender="127.0.0.9",
    )


# ---- the links: what they show, to whom, and for how long -------------------------


def test_the_answer_and_poll_links_name_no_family(network):
    """Both links open without login: a forwarded link shows the time,
    the place and the convener, never the family's alias or summary."""
    poll = _poll(network)
    meeting = meeting_for(network)
    pages = [
        browser().get(
            reverse("poll_public:answer", args=[poll_token(poll, network.people["mikko"])])
        ),
        browser().get(
            reverse("answer:invitation", args=[answer_token(_invitation(meeting, network))])
        ),
    ]
    for page in pages:
        text = page.content.decode()
        assert page.status_code == 200
        assert "Perhe K" not in text and SUMMARY not in text
        assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
        assert page["Referrer-Policy"] == "same-origin"


def test_a_link_cannot_be_swapped_forged_or_pointed_at_someone_else(network):
    poll = _poll(network)
    meeting = meeting_for(network)
    poll_link = poll_token(poll, network.people["mikko"])
    answer_link = answer_token(_invitation(meeting, network))
    # One kind of link does not open the other kind's page (the salts differ).
    assert browser().get(reverse("answer:invitation", args=[poll_link])).status_code == 404
    assert browser().get(reverse("poll_public:answer", args=[answer_link])).status_code == 404
    forged = [
        signing.dumps({"p": poll.pk, "w": network.people["mikko"].pk}, salt="x", compress=True),
        # Signed right, but for someone the poll does not ask.
        signing.dumps(
            {"p": poll.pk, "w": network.people["antti"].pk},
            salt="yhdessa.scheduling.poll",
            compress=True,
        ),
        signing.dumps({"p": "1 or 1=1", "w": []}, salt="yhdessa.scheduling.poll"),
        poll_link[:-2] + ("AA" if not poll_link.endswith("AA") else "BB"),
    ]
    for token in forged:
        url = reverse("poll_public:answer", args=[token])
        assert browser().get(url).status_code == 404
        options = {f"option-{o.pk}": "yes" for o in poll.options.all()}
        assert browser().post(url, options).status_code == 404
    assert not PollVote.objects.exists()


def test_a_replaced_invitees_answer_link_answers_nothing(network):
    """Mikko declined and Pekka came instead: Mikko's old link can no
    longer turn the answer round."""
    pekka = _guide(network)
    meeting, declined = _declined(network)
    invite_substitute(
        actor=network.convener, meeting=meeting, invitation_id=declined.pk, professional_id=pekka.pk
    )
    url = reverse("answer:invitation", args=[answer_token(declined)])
    page = browser().post(url, {"answer": "accepted"})
    assert page.status_code == 200
    declined.refresh_from_db()
    assert declined.answer == "declined" and declined.status == "withdrawn"


def test_someone_who_has_left_votes_nothing_by_link_or_in_the_app(network):
    poll = _poll(network)
    mikko = network.people["mikko"]
    mikko.is_active = False
    mikko.save(update_fields=["is_active"])
    options = {f"option-{o.pk}": "yes" for o in poll.options.all()}
    url = reverse("poll_public:answer", args=[poll_token(poll, mikko)])
    assert browser().get(url).status_code == 404
    assert browser().post(url, options).status_code == 404
    response = browser(network.member).post(
        reverse("scheduling:poll_vote", args=[poll.pk]), options
    )
    assert response.status_code in (302, 403, 404)
    assert "/accounts/login/" in response.get("Location", "/accounts/login/")
    assert not PollVote.objects.exists()


def test_a_professional_who_has_left_gets_no_scheduling_page(network):
    """The convener's professional left (the user still exists): every page
    sends them to log in, and nothing of the family is read or logged."""
    poll = _poll(network)
    sanna = network.people["sanna"]
    sanna.is_active = False
    sanna.save(update_fields=["is_active"])
    client = browser(network.convener)
    for path in [
        reverse("scheduling:poll", args=[poll.pk]),
        reverse("scheduling:poll_new", args=[poll.concern_id]),
        reverse("meetings:convene", args=[poll.concern_id]),
        reverse("scheduling:availability"),
    ]:
        assert client.get(path).status_code in (302, 403, 404), path
    client.post(
        reverse("scheduling:poll_decide", args=[poll.pk]), {"option": poll.options.first().pk}
    )
    client.post(reverse("scheduling:poll_cancel", args=[poll.pk]))
    poll.refresh_from_db()
    assert poll.status == "open" and not Meeting.objects.exists()
    assert not AccessLogEntry.objects.filter(user=network.convener).exists()


# ---- another municipality ----------------------------------------------------------


@pytest.fixture
def jarvela(network):
    """Järvelä's open poll, a meeting with a decline, and a room."""
    poll = _poll(network)
    meeting, declined = _declined(network)
    return {
        "poll": poll,
        "meeting": meeting,
        "declined": declined,
        "room": _room(network.coordinator),
    }


def test_another_municipalitys_convener_reaches_no_poll_meeting_or_session(network, jarvela):
    poll, meeting, declined = jarvela["poll"], jarvela["meeting"], jarvela["declined"]
    client = browser(network.convener2)
    for path in [
        reverse("scheduling:poll", args=[poll.pk]),
        reverse("scheduling:poll_new", args=[poll.concern_id]),
        reverse("meetings:convene", args=[poll.concern_id]) + "?find=1",
    ]:
        assert client.get(path).status_code == 404, path
    options = {f"option-{o.pk}": "yes" for o in poll.options.all()}
    for path, data in [
        (reverse("scheduling:poll_decide", args=[poll.pk]), {"option": poll.options.first().pk}),
        (reverse("scheduling:poll_cancel", args=[poll.pk]), {}),
        (reverse("scheduling:poll_vote", args=[poll.pk]), options),
        (reverse("scheduling:poll_new", args=[poll.concern_id]), {"starts": ["2030-01-01T08:00"]}),
        (reverse("meetings:answer", args=[meeting.pk]), {"answer": "accepted"}),
        (
            reverse("meetings:substitute", args=[meeting.pk, declined.pk]),
            {"professional": network.people["jari"].pk},
        ),
        (reverse("meetings:book_session", args=[poll.concern_id]), {"team": network.team.pk}),
    ]:
        assert client.post(path, data).status_code == 404, path
    poll.refresh_from_db()
    assert poll.status == "open" and not PollVote.objects.exists()
    assert Meeting.objects.count() == 1 and meeting.invitations.count() == 2
    assert not AccessLogEntry.objects.filter(user=network.convener2).exists()


def test_another_municipalitys_users_get_nothing_from_the_scheduling_api(network, jarvela):
    poll, meeting, declined = jarvela["poll"], jarvela["meeting"], jarvela["declined"]
    room = jarvela["room"]
    api = Api(network.convener2)
    start = timezone.localtime()
    busy = api.get(
        "/availability",
        professional_ids=str(network.people["mikko"].pk),
        start=start.isoformat(),
        end=(start + timedelta(days=7)).isoformat(),
    )
    assert busy.status_code == 403
    option = poll.options.first().pk
    for method, path, body in [
        ("get", f"/polls/{poll.pk}", None),
        ("post", f"/polls/{poll.pk}/votes", {"answers": {str(option): "yes"}}),
        ("post", f"/polls/{poll.pk}/decide", {"option_id": option}),
        ("post", f"/polls/{poll.pk}/cancel", None),
        ("post", f"/concerns/{poll.concern_id}/polls", {}),
        ("post", f"/concerns/{poll.concern_id}/slot-search", {}),
        ("get", f"/meetings/{meeting.pk}/invitations", None),
        ("get", f"/meetings/{meeting.pk}/invitations/{declined.pk}/substitutes", None),
        (
            "post",
            f"/meetings/{meeting.pk}/invitations/{declined.pk}/substitute",
            {"professional_id": network.people["jari"].pk},
        ),
        ("post", f"/meetings/{meeting.pk}/answer", {"answer": "accepted"}),
        ("get", f"/teams/{network.team.pk}/sessions", None),
        ("post", f"/concerns/{poll.concern_id}/sessions", {"team_id": network.team.pk}),
    ]:
        response = api.get(path) if method == "get" else api.post(path, body)
        assert response.status_code in (404, 422), (path, response.status_code)
        assert "Perhe K" not in response.content.decode()
    assert room.pk not in [r["id"] for r in api.get("/rooms").json()]
    coordinator2 = Api(network.coordinator2)
    assert room.pk not in [r["id"] for r in coordinator2.get("/rooms").json()]
    changed = coordinator2.put(f"/rooms/{room.pk}", {"name": "Oma", "address": "X", "capacity": 2})
    assert changed.status_code == 404
    room.refresh_from_db()
    assert room.name == "Perhekeskuksen neuvotteluhuone"
    assert poll.status == "open" and not PollVote.objects.exists()
    assert not AccessLogEntry.objects.filter(
        user__in=[network.convener2, network.coordinator2]
    ).exists()


def test_another_municipalitys_coordinator_cannot_read_or_change_a_room(network, jarvela):
    room = jarvela["room"]
    client = browser(network.coordinator2)
    url = reverse("scheduling:room_edit", args=[room.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Oma", "address": "X", "capacity": "2"}).status_code == 404
    assert "Perhekeskuksen" not in client.get(reverse("scheduling:rooms")).content.decode()
    room.refresh_from_db()
    assert (room.name, room.capacity) == ("Perhekeskuksen neuvotteluhuone", 8)
    # A plain professional keeps no rooms at all.
    assert browser(network.convener).get(url).status_code == 403


def test_a_room_cannot_be_kept_for_another_municipalitys_team(network):
    response = Api(network.coordinator).post(
        "/rooms", {"name": "Huone", "address": "Katu 1", "capacity": 3, "teams": [network.team2.pk]}
    )
    assert response.status_code == 422
    page = browser(network.coordinator).post(
        reverse("scheduling:room_new"),
        {"name": "Huone", "address": "Katu 1", "capacity": "3", "teams": [network.team2.pk]},
    )
    assert page.status_code == 200
    assert not Room.objects.exists()


def test_the_slot_search_ignores_another_municipalitys_room_team_and_people(network):
    """Koivuranta's room, team and people sent to Järvelä's convening page:
    the room is refused with a message, the team and people are not used,
    and none of them is named on the page."""
    room2 = _room(network.coordinator2, name="Koivurannan huone")
    concern = concern_for(network.convener)
    client = browser(network.convener)
    outsiders = [network.people["jari"].pk, network.people["eeva"].pk]
    page = client.post(
        reverse("meetings:convene", args=[concern.pk]),
        {"find": "1", "room": room2.pk, "team": network.team2.pk, "invitees": outsiders},
    )
    chip = f"{next_thursday_at().isoformat()}|{outsiders[0]},{outsiders[1]}"
    chosen = client.get(reverse("meetings:convene", args=[concern.pk]), {"find": "1", "slot": chip})
    for response in (page, chosen):
        text = response.content.decode()
        assert response.status_code == 200
        for name in ("Koivuranta", "Jari Heino", "Eeva Kallio"):
            assert name not in text
    assert page.context["team"] == network.team
    assert "Tilaa ei löydy" in page.content.decode()
    assert not Meeting.objects.exists()


def test_another_municipalitys_room_cannot_be_booked_by_convening_or_by_a_poll(network):
    room2 = _room(network.coordinator2, name="Koivurannan huone")
    _room(network.coordinator)  # the form offers Järvelä's room
    concern = concern_for(network.convener)
    client = browser(network.convener)
    day = timezone.localtime(next_thursday_at())
    client.post(
        reverse("meetings:convene", args=[concern.pk]),
        {
            "date": day.date().isoformat(),
            "time": "08:00",
            "duration_minutes": "90",
            "place": "Perhekeskus",
            "invitees": [network.people["mikko"].pk],
            "room": room2.pk,
            "once": "attack-1",
            "acknowledge": "1",
            "confirm_booking": "1",
        },
    )
    page = client.post(
        reverse("scheduling:poll_new", args=[concern.pk]),
        {
            "starts": [_local_input(next_thursday_at(8, 3)), _local_input(next_thursday_at(8, 4))],
            "invitees": [str(network.people["mikko"].pk)],
            "duration_minutes": "90",
            "room": room2.pk,
            "place": "Perhekeskus",
        },
    )
    assert page.status_code == 200
    with pytest.raises(Exception, match="Tilaa ei löydy"):
        _poll(network, concern, room_id=room2.pk)
    api = Api(network.convener).post(
        f"/concerns/{concern.pk}/polls",
        {
            "starts": [next_thursday_at(8, 3).isoformat(), next_thursday_at(8, 4).isoformat()],
            "duration_minutes": 90,
            "invitees": [network.people["mikko"].pk],
            "room_id": room2.pk,
        },
    )
    assert api.status_code == 422
    assert not RoomBooking.objects.filter(room=room2).exists()
    assert not Poll.objects.exists()


def test_the_guidance_service_cannot_book_another_municipalitys_contact(network):
    guidance = _guidance(network)
    theirs = _contact(network.town2)
    client = browser(guidance)
    assert client.get(reverse("contact:detail", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("contact:book_session", args=[theirs.pk]),
        {
            "session": f"{network.team2.pk}|2030-01-08T13:00:00+02:00",
            "professional": network.people["jari"].pk,
        },
    )
    assert response.status_code == 404
    assert not Meeting.objects.exists()
    assert not AccessLogEntry.objects.filter(user=guidance).exists()


# ---- invitees, leads and families acting beyond their own ------------------------


def test_an_invitee_asked_in_a_poll_sees_no_family(network):
    """Mikko is asked which times suit: he sees times, not the family, and
    reads nothing of it until he is invited to a meeting."""
    poll = _poll(network)
    client = browser(network.member)
    assert client.get(reverse("scheduling:poll", args=[poll.pk])).status_code == 404
    api = Api(network.member)
    assert api.get(f"/polls/{poll.pk}").status_code == 404
    for text in (
        client.get(reverse("home")).content.decode(),
        api.get("/polls/asked").content.decode(),
    ):
        assert "Perhe K" not in text and SUMMARY not in text
    assert not AccessLogEntry.objects.filter(user=network.member).exists()


def test_a_lead_who_may_convene_cannot_decide_or_cancel_the_conveners_poll(network, held_meeting):
    plan_for(network, held_meeting, lead="mikko")
    poll = _poll(network, held_meeting.concern, weeks=(3, 4), invitees=("leena",))
    option = poll.options.first().pk
    client = browser(network.member)
    assert client.get(reverse("scheduling:poll", args=[poll.pk])).status_code == 200
    client.post(reverse("scheduling:poll_decide", args=[poll.pk]), {"option": option})
    client.post(reverse("scheduling:poll_cancel", args=[poll.pk]))
    api = Api(network.member)
    assert api.post(f"/polls/{poll.pk}/decide", {"option_id": option}).status_code == 403
    assert api.post(f"/polls/{poll.pk}/cancel").status_code == 403
    poll.refresh_from_db()
    assert poll.status == "open" and poll.meeting is None


def test_nobody_votes_in_a_poll_they_are_not_asked_in(network):
    poll = _poll(network, invitees=("leena",))
    options = {f"option-{o.pk}": "no" for o in poll.options.all()}
    # Mikko is not asked; the convener is not asked in their own poll.
    for user in (network.member, network.convener):
        assert (
            browser(user).post(reverse("scheduling:poll_vote", args=[poll.pk]), options).status_code
            == 404
        )
        body = {"answers": {str(o.pk): "no" for o in poll.options.all()}}
        assert Api(user).post(f"/polls/{poll.pk}/votes", body).status_code == 404
    # A coordinator has no professional to vote as.
    assert browser(network.coordinator).post(
        reverse("scheduling:poll_vote", args=[poll.pk]), options
    ).status_code in (403, 404)
    assert not PollVote.objects.exists()


def test_a_vote_cannot_name_another_polls_times(network):
    mine = _poll(network)
    other = _poll(network, concern_for(network.convener, alias="Perhe B", email="b@koti.example"))
    api = Api(network.member)
    theirs = {str(o.pk): "yes" for o in other.options.all()}
    mixed = {str(o.pk): "yes" for o in [*mine.options.all()[:2], *other.options.all()[:1]]}
    for answers in (theirs, mixed):
        assert api.post(f"/polls/{mine.pk}/votes", {"answers": answers}).status_code == 422
    # The page reads only the poll's own times.
    browser(network.member).post(
        reverse("scheduling:poll_vote", args=[mine.pk]),
        {f"option-{o.pk}": "yes" for o in other.options.all()},
    )
    assert not PollVote.objects.exists()


def test_a_family_cannot_vote_in_another_familys_poll(network):
    _poll(network, concern_for(network.convener, alias="Perhe A", email="a@koti.example"))
    poll_b = _poll(network, concern_for(network.convener, alias="Perhe B", email="b@koti.example"))
    path = _family_path("a@koti.example")
    page = browser().post(
        path + f"poll/{poll_b.pk}/", {f"option-{o.pk}": "yes" for o in poll_b.options.all()}
    )
    assert page.status_code == 200 and "Perhe B" not in page.content.decode()
    for odd in ("²", HUGE, "-1", "x" * 3000, "0"):
        assert browser().post(path + f"poll/{odd}/", {}).status_code in (200, 404), odd
    assert not PollVote.objects.exists()


# ---- the access log, and no family without login --------------------------------


def _reads(user, family_id, **kw) -> int:
    return AccessLogEntry.objects.filter(user=user, family_id=family_id, **kw).count()


def test_every_read_of_the_family_by_the_new_pages_is_logged(network):
    poll = _poll(network)
    family = poll.concern.family_id
    client = browser(network.convener)
    steps = [
        lambda: client.get(reverse("scheduling:poll", args=[poll.pk])),
        lambda: client.get(reverse("scheduling:poll_new", args=[poll.concern_id])),
        lambda: client.post(reverse("meetings:convene", args=[poll.concern_id]), {"find": "1"}),
        lambda: Api(network.convener).get(f"/polls/{poll.pk}"),
        lambda: Api(network.convener).post(f"/concerns/{poll.concern_id}/slot-search", {}),
        lambda: client.post(
            reverse("scheduling:poll_decide", args=[poll.pk]), {"option": poll.options.first().pk}
        ),
    ]
    for step in steps:
        before = _reads(network.convener, family)
        assert step().status_code in (200, 302)
        assert _reads(network.convener, family) == before + 1
    assert _reads(network.convener, family, via_api=True) == 2
    before = _reads(network.convener, family, what="list")
    client.get(reverse("home"))  # the scheduled meeting is listed
    assert _reads(network.convener, family, what="list") == before + 1
    meeting = Meeting.objects.get()
    declined = answer_invitation(invitation=_invitation(meeting, network), answer="declined")
    before = _reads(network.convener, family)
    client.post(
        reverse("meetings:substitute", args=[meeting.pk, declined.pk]), {"professional": "1"}
    )
    assert _reads(network.convener, family, what="meeting") >= 1
    assert _reads(network.convener, family) == before + 1
    # An invitee answering on the meeting page reads the meeting: logged too.
    before = _reads(network.member, family)
    browser(network.member).post(
        reverse("meetings:answer", args=[meeting.pk]), {"answer": "accepted"}
    )
    assert _reads(network.member, family, why="invited") == before + 1


def test_the_familys_own_poll_page_is_logged_as_the_familys_read(network):
    poll = _poll(network)
    path = _family_path()
    browser().get(path)
    browser().post(path + f"poll/{poll.pk}/", {f"option-{o.pk}": "yes" for o in poll.options.all()})
    rows = AccessLogEntry.objects.filter(family_id=poll.concern.family_id, user=None)
    assert rows.filter(what="family_page", why="family").count() == 1
    assert PollVote.objects.filter(professional=None).count() == 3


def test_without_login_no_scheduling_page_or_endpoint_shows_the_family(network):
    poll = _poll(network)
    meeting = meeting_for(network)
    for path in [
        reverse("scheduling:poll", args=[poll.pk]),
        reverse("scheduling:poll_new", args=[poll.concern_id]),
        reverse("meetings:convene", args=[poll.concern_id]),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("scheduling:rooms"),
        reverse("scheduling:availability"),
    ]:
        response = browser().get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), path
    for path in [f"/api/v1/polls/{poll.pk}", "/api/v1/polls/asked", "/api/v1/rooms"]:
        assert browser().get(path).status_code == 401
        assert (
            Client(raise_request_exception=False)
            .get(path, headers={"Authorization": "Bearer forged"})
            .status_code
            == 401
        )
    assert not AccessLogEntry.objects.exists()


# ---- bad input: a clear message, nothing changed, never a 500 --------------------

NOT_TIMES = [
    "x",
    "2026-13-01T08:00",
    "2027-02-30T08:00",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "9999-12-31T23:59+14:00",
    "0001-01-01T00:00-14:00",
    "²",
    "9" * 5000,
    "",
]


@pytest.mark.parametrize("bad", NOT_TIMES)
def test_a_poll_time_that_is_no_time_is_told_and_changes_nothing(network, bad):
    concern = concern_for(network.convener)
    page = browser(network.convener).post(
        reverse("scheduling:poll_new", args=[concern.pk]),
        {
            "starts": [_local_input(next_thursday_at(8, weeks=3)), bad],
            "invitees": [str(network.people["mikko"].pk)],
            "duration_minutes": "90",
            "place": "Perhekeskus",
        },
    )
    assert page.status_code == 200
    assert page.context["form"].errors or page.context["form"].non_field_errors()
    assert not Poll.objects.exists() and not OutboxMessage.objects.filter(kind="poll").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"find": "1", "week": "abc"},
        {"find": "1", "week": "0001-01-01"},
        {"find": "1", "week": "9999-12-20"},
        {"find": "1", "week": "99999-01-01"},
        {
            "find": "1",
            "family_day_0": "9999-12-31",
            "family_from_0": "08:00",
            "family_to_0": "23:59",
        },
        {
            "find": "1",
            "family_day_0": "0001-01-01",
            "family_from_0": "00:00",
            "family_to_0": "01:00",
        },
        {"find": "1", "family_day_0": "x", "family_from_0": "y", "family_to_0": "z"},
        {
            "find": "1",
            "family_day_0": "2030-01-01",
            "family_from_0": "10:00",
            "family_to_0": "08:00",
        },
        {"find": "1", "duration_minutes": HUGE},
        {"find": "1", "duration_minutes": "-1"},
        {"find": "1", "room": HUGE},
        {"find": "1", "expertise": ["x"] * 50},
        {"slot": "x|1,²"},
        {"slot": "9999-12-31T23:59:59-14:00|1"},
        {"slot": "0001-01-01T00:00:00+14:00|" + HUGE},
        {"slot": "2027-06-03T08:00|-1,,,"},
        {"slot": "|" * 1000},
    ],
)
def test_convene_page_garbage_is_answered_and_changes_nothing(network, data):
    concern = concern_for(network.convener)
    client = browser(network.convener)
    url = reverse("meetings:convene", args=[concern.pk])
    assert client.post(url, data).status_code == 200
    assert client.get(url, data).status_code == 200
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("bad", ["²", "-1", HUGE, "x" * 5000, "0", " 1", "1.0"])
def test_odd_ids_in_forms_are_told_and_change_nothing(network, bad):
    poll = _poll(network)
    meeting, declined = _declined(network)
    leena = _invitation(meeting, network, "leena")
    convener, member = browser(network.convener), browser(network.member)
    odd = {f"option-{o.pk}": bad for o in poll.options.all()}
    everything = {"team": bad, "room": bad, "duration_minutes": bad, "invitees": [bad]}
    responses = [
        convener.post(reverse("scheduling:poll_decide", args=[poll.pk]), {"option": bad}),
        convener.post(
            reverse("meetings:substitute", args=[meeting.pk, declined.pk]), {"professional": bad}
        ),
        convener.post(
            reverse("meetings:book_session", args=[poll.concern_id]), {"session": bad, "team": bad}
        ),
        convener.post(reverse("scheduling:poll_new", args=[poll.concern_id]), everything),
        convener.get(
            reverse("scheduling:poll_new", args=[poll.concern_id]),
            {**everything, "expertise": [bad], "start": [bad]},
        ),
        convener.get(
            reverse("meetings:convene", args=[poll.concern_id]),
            {**everything, "expertise": [bad], "find": "1", "week": bad},
        ),
        convener.post(reverse("scheduling:remove_absence", args=[1])),
        member.post(reverse("scheduling:poll_vote", args=[poll.pk]), odd),
        member.post(
            reverse("meetings:answer", args=[meeting.pk]),
            {"answer": bad, "proposed_date": bad, "proposed_time": bad},
        ),
        browser().post(
            reverse("poll_public:answer", args=[poll_token(poll, network.people["leena"])]), odd
        ),
        browser().post(
            reverse("answer:invitation", args=[answer_token(leena)]),
            {"answer": "proposed", "proposed_date": bad, "proposed_time": bad},
        ),
    ]
    assert all(r.status_code in (200, 302) for r in responses), [r.status_code for r in responses]
    poll.refresh_from_db()
    assert poll.status == "open" and not PollVote.objects.exists()
    assert Meeting.objects.count() == 1 and meeting.invitations.count() == 2
    leena.refresh_from_db()
    assert leena.answer == ""


@pytest.mark.parametrize(
    "path",
    [
        f"/scheduling/polls/{HUGE}/",
        f"/scheduling/polls/new/{HUGE}/",
        f"/scheduling/rooms/{HUGE}/",
        "/scheduling/rooms/²/",
        "/scheduling/polls/-1/",
        f"/scheduling/polls/{HUGE}/decide/",
        f"/meetings/convene/{HUGE}/",
        f"/meetings/{HUGE}/substitute/1/",
        f"/p/{'x' * 5000}/",
        "/p/%00/",
        "/a/..%2F/",
        f"/a/{'ä' * 50}/",
    ],
)
def test_odd_paths_are_404(network, path):
    # A NUL in the path is refused by the input guard with a 400.
    assert browser(network.coordinator).get(path).status_code in (400, 404, 405)
    assert browser(network.coordinator).post(path, {}).status_code in (400, 404, 405)


@pytest.mark.parametrize(
    "when", [("0001-01-01", "00:00"), ("2027-02-30", "10:00"), ("2030-01-01", "24:00"), ("x", "y")]
)
def test_an_impossible_proposed_time_records_no_answer(network, when):
    meeting = meeting_for(network)
    leena = _invitation(meeting, network, "leena")
    page = browser().post(
        reverse("answer:invitation", args=[answer_token(leena)]),
        {"answer": "proposed", "proposed_date": when[0], "proposed_time": when[1]},
    )
    assert page.status_code == 200
    leena.refresh_from_db()
    assert leena.answer == "" and leena.proposed_starts_at is None
    assert not OutboxMessage.objects.filter(kind="notice").exists()


NOT_CALENDARS = [
    b"",
    b"hello",
    b"BEGIN:VCALENDAR",
    b"GIF89a" + bytes(range(1, 256)),
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:99999999T999999\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:00010101T000000\r\nDTEND:00010101T010000\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n",
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:99991231T230000\r\nDTEND:99991231T235959\r\n"
    b"RRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20270101T100000\r\nDURATION:P99999999W\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n",
]


@pytest.mark.parametrize("data", NOT_CALENDARS)
def test_an_upload_that_is_not_a_calendar_keeps_no_times(network, data):
    response = browser(network.convener).post(
        reverse("scheduling:calendar_upload"),
        {"file": SimpleUploadedFile("kalenteri.ics", data, "text/calendar")},
        follow=True,
    )
    assert response.status_code == 200
    api = Api(network.convener).post("/calendar/upload", {"ics": data.decode("latin-1")})
    assert api.status_code in (200, 422)
    assert not ExternalBusy.objects.exists()


def test_a_calendar_file_too_large_is_told(network):
    data = b"BEGIN:VCALENDAR\r\n" + b"X-FILL:" + b"a" * 2_100_000 + b"\r\nEND:VCALENDAR\r\n"
    page = browser(network.convener).post(
        reverse("scheduling:calendar_upload"),
        {"file": SimpleUploadedFile("iso.ics", data, "text/calendar")},
        follow=True,
    )
    assert page.status_code == 200 and "liian suuri" in page.content.decode()
    assert not ExternalBusy.objects.exists()


PRIVATE_LINKS = [
    "file:///etc/passwd",
    "http://127.0.0.1:8000/",
    "http://[::1]/",
    "http://localhost/",
    "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://127.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/kalenteri.ics",
    "webcal://127.0.0.1/kalenteri.ics",
    "gopher://127.0.0.1:25/",
    "ftp://127.0.0.1/",
    "http://user@127.0.0.1/",
    "http://[::]/",
    "http://[fe80::1%25eth0]/",
    "https://" + "a" * 2000 + ".example/",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("url", PRIVATE_LINKS)
def test_a_calendar_link_into_our_own_network_is_refused(network, url):
    page = browser(network.convener).post(
        reverse("scheduling:calendar_url"), {"url": url}, follow=True
    )
    assert page.status_code == 200
    assert any(m.level_tag == "error" for m in page.context["messages"])
    assert Api(network.convener).put("/calendar", {"url": url}).status_code == 422
    assert not CalendarSource.objects.exclude(url="").exists()


@pytest.mark.parametrize(
    "params",
    [
        {"start": "0001-01-01T00:00", "end": "0001-01-02T00:00"},
        {"start": "9999-12-31T00:00", "end": "9999-12-31T23:59"},
        {"start": "2027-01-01T00:00-12:00", "end": "2027-01-01T00:00+14:00"},
        {"start": "2027-01-01T00:00", "end": "2028-01-01T00:00"},
        {"start": "x", "end": "y"},
    ],
)
def test_the_availability_api_refuses_odd_times(network, params):
    response = Api(network.convener).get(
        "/availability", professional_ids=str(network.people["mikko"].pk), **params
    )
    assert response.status_code == 422 and response.json()["detail"]


@pytest.mark.parametrize("ids", ["²", "-1", HUGE, ",", "1," * 60, "1,x", " ", "1;2"])
def test_the_availability_api_refuses_odd_ids(network, ids):
    response = Api(network.convener).get(
        "/availability", professional_ids=ids, start="2030-01-01T00:00", end="2030-01-02T00:00"
    )
    assert response.status_code in (403, 422) and response.json()["detail"]


def test_the_poll_and_slot_search_api_refuse_odd_input(network):
    concern = concern_for(network.convener)
    api = Api(network.convener)
    two = [next_thursday_at(8, 3).isoformat(), next_thursday_at(8, 4).isoformat()]
    mikko, jari = network.people["mikko"].pk, network.people["jari"].pk
    for body in [
        {
            "starts": ["9999-12-31T23:59:59", "0001-01-01T00:00"],
            "duration_minutes": 90,
            "invitees": [mikko],
        },
        {"starts": two, "duration_minutes": 10**12, "invitees": [mikko]},
        {"starts": two, "duration_minutes": 90, "invitees": [10**20]},
        {"starts": two, "duration_minutes": 90, "invitees": [jari]},
        {"starts": two, "duration_minutes": 90, "invitees": [mikko], "room_id": 10**15},
        {"starts": two, "duration_minutes": 90, "invitees": [mikko], "team_id": network.team2.pk},
        {"starts": two * 30, "duration_minutes": 90, "invitees": [mikko]},
    ]:
        response = api.post(f"/concerns/{concern.pk}/polls", body)
        assert response.status_code == 422, (body, response.content)
    for body in [
        {"family_times": [["0001-01-01T00:00", "0001-01-01T01:00"]]},
        {"family_times": [["9999-12-31T00:00", "9999-12-31T01:00"]]},
        {"family_times": [["2030-01-01T10:00", "2030-01-01T08:00"]]},
        {"day_from": "9999-12-31"},
        {"day_from": "0001-01-01"},
        {"day_from": "2030-01-01", "day_to": "2029-01-01"},
        {"day_to": "2030-01-01"},
        {"duration_minutes": -5},
        {"named": {"family_guide": jari}, "needs": ["family_guide"]},
        {"required": [jari]},
        {"room_id": 123456},
        {"needs": ["x"] * 11},
        {"team_id": network.team2.pk},
    ]:
        response = api.post(f"/concerns/{concern.pk}/slot-search", body)
        assert response.status_code == 422, (body, response.content)
    assert not Poll.objects.exists()


def test_garbage_in_a_contacts_session_booking_changes_nothing(network):
    guidance = _guidance(network)
    own = _contact(network.town)
    client = browser(guidance)
    for data in [
        {"session": "x|y", "professional": "²"},
        {
            "session": f"{network.team2.pk}|2030-01-08T13:00:00+02:00",
            "professional": network.people["jari"].pk,
        },
        {"session": "1|9999-12-31T23:59:59-14:00", "professional": HUGE},
        {},
    ]:
        assert client.post(reverse("contact:book_session", args=[own.pk]), data).status_code == 200
    assert not Meeting.objects.exists()
    own.refresh_from_db()
    assert own.state == "new"


# ---- double submits and races ------------------------------------------------------


def _outcome(call):
    """The call's result, or the refusal it raised (for together())."""

    def run():
        try:
            return call()
        except Conflict as error:
            return error

    return run


@pytest.mark.django_db(transaction=True)
def test_two_substitutes_for_one_decline_one_wins(network):
    pekka, paula = _guide(network), _guide(network, "Paula Ohjaaja")
    meeting, declined = _declined(network)

    def substitute(person):
        return _outcome(
            lambda: (
                invite_substitute(
                    actor=network.convener,
                    meeting=meeting,
                    invitation_id=declined.pk,
                    professional_id=person.pk,
                ).pk
            )
        )

    results = together(substitute(pekka), substitute(paula))
    assert sum(isinstance(r, int) for r in results) == 1, results
    assert meeting.invitations.filter(replaces=declined).count() == 1
    substitute_invitations = OutboxMessage.objects.filter(
        meeting=meeting, kind="invitation", professional__in=[pekka, paula]
    )
    assert substitute_invitations.values("professional").distinct().count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_substitute_sent_twice_is_invited_once(network):
    pekka = _guide(network)
    meeting, declined = _declined(network)

    def substitute():
        return invite_substitute(
            actor=network.convener,
            meeting=meeting,
            invitation_id=declined.pk,
            professional_id=pekka.pk,
        ).pk

    first, second = together(substitute, substitute)
    assert first == second
    assert meeting.invitations.filter(professional=pekka).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_decides_of_one_poll_convene_once(network):
    poll = _poll(network)
    first, second = list(poll.options.all())[:2]

    def decide(option):
        return _outcome(
            lambda: decide_poll(actor=network.convener, poll=poll, option_id=option.pk).pk
        )

    results = together(decide(first), decide(second))
    assert sum(isinstance(r, int) for r in results) == 1, results
    assert Meeting.objects.count() == 1
    poll.refresh_from_db()
    assert poll.status == "decided" and poll.meeting_id in results


@pytest.mark.django_db(transaction=True)
def test_two_votes_at_once_leave_one_answer_per_time(network):
    poll = _poll(network)
    options = list(poll.options.all())
    mikko = network.people["mikko"]

    def answer(professional, word):
        return lambda: vote(
            poll=poll, professional=professional, answers={o.pk: word for o in options}
        )

    together(answer(mikko, "yes"), answer(mikko, "no"), answer(None, "yes"), answer(None, "no"))
    mine = list(PollVote.objects.filter(professional=mikko).values_list("answer", flat=True))
    family = list(PollVote.objects.filter(professional=None).values_list("answer", flat=True))
    # Each kept answer is one whole submission, never a mix of the two.
    assert len(mine) == 3 and len(set(mine)) == 1
    assert len(family) == 3 and len(set(family)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_polls_for_one_family_at_once_one_is_made(network):
    concern = concern_for(network.convener)
    results = together(
        _outcome(lambda: _poll(network, concern).pk), _outcome(lambda: _poll(network, concern).pk)
    )
    assert sum(isinstance(r, int) for r in results) == 1, results
    assert Poll.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="poll", to_family=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_vote_racing_the_decision_never_reopens_the_poll(network):
    poll = _poll(network)
    options = list(poll.options.all())
    results = together(
        _outcome(
            lambda: decide_poll(actor=network.convener, poll=poll, option_id=options[0].pk).pk
        ),
        _outcome(
            lambda: vote(
                poll=poll,
                professional=network.people["mikko"],
                answers={o.pk: "no" for o in options},
            )
        ),
    )
    assert Meeting.objects.count() == 1
    poll.refresh_from_db()
    assert poll.status == "decided" and poll.meeting_id == results[0]
