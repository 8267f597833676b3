"""The scheduling API (yhdessa/api/scheduling.py), walked as a client system
would: busy times, own absences and calendar, the slot search, polls,
answers and substitutes, rooms and session places; the outsider's refusals
at every endpoint; bad input answered 4xx with a JSON detail, never 500."""

import json
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import PASSWORD, _professional, concern_for, meeting_for, next_thursday_at
from yhdessa.accounts.models import User
from yhdessa.api.auth import issue_token
from yhdessa.audit.models import AccessLogEntry
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.network.models import (
    Expertise,
    InvitationPractice,
    Organisation,
    Professional,
    SlotWindow,
    TeamRole,
)
from yhdessa.network.services import save_professional
from yhdessa.scheduling import services
from yhdessa.scheduling.models import Absence, CalendarSource, ExternalBusy, Poll, Room
from yhdessa.scheduling.polls import create_poll

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, client, user, language: str = "fi"):
        self.client = client
        self.headers = {"Authorization": f"Bearer {issue_token(user)}", "Accept-Language": language}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def send(self, method, path, body=None):
        data = body if isinstance(body, str | bytes) else json.dumps(body or {})
        return getattr(self.client, method)(
            f"/api/v1{path}", data, content_type="application/json", headers=self.headers
        )

    def post(self, path, body=None):
        return self.send("post", path, body)

    def put(self, path, body=None):
        return self.send("put", path, body)

    def delete(self, path):
        return self.client.delete(f"/api/v1{path}", headers=self.headers)


def iso(moment) -> str:
    return timezone.localtime(moment).isoformat()


def refused(response, *statuses):
    """A 4xx of the given statuses with a JSON detail."""
    assert response.status_code in statuses, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json"), response.content
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]


def monday_of(moment):
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def ics(*events) -> str:
    """An iCalendar file with these (start, end, title) events."""
    stamp = "%Y%m%dT%H%M%SZ"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Testi//FI"]
    for n, (begins, ends, title) in enumerate(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{n}@testi.example",
            f"DTSTAMP:{timezone.now().astimezone(UTC):{stamp}}",
            f"DTSTART:{begins.astimezone(UTC):{stamp}}",
            f"DTEND:{ends.astimezone(UTC):{stamp}}",
            f"SUMMARY:{title}",
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


@pytest.fixture
def second_guide(network):
    """Another family guide in the team, free by default."""
    county = Organisation.objects.get(name="Hyvinvointialue")
    pekka = _professional("Pekka Ohjaaja", county, network.town, ["family_guide"])
    network.team.members.add(pekka)
    return pekka


@pytest.fixture
def room(network):
    return services.save_room(
        actor=network.coordinator,
        name="Perhekeskuksen neuvotteluhuone",
        address="Koulukatu 1",
        capacity=8,
    )


# ---- the document ------------------------------------------------------------------

PATHS = {
    "/availability": ["get"],
    "/absences": ["get", "post"],
    "/absences/{absence_id}": ["delete"],
    "/absence-kinds": ["get"],
    "/calendar": ["get", "put", "delete"],
    "/calendar/upload": ["post"],
    "/concerns/{concern_id}/slot-search": ["post"],
    "/concerns/{concern_id}/polls": ["post"],
    "/polls/asked": ["get"],
    "/polls/{poll_id}": ["get"],
    "/polls/{poll_id}/votes": ["post"],
    "/polls/{poll_id}/decide": ["post"],
    "/polls/{poll_id}/cancel": ["post"],
    "/meetings/{meeting_id}/answer": ["post"],
    "/meetings/{meeting_id}/invitations": ["get"],
    "/meetings/{meeting_id}/invitations/{invitation_id}/substitutes": ["get"],
    "/meetings/{meeting_id}/invitations/{invitation_id}/substitute": ["post"],
    "/rooms": ["get", "post"],
    "/rooms/{room_id}": ["put"],
    "/teams/{team_id}/sessions": ["get"],
    "/concerns/{concern_id}/sessions": ["post"],
}


def test_every_endpoint_is_in_the_openapi_document(client, network):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, methods in PATHS.items():
        for method in methods:
            operation = paths[f"/api/v1{path}"][method]
            assert operation["summary"], (path, method)
            answers = operation["responses"]
            ok = next(code for code in answers if code.startswith("2"))
            assert code_has_schema(answers[ok]) or ok == "204", (path, method)
            errors = {"401"} if path == "/absence-kinds" else {"401", "403", "404", "422"}
            assert errors <= set(answers), (path, method)


def code_has_schema(answer: dict) -> bool:
    return "schema" in answer.get("content", {}).get("application/json", {})


# ---- availability --------------------------------------------------------------------


def test_availability_gives_the_times_only_of_those_one_may_invite(client, network):
    meeting = meeting_for(network)  # Mikko and Leena, Thursday 8.00-9.30
    starts = timezone.localtime(meeting.starts_at)
    services.add_absence(
        actor=network.convener,
        kind="training",
        starts_on=starts.date(),
        ends_on=starts.date(),
        from_time=time(12),
        to_time=time(14),
    )
    mikko, leena, sanna = (network.people[k].pk for k in ("mikko", "leena", "sanna"))
    api = Api(client, network.convener)
    response = api.get(
        "/availability",
        professional_ids=f"{mikko},{leena},{sanna},{mikko}",
        start=iso(starts.replace(hour=0)),
        end=iso(starts.replace(hour=23)),
    )
    assert response.status_code == 200, response.content
    by_id = {row["professional_id"]: row["busy"] for row in response.json()}
    assert list(by_id) == [mikko, leena, sanna]
    assert by_id[mikko] == [{"starts_at": iso(starts), "ends_at": iso(meeting.ends_at)}]
    # Sanna convenes it and is away at noon: two times, not why.
    assert by_id[sanna] == [
        {"starts_at": iso(starts), "ends_at": iso(meeting.ends_at)},
        {
            "starts_at": iso(starts.replace(hour=12)),
            "ends_at": iso(starts.replace(hour=14)),
        },
    ]
    text = response.content.decode()
    for secret in ("Päiväkoti", "Perhe K", "training", "koulutus", "place", "kind"):
        assert secret not in text
    # A time reaching past the period is cut to it.
    cut = api.get(
        "/availability",
        professional_ids=str(mikko),
        start=iso(starts + timedelta(minutes=30)),
        end=iso(starts + timedelta(minutes=60)),
    ).json()
    assert cut[0]["busy"] == [
        {
            "starts_at": iso(starts + timedelta(minutes=30)),
            "ends_at": iso(starts + timedelta(minutes=60)),
        }
    ]
    # Reading busy times is no read of a family.
    assert not AccessLogEntry.objects.filter(user=network.convener).exists()


def _left(network) -> tuple[User, Professional]:
    """A professional of Järvelä with a login and a token, who then leaves."""
    user = User.objects.create_user(
        username="lahtija",
        password=PASSWORD,
        role=User.Role.PROFESSIONAL,
        municipality=network.town,
    )
    county = Organisation.objects.get(name="Hyvinvointialue")
    person = _professional("Lauri Lähtijä", county, network.town, ["social_work"], user)
    return user, person


def test_availability_of_outsiders_and_for_outsiders_is_refused(client, network):
    user, person = _left(network)
    mikko = network.people["mikko"].pk
    week = {"start": iso(next_thursday_at(0)), "end": iso(next_thursday_at(0) + timedelta(days=7))}
    api = Api(client, network.convener)
    # Koivuranta's Eeva and someone who has left are not for Järvelä to see.
    refused(
        api.get("/availability", professional_ids=f"{mikko},{network.people['eeva'].pk}", **week),
        403,
    )
    save_professional(actor=network.coordinator, professional=person, data={"is_active": False})
    refused(api.get("/availability", professional_ids=f"{mikko},{person.pk}", **week), 403)
    refused(api.get("/availability", professional_ids="999999", **week), 403)
    # A coordinator is not a professional; Koivuranta's convener sees Koivuranta only.
    refused(
        Api(client, network.coordinator).get("/availability", professional_ids=str(mikko), **week),
        403,
    )
    refused(
        Api(client, network.convener2).get("/availability", professional_ids=str(mikko), **week),
        403,
    )


@pytest.mark.parametrize(
    "params",
    [
        {"professional_ids": "{mikko}", "start": "eilen", "end": "huomenna"},
        {"professional_ids": "{mikko}", "start": "2026-13-40T25:00", "end": "{end}"},
        {"professional_ids": "²", "start": "{start}", "end": "{end}"},
        {"professional_ids": "{mikko},²", "start": "{start}", "end": "{end}"},
        {"professional_ids": "1.0", "start": "{start}", "end": "{end}"},
        {"professional_ids": "-1", "start": "{start}", "end": "{end}"},
        {"professional_ids": "{mikko},,", "start": "{start}", "end": "{end}"},
        {"professional_ids": "", "start": "{start}", "end": "{end}"},
        {"professional_ids": "99999999999999999999", "start": "{start}", "end": "{end}"},
        {
            "professional_ids": ",".join(str(i) for i in range(1, 52)),
            "start": "{start}",
            "end": "{end}",
        },
        {"professional_ids": "{mikko}", "start": "{end}", "end": "{start}"},
        {"professional_ids": "{mikko}", "start": "{start}", "end": "{far}"},
        {"professional_ids": "{mikko}", "start": "0001-01-01T00:00:00+14:00", "end": "{end}"},
        {"professional_ids": "{mikko}", "start": "{start}", "end": "9999-12-31T23:59:59-14:00"},
        {"professional_ids": "{mikko}", "start": "{start}"},
        {"start": "{start}", "end": "{end}"},
    ],
)
def test_bad_availability_questions_are_422_with_a_detail(client, network, params):
    start = next_thursday_at(0)
    values = {
        "mikko": network.people["mikko"].pk,
        "start": iso(start),
        "end": iso(start + timedelta(days=7)),
        "far": iso(start + timedelta(days=121)),
    }
    query = {k: v.format(**values) for k, v in params.items()}
    refused(Api(client, network.convener).get("/availability", **query), 422)


# ---- absences ----------------------------------------------------------------------------


def test_own_absences_are_added_listed_and_removed(client, network, django_assert_num_queries):
    api = Api(client, network.convener)
    kinds = api.get("/absence-kinds").json()
    assert {"code": "holiday", "name": "loma"} in kinds
    day = timezone.localdate() + timedelta(days=10)
    response = api.post(
        "/absences",
        {
            "kind": "part_time",
            "starts_on": day.isoformat(),
            "ends_on": (day + timedelta(days=60)).isoformat(),
            "weekdays": [4],
            "from_time": "12:00",
            "to_time": "16:00",
        },
    )
    assert response.status_code == 201, response.content
    absence = response.json()
    assert absence["weekdays"] == [4] and absence["from_time"] == "12:00:00"
    assert "osa-aikapäivä" in absence["text"]
    # The token and its user; the token's use; the absences.
    with django_assert_num_queries(3):
        listed = api.get("/absences")
    assert [a["id"] for a in listed.json()] == [absence["id"]]
    # Someone else's absence is not found, and stays.
    other = Api(client, network.member)
    refused(other.delete(f"/absences/{absence['id']}"), 404)
    assert other.get("/absences").json() == []
    assert api.delete(f"/absences/{absence['id']}").status_code == 204
    refused(api.delete(f"/absences/{absence['id']}"), 404)
    assert not Absence.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "lääkäri"},
        {"ends_on": "2000-01-01"},
        {"starts_on": "eilen"},
        {"ends_on": "9999-12-31"},
        {"starts_on": "0001-01-01"},
        {"from_time": "08:00"},
        {"from_time": "16:00", "to_time": "08:00"},
        {"from_time": "08:00+02:00", "to_time": "09:00"},
        {"from_time": "25:00", "to_time": "26:00"},
        {"weekdays": [7]},
        {"weekdays": [10**20]},
        {"weekdays": ["ma"]},
        {"weekdays": [True]},
    ],
)
def test_a_bad_absence_is_refused_and_changes_nothing(client, network, change):
    day = timezone.localdate() + timedelta(days=3)
    body = {"kind": "holiday", "starts_on": day.isoformat(), "ends_on": day.isoformat(), **change}
    refused(Api(client, network.convener).post("/absences", body), 422)
    assert not Absence.objects.exists()


def test_a_coordinator_keeps_no_absences_of_their_own(client, network):
    api = Api(client, network.coordinator)
    refused(api.get("/absences"), 403)
    day = timezone.localdate().isoformat()
    refused(api.post("/absences", {"kind": "holiday", "starts_on": day, "ends_on": day}), 403)


# ---- own calendar ----------------------------------------------------------------------------


def test_the_own_calendar_link_is_masked_and_a_file_gives_busy_times(client, network, settings):
    settings.CALENDAR_ALLOW_PRIVATE_HOSTS = True
    api = Api(client, network.convener)
    assert api.get("/calendar").json() == {
        "url": None,
        "read_at": None,
        "uploaded_at": None,
        "error": None,
        "error_text": None,
        "busy_count": 0,
    }
    secret = "https://cal.example/owa/calendar/4f3a9c1e2b7d/calendar.ics"
    saved = api.put("/calendar", {"url": secret})
    assert saved.status_code == 200, saved.content
    assert saved.json()["url"] == "https://cal.example/…/calendar.ics"
    assert "4f3a9c1e2b7d" not in api.get("/calendar").content.decode()
    assert CalendarSource.objects.get().url == secret

    begins = next_thursday_at(13)
    uploaded = api.post(
        "/calendar/upload", {"ics": ics((begins, begins + timedelta(hours=1), "Lääkäri"))}
    )
    assert uploaded.status_code == 200, uploaded.content
    assert uploaded.json()["read"] == 1 and uploaded.json()["busy_count"] == 1
    me = network.people["sanna"].pk
    busy = api.get(
        "/availability",
        professional_ids=str(me),
        start=iso(begins - timedelta(hours=1)),
        end=iso(begins + timedelta(hours=3)),
    ).json()
    assert busy == [
        {
            "professional_id": me,
            "busy": [{"starts_at": iso(begins), "ends_at": iso(begins + timedelta(hours=1))}],
        }
    ]
    assert "Lääkäri" not in json.dumps(busy)

    refused(api.post("/calendar/upload", {"ics": "ei kalenteri"}), 422)
    assert ExternalBusy.objects.count() == 1
    refused(api.put("/calendar", {"url": "ftp://cal.example/x.ics"}), 422)
    assert api.delete("/calendar").json()["url"] is None
    assert CalendarSource.objects.get().url == ""


def test_a_calendar_link_into_our_own_network_is_refused(client, network, settings):
    settings.CALENDAR_ALLOW_PRIVATE_HOSTS = False
    response = Api(client, network.convener).put("/calendar", {"url": "http://127.0.0.1/x.ics"})
    refused(response, 422)
    assert "sisäverkosta" in response.json()["detail"]
    assert not CalendarSource.objects.exclude(url="").exists()


# ---- slot search ----------------------------------------------------------------------------


def test_the_slot_search_gives_slots_with_who_covers_what(client, network):
    concern = concern_for(network.convener)
    response = Api(client, network.convener).post(
        f"/concerns/{concern.pk}/slot-search",
        {"needs": ["family_guide", "child_health_clinic"], "count": 2},
    )
    assert response.status_code == 200, response.content
    found = response.json()
    assert found["explanation"] is None
    assert len(found["slots"]) == 2
    first = found["slots"][0]
    assert timezone.localtime(datetime.fromisoformat(first["starts_at"])).weekday() == 3
    assert sorted((c["expertise"], c["name"]) for c in first["cover"]) == [
        ("child_health_clinic", "Leena Koivisto"),
        ("family_guide", "Mikko Harju"),
    ]
    assert {c["professional_id"] for c in first["cover"]} == {
        network.people["mikko"].pk,
        network.people["leena"].pk,
    }
    # The concern was read through the API, once.
    assert AccessLogEntry.objects.filter(user=network.convener, via_api=True).count() == 1


def test_a_blocked_week_is_explained_with_reasons_and_suggestions(client, network):
    concern = concern_for(network.convener)
    api = Api(client, network.convener)
    first = api.post(f"/concerns/{concern.pk}/slot-search", {"needs": ["family_guide"]})
    week = monday_of(datetime.fromisoformat(first.json()["slots"][0]["starts_at"]))
    # Mikko, the team's only family guide, is on holiday the week of the first slot.
    services.add_absence(
        actor=network.member, kind="holiday", starts_on=week, ends_on=week + timedelta(days=6)
    )
    response = api.post(
        f"/concerns/{concern.pk}/slot-search",
        {"needs": ["family_guide"], "day_from": week.isoformat(), "count": 1},
    )
    assert response.status_code == 200, response.content
    found = response.json()
    assert found["slots"] == []
    reasons, suggestions = found["explanation"]["reasons"], found["explanation"]["suggestions"]
    assert reasons and suggestions
    assert {"need", "person"} & {r["code"] for r in reasons}
    assert all(r["text"] and isinstance(r["params"], dict) for r in reasons)
    later = next(s for s in suggestions if s["code"] == "later")
    assert later["text"].startswith("Myöhemmin")
    assert datetime.fromisoformat(later["params"]["starts_at"]).date() > week


@pytest.mark.parametrize(
    "body",
    [
        {"needs": ["astrology"]},
        {"needs": ["family_guide"], "duration_minutes": 5},
        {"needs": ["family_guide"], "duration_minutes": "90"},
        {"needs": ["family_guide"], "count": 11},
        {"needs": ["family_guide"], "count": 0},
        {"needs": ["family_guide"], "required": ["²"]},
        {"needs": ["family_guide"], "required": [10**20]},
        {"needs": ["family_guide"], "required": "{eeva}"},
        {"needs": ["family_guide"], "optional": ["{eeva}"]},
        {"needs": ["family_guide"], "named": {"family_guide": "{eeva}"}},
        {"needs": ["family_guide"], "room_id": "{room2}"},
        {"needs": ["family_guide"], "team_id": "{team2}"},
        {"needs": ["family_guide"], "waive_deadline": "true"},
        {"needs": ["family_guide"], "day_from": "ensi viikko"},
        {"needs": ["family_guide"], "day_from": "9999-12-31"},
        {"needs": ["family_guide"], "day_to": "2030-01-01"},
        {"needs": ["family_guide"], "day_from": "2030-01-08", "day_to": "2030-01-01"},
        {"needs": ["family_guide"], "family_times": [["2030-01-01T09:00", "2030-01-01T08:00"]]},
        {"needs": ["family_guide"], "family_times": [["9999-12-31T23:00:00-14:00", "x"]]},
        {
            "needs": ["family_guide"],
            "family_times": [["0001-01-01T00:00:00+14:00", "2030-01-01T08:00"]],
        },
        {"needs": ["family_guide"] * 11},
        [],
        "nonsense",
    ],
)
def test_a_bad_slot_search_is_4xx_with_a_detail(client, network, body):
    other_room = Room.objects.create(
        municipality=network.town2, name="Muu", address="x", capacity=3
    )
    values = {"eeva": network.people["eeva"].pk, "room2": other_room.pk, "team2": network.team2.pk}
    text = json.dumps(body)
    for key, value in values.items():
        text = text.replace(f'"{{{key}}}"', str(value))
    concern = concern_for(network.convener)
    response = Api(client, network.convener).post(f"/concerns/{concern.pk}/slot-search", text)
    refused(response, 400, 422)


# ---- polls ----------------------------------------------------------------------------------


def test_a_poll_is_offered_answered_and_decided_into_a_meeting(client, network):
    concern = concern_for(network.convener)
    mikko, leena = network.people["mikko"], network.people["leena"]
    convener, member = Api(client, network.convener), Api(client, network.member)
    starts = [next_thursday_at(8, weeks=w) for w in (3, 4, 5)]
    created = convener.post(
        f"/concerns/{concern.pk}/polls",
        {
            "starts": [iso(s) for s in starts],
            "duration_minutes": 90,
            "place": "Perhekeskus",
            "invitees": [mikko.pk, leena.pk],
        },
    )
    assert created.status_code == 201, created.content
    poll = created.json()
    assert poll["status"] == "open" and poll["columns"] == [
        "Leena Koivisto",
        "Mikko Harju",
        "Perhe",
    ]
    options = [o["id"] for o in poll["options"]]
    assert [o["starts_at"] for o in poll["options"]] == [iso(s) for s in starts]
    # A second poll for the same family waits for the first.
    refused(
        convener.post(
            f"/concerns/{concern.pk}/polls",
            {
                "starts": [iso(s) for s in starts],
                "duration_minutes": 90,
                "place": "x",
                "invitees": [mikko.pk],
            },
        ),
        409,
    )

    # Mikko sees the times he is asked, never the family, and answers.
    asked = member.get("/polls/asked").json()
    assert [p["id"] for p in asked] == [poll["id"]]
    assert concern.family.alias not in json.dumps(asked)
    refused(member.get(f"/polls/{poll['id']}"), 403, 404)
    refused(member.post(f"/polls/{poll['id']}/votes", {"answers": {str(options[0]): "no"}}), 422)
    voted = member.post(
        f"/polls/{poll['id']}/votes",
        {"answers": {str(options[0]): "no", str(options[1]): "yes", str(options[2]): "maybe"}},
    )
    assert voted.status_code == 200, voted.content
    assert [o["answer"] for o in voted.json()["options"]] == ["no", "yes", "maybe"]
    refused(convener.post(f"/polls/{poll['id']}/votes", {"answers": {}}), 404)

    table = convener.get(f"/polls/{poll['id']}").json()
    assert [o["answers"] for o in table["options"]] == [
        ["", "no", ""],
        ["", "yes", ""],
        ["", "maybe", ""],
    ]
    assert table["best_option"] == options[1]

    refused(member.post(f"/polls/{poll['id']}/decide", {"option_id": options[1]}), 403, 404)
    refused(convener.post(f"/polls/{poll['id']}/decide", {"option_id": 10**20}), 422)
    decided = convener.post(f"/polls/{poll['id']}/decide", {"option_id": options[1]})
    assert decided.status_code == 201, decided.content
    meeting = decided.json()
    assert meeting["status"] == "scheduled" and meeting["starts_at"] == iso(starts[1])
    assert sorted(i["name"] for i in meeting["invitations"]) == ["Leena Koivisto", "Mikko Harju"]
    assert Poll.objects.get().meeting_id == meeting["id"]
    assert convener.get(f"/polls/{poll['id']}").json()["status"] == "decided"
    refused(convener.post(f"/polls/{poll['id']}/decide", {"option_id": options[1]}), 409)
    refused(
        member.post(f"/polls/{poll['id']}/votes", {"answers": {str(o): "yes" for o in options}}),
        409,
    )
    assert Meeting.objects.count() == 1


def test_a_poll_is_cancelled_by_its_convener_only(client, network):
    concern = concern_for(network.convener)
    poll = create_poll(
        actor=network.convener,
        concern=concern,
        starts=[next_thursday_at(8, weeks=w) for w in (3, 4)],
        duration_minutes=60,
        place="Perhekeskus",
        invitee_ids=[network.people["mikko"].pk],
    )
    refused(Api(client, network.coordinator).post(f"/polls/{poll.pk}/cancel"), 403)
    cancelled = Api(client, network.convener).post(f"/polls/{poll.pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    refused(Api(client, network.convener).post(f"/polls/{poll.pk}/cancel"), 409)


@pytest.mark.parametrize(
    "change",
    [
        {"starts": ["huomenna", "ylihuomenna"]},
        {"starts": ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]},
        {"starts": []},
        {"duration_minutes": 10**20},
        {"duration_minutes": True},
        {"invitees": ["²"]},
        {"invitees": ["{eeva}"]},
        {"place": "x" * 1000},
        {"room_id": 10**20},
    ],
)
def test_a_bad_poll_is_refused_and_changes_nothing(client, network, change):
    body = {
        "starts": [iso(next_thursday_at(8, weeks=w)) for w in (3, 4)],
        "duration_minutes": 90,
        "place": "Perhekeskus",
        "invitees": [network.people["mikko"].pk],
        **change,
    }
    text = json.dumps(body).replace('"{eeva}"', str(network.people["eeva"].pk))
    concern = concern_for(network.convener)
    refused(Api(client, network.convener).post(f"/concerns/{concern.pk}/polls", text), 422)
    assert not Poll.objects.exists()


# ---- answers and substitutes -------------------------------------------------------------------


def test_an_answer_and_a_substitute_by_the_api(client, network, second_guide):
    meeting = meeting_for(network)
    convener, member = Api(client, network.convener), Api(client, network.member)
    assert {a["code"] for a in member.get("/invitation-answers").json()} == {
        "accepted",
        "declined",
        "proposed",
    }
    refused(member.post(f"/meetings/{meeting.pk}/answer", {"answer": "proposed"}), 422)
    refused(
        member.post(
            f"/meetings/{meeting.pk}/answer",
            {"answer": "proposed", "proposed_starts_at": "2001-01-01T08:00:00+02:00"},
        ),
        422,
    )
    refused(member.post(f"/meetings/{meeting.pk}/answer", {"answer": "maybe"}), 422)
    refused(convener.post(f"/meetings/{meeting.pk}/answer", {"answer": "accepted"}), 409)
    answered = member.post(
        f"/meetings/{meeting.pk}/answer", {"answer": "declined", "note": "Koulutus samaan aikaan"}
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["answer"] == "declined"
    assert answered.json()["professional"]["name"] == "Mikko Harju"

    rows = {
        r["professional"]["name"]: r
        for r in convener.get(f"/meetings/{meeting.pk}/invitations").json()
    }
    assert rows["Mikko Harju"]["answer"] == "declined"
    assert rows["Mikko Harju"]["note"] == "Koulutus samaan aikaan"
    assert rows["Mikko Harju"]["delivery"] == "pending"
    assert rows["Leena Koivisto"]["answer"] == ""
    mikko = rows["Mikko Harju"]["id"]

    offered = convener.get(f"/meetings/{meeting.pk}/invitations/{mikko}/substitutes")
    assert offered.json() == [
        {"id": second_guide.pk, "name": "Pekka Ohjaaja", "expertise": ["Perheohjaus"]}
    ]
    refused(member.get(f"/meetings/{meeting.pk}/invitations/{mikko}/substitutes"), 403)
    assert (
        convener.get(
            f"/meetings/{meeting.pk}/invitations/{rows['Leena Koivisto']['id']}/substitutes"
        ).json()
        == []
    )
    refused(convener.get(f"/meetings/{meeting.pk}/invitations/999999/substitutes"), 404)
    refused(
        convener.post(
            f"/meetings/{meeting.pk}/invitations/{mikko}/substitute",
            {"professional_id": network.people["antti"].pk},
        ),
        422,
    )
    refused(
        member.post(
            f"/meetings/{meeting.pk}/invitations/{mikko}/substitute",
            {"professional_id": second_guide.pk},
        ),
        403,
    )
    for _twice in range(2):  # a double submit is the same substitute
        done = convener.post(
            f"/meetings/{meeting.pk}/invitations/{mikko}/substitute",
            {"professional_id": second_guide.pk},
        )
        assert done.status_code == 200, done.content
    invited = {i["name"]: i["status"] for i in done.json()["invitations"]}
    assert invited["Pekka Ohjaaja"] == "invited" and invited["Mikko Harju"] == "withdrawn"
    assert Invitation.objects.filter(meeting=meeting, professional=second_guide).count() == 1
    # Replaced, Mikko answers no more.
    refused(member.post(f"/meetings/{meeting.pk}/answer", {"answer": "accepted"}), 409)


# ---- rooms --------------------------------------------------------------------------------------


def test_a_coordinator_adds_and_changes_rooms_and_a_professional_books_them(client, network):
    coordinator, convener = Api(client, network.coordinator), Api(client, network.convener)
    body = {
        "name": "Perhekeskuksen neuvotteluhuone",
        "address": "Koulukatu 1",
        "capacity": 8,
        "accessibility": "Esteetön sisäänkäynti",
    }
    refused(convener.post("/rooms", body), 403)
    created = coordinator.post("/rooms", body)
    assert created.status_code == 201, created.content
    room = created.json()
    assert room["municipality"] == "Järvelä" and room["teams"] == [] and room["is_active"]
    refused(coordinator.post("/rooms", body), 422)  # the same name twice
    assert [r["name"] for r in convener.get("/rooms").json()] == [body["name"]]

    # Only the team's members book it from now on; the convener is none.
    changed = coordinator.put(f"/rooms/{room['id']}", {**body, "teams": [network.team.pk]})
    assert changed.status_code == 200 and changed.json()["teams"] == [network.team.pk]
    assert convener.get("/rooms").json() == []
    assert [r["id"] for r in Api(client, network.member).get("/rooms").json()] == [room["id"]]
    refused(convener.put(f"/rooms/{room['id']}", body), 403)
    refused(Api(client, network.coordinator2).put(f"/rooms/{room['id']}", body), 404)
    refused(coordinator.put(f"/rooms/{room['id']}", {**body, "teams": [network.team2.pk]}), 422)
    assert Room.objects.get().teams.get() == network.team


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"name": "x" * 201},
        {"address": "y" * 301},
        {"accessibility": "z" * 501},
        {"capacity": 0},
        {"capacity": 10**20},
        {"capacity": "8"},
        {"is_active": "yes"},
        {"teams": ["²"]},
        {"name": "Huone 010203A987J"},
    ],
)
def test_a_bad_room_is_refused(client, network, change):
    body = {"name": "Huone", "address": "Katu 1", "capacity": 8, **change}
    refused(Api(client, network.coordinator).post("/rooms", body), 422)
    assert not Room.objects.exists()


# ---- sessions -------------------------------------------------------------------------------------


@pytest.fixture
def standing(network):
    """Järvelä's team as a standing Yhdessä-tiimi: Tuesdays 13-15, two
    families a session, 45 minutes each; family guide and child health
    clinic always invited."""
    team = network.team
    team.kind = team.Kind.STANDING
    team.session_capacity, team.session_family_minutes = 2, 45
    team.save()
    team.practice.slots.all().delete()
    team.practice.deadline_rule = InvitationPractice.DeadlineRule.NONE
    team.practice.save()
    SlotWindow.objects.create(practice=team.practice, weekday=1, starts=time(13), ends=time(15))
    for code in ("family_guide", "child_health_clinic"):
        TeamRole.objects.create(team=team, expertise=Expertise.objects.get(code=code), kind="core")
    return team


def test_a_family_is_booked_into_a_session_place(client, network, standing):
    api = Api(client, network.convener)
    sessions = api.get(f"/teams/{standing.pk}/sessions", count=2).json()
    assert len(sessions) == 2 and len(sessions[0]["free"]) == 2
    first = sessions[0]
    concern = concern_for(network.convener)
    booked = api.post(
        f"/concerns/{concern.pk}/sessions",
        {"team_id": standing.pk, "session_starts_at": first["starts_at"]},
    )
    assert booked.status_code == 201, booked.content
    meeting = booked.json()
    assert meeting["starts_at"] == first["starts_at"] and meeting["duration_minutes"] == 45
    assert sorted(i["name"] for i in meeting["invitations"]) == ["Leena Koivisto", "Mikko Harju"]
    assert api.get(f"/teams/{standing.pk}/sessions").json()[0]["free"] == [first["free"][1]]
    refused(api.get(f"/teams/{standing.pk}/sessions", count=0), 422)
    refused(api.get(f"/teams/{network.team2.pk}/sessions"), 404)
    refused(
        api.post(
            f"/concerns/{concern.pk}/sessions",
            {"team_id": standing.pk, "session_starts_at": "2030-01-01T03:00:00+02:00"},
        ),
        422,
    )


# ---- the outsider, the one who has left: every endpoint --------------------------------------------


@pytest.fixture
def world(network, room):
    """One of everything in Järvelä, and the bodies that would change it."""
    meeting = meeting_for(network)
    concern = concern_for(network.convener, alias="Perhe P")
    poll = create_poll(
        actor=network.convener,
        concern=concern,
        starts=[next_thursday_at(8, weeks=w) for w in (5, 6)],
        duration_minutes=60,
        place="Perhekeskus",
        invitee_ids=[network.people["mikko"].pk],
    )
    day = timezone.localdate() + timedelta(days=5)
    absence = services.add_absence(
        actor=network.convener, kind="holiday", starts_on=day, ends_on=day
    )
    mikko = meeting.invitations.get(professional=network.people["mikko"])
    option = poll.options.first()
    week = next_thursday_at(0)
    return {
        "concern": concern.pk,
        "meeting": meeting.pk,
        "poll": poll.pk,
        "option": option.pk,
        "option_key": str(option.pk),
        "absence": absence.pk,
        "invitation": mikko.pk,
        "room": room.pk,
        "team": network.team.pk,
        "mikko": network.people["mikko"].pk,
        "antti": network.people["antti"].pk,
        "query": urlencode(
            {
                "professional_ids": network.people["mikko"].pk,
                "start": iso(week),
                "end": iso(week + timedelta(days=7)),
            }
        ),
        "day": day.isoformat(),
        "starts": [iso(next_thursday_at(8, weeks=w)) for w in (7, 8)],
        "session": iso(next_thursday_at(13)),
    }


# (method, path, body, Koivuranta's coordinator, Koivuranta's convener)
EVERY_ENDPOINT = [
    ("get", "/availability?{query}", None, {403}, {403}),
    ("get", "/absences", None, {403}, {200}),
    (
        "post",
        "/absences",
        {"kind": "holiday", "starts_on": "{day}", "ends_on": "{day}"},
        {403},
        {201},
    ),
    ("delete", "/absences/{absence}", None, {403}, {404}),
    ("get", "/calendar", None, {403}, {200}),
    ("put", "/calendar", {"url": ""}, {403}, {200}),
    ("post", "/calendar/upload", {"ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}, {403}, {200}),
    ("delete", "/calendar", None, {403}, {200}),
    ("post", "/concerns/{concern}/slot-search", {"needs": ["family_guide"]}, {404}, {404}),
    (
        "post",
        "/concerns/{concern}/polls",
        {"starts": "{starts}", "duration_minutes": 60, "place": "x", "invitees": ["{mikko}"]},
        {404},
        {404},
    ),
    ("get", "/polls/asked", None, {403}, {200}),
    ("get", "/polls/{poll}", None, {404}, {404}),
    ("post", "/polls/{poll}/votes", {"answers": {"{option_key}": "yes"}}, {403}, {404}),
    ("post", "/polls/{poll}/decide", {"option_id": "{option}"}, {404}, {404}),
    ("post", "/polls/{poll}/cancel", None, {404}, {404}),
    ("post", "/meetings/{meeting}/answer", {"answer": "declined"}, {404}, {404}),
    ("get", "/meetings/{meeting}/invitations", None, {404}, {404}),
    ("get", "/meetings/{meeting}/invitations/{invitation}/substitutes", None, {404}, {404}),
    (
        "post",
        "/meetings/{meeting}/invitations/{invitation}/substitute",
        {"professional_id": "{antti}"},
        {404},
        {404},
    ),
    ("get", "/rooms", None, {200}, {200}),
    ("post", "/rooms", {"name": "Oma", "address": "Tie 2", "capacity": 2}, {201}, {403}),
    ("put", "/rooms/{room}", {"name": "Oma", "address": "Tie 2", "capacity": 2}, {404}, {403}),
    ("get", "/teams/{team}/sessions", None, {404}, {404}),
    (
        "post",
        "/concerns/{concern}/sessions",
        {"team_id": "{team}", "session_starts_at": "{session}"},
        {404},
        {404},
    ),
]


def _filled(template, values) -> str:
    text = json.dumps(template)
    for key, value in values.items():
        text = text.replace(f'"{{{key}}}"', json.dumps(value)).replace(f"{{{key}}}", str(value))
    return text


def _state():
    return (
        sorted(Meeting.objects.values_list("pk", "status", "starts_at")),
        sorted(Invitation.objects.values_list("pk", "status", "answer")),
        sorted(Poll.objects.values_list("pk", "status")),
        sorted(
            Absence.objects.filter(professional__municipality__name="Järvelä").values_list("pk")
        ),
        sorted(Room.objects.filter(municipality__name="Järvelä").values_list("pk", "name")),
    )


def test_every_endpoint_is_in_the_table(client, network):
    assert {(m, p) for p, methods in PATHS.items() for m in methods} - {
        ("get", "/absence-kinds")
    } == {(method, _template_path(path)) for method, path, *_rest in EVERY_ENDPOINT}


def _template_path(path: str) -> str:
    names = {
        "{query}": "",
        "{absence}": "{absence_id}",
        "{concern}": "{concern_id}",
        "{poll}": "{poll_id}",
        "{meeting}": "{meeting_id}",
        "{invitation}": "{invitation_id}",
        "{room}": "{room_id}",
        "{team}": "{team_id}",
    }
    for short, long in names.items():
        path = path.replace(short, long)
    return path.removesuffix("?")


@pytest.mark.parametrize("method, path, body, for_coordinator2, for_convener2", EVERY_ENDPOINT)
def test_another_municipality_and_the_one_who_left_are_refused(
    client, network, world, method, path, body, for_coordinator2, for_convener2
):
    user, person = _left(network)
    gone = Api(client, user)
    save_professional(actor=network.coordinator, professional=person, data={"is_active": False})
    url = _filled(path, world).strip('"')
    data = _filled(body, world) if body is not None else None
    before = _state()
    logged = AccessLogEntry.objects.count()
    for caller, allowed in (
        (Api(client, network.coordinator2), for_coordinator2),
        (Api(client, network.convener2), for_convener2),
        (gone, {401}),
    ):
        response = (
            getattr(caller, method)(url)
            if data is None and method in ("get", "delete")
            else caller.send(method, url, data)
        )
        assert response.status_code in allowed, (caller, response.status_code, response.content)
        if response.status_code >= 400:
            refused(response, *allowed)
        # Nothing of Järvelä is shown to them.
        for secret in ("Perhe K", "Perhe P", "neuvotteluhuone", "Harju"):
            assert secret not in response.content.decode()
    assert _state() == before
    assert AccessLogEntry.objects.count() == logged


# ---- never 500 ---------------------------------------------------------------------------------------

hostile = (
    st.integers(min_value=-(10**25), max_value=10**25)
    | st.sampled_from(["²", "", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "true"])
    | st.sampled_from([True, None, 1.5, [], {}])
    | st.text(max_size=10)
)
values = st.recursive(
    hostile,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
FUZZ = hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def never_500(response):
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), response.content
        assert isinstance(response.json()["detail"], str)


@pytest.fixture
def convener_api(client, network):
    return Api(client, network.convener)


SLOT_FIELDS = [
    "needs",
    "required",
    "optional",
    "named",
    "family_times",
    "room_id",
    "duration_minutes",
    "waive_deadline",
    "waive_windows",
    "day_from",
    "day_to",
    "count",
    "team_id",
]


@FUZZ
@given(body=st.fixed_dictionaries({}, optional={k: values for k in SLOT_FIELDS}) | values)
def test_any_slot_search_body_is_answered(network, convener_api, body):
    concern = concern_for(network.convener)
    never_500(convener_api.post(f"/concerns/{concern.pk}/slot-search", body))


@FUZZ
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            k: values for k in ("kind", "starts_on", "ends_on", "from_time", "to_time", "weekdays")
        },
    )
)
def test_any_absence_body_is_answered(convener_api, body):
    never_500(convener_api.post("/absences", body))


@FUZZ
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            k: values
            for k in ("starts", "duration_minutes", "place", "invitees", "room_id", "team_id")
        },
    )
)
def test_any_poll_body_is_answered(network, convener_api, body):
    concern = concern_for(network.convener)
    never_500(convener_api.post(f"/concerns/{concern.pk}/polls", body))
    assert not Poll.objects.exists()


@FUZZ
@given(ids=st.text(max_size=12), start=st.text(max_size=26), end=st.text(max_size=26))
def test_any_availability_question_is_answered(convener_api, ids, start, end):
    never_500(convener_api.get("/availability", professional_ids=ids, start=start, end=end))


@pytest.mark.parametrize(
    "object_id", ["²", "-1", "0", "99999999999999999999", "9223372036854775808", "x"]
)
@pytest.mark.parametrize(
    "method, path",
    [
        ("delete", "/absences/{}"),
        ("post", "/concerns/{}/slot-search"),
        ("post", "/concerns/{}/polls"),
        ("get", "/polls/{}"),
        ("post", "/polls/{}/votes"),
        ("post", "/polls/{}/decide"),
        ("post", "/polls/{}/cancel"),
        ("post", "/meetings/{}/answer"),
        ("get", "/meetings/{}/invitations"),
        ("get", "/meetings/{}/invitations/{}/substitutes"),
        ("post", "/meetings/{}/invitations/{}/substitute"),
        ("put", "/rooms/{}"),
        ("get", "/teams/{}/sessions"),
        ("post", "/concerns/{}/sessions"),
    ],
)
def test_a_path_id_that_is_no_id_is_not_found(convener_api, method, path, object_id):
    url = path.replace("{}", object_id)
    if method in ("get", "delete"):
        response = getattr(convener_api, method)(url)
    else:
        response = convener_api.send(method, url, {})
    never_500(response)
    assert response.status_code in (404, 422)
