"""The meeting room and the lead's follow-up in the API (yhdessa/api/follow_up.py),
walked as a client system would: the room's clock, discussion and drafts,
the family's own star placement, plan actions with a doer and a date, the
lead's worklist, contacts, hand-over, sharing and closing, the review at a
follow-up meeting and the summary for one's own records; each refused to
those who may not (an outsider, a non-lead, another municipality, someone
who has left); bad input answered 4xx with a JSON detail, never 500; and
two hand-overs or two contacts at once (PostgreSQL: really at once).

Personas (conftest): Sanna (``convener``) convened the meeting; Mikko
(``member``) attended and leads the plan; Leena attended (she is given a
login here); Ulla works in Järvelä but has nothing to do with the family;
Koivuranta's convener and coordinator are another municipality."""

import json
import time
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import _user, concern_for, meeting_for, next_thursday_at, together
from yhdessa.api.auth import issue_token
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.models import Concern
from yhdessa.meetings.models import RunSheet
from yhdessa.network.models import Organisation, Professional
from yhdessa.network.services import save_professional
from yhdessa.notify.models import OutboxMessage
from yhdessa.plans import follow_up
from yhdessa.plans.models import (
    FollowUpContact,
    JointPlan,
    PlanReview,
    PlanShare,
    StarArea,
    StarPlacement,
)
from yhdessa.plans.services import record_plan

pytestmark = pytest.mark.django_db

HETU = "131052-308T"  # a synthetic identity code of the valid form
PHONE = "040 123 4567"  # identifying, asked about rather than refused


class Api:
    def __init__(self, client, user, language: str = "fi"):
        self.client = client
        self.headers = {"Authorization": f"Bearer {issue_token(user)}", "Accept-Language": language}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def send(self, method, path, body=None):
        if method in ("get", "delete"):
            return getattr(self.client, method)(f"/api/v1{path}", headers=self.headers)
        data = body if isinstance(body, str | bytes) else json.dumps({} if body is None else body)
        return getattr(self.client, method)(
            f"/api/v1{path}", data, content_type="application/json", headers=self.headers
        )

    def post(self, path, body=None):
        return self.send("post", path, body)

    def put(self, path, body=None):
        return self.send("put", path, body)

    def delete(self, path):
        return self.send("delete", path)


def refused(response, *statuses):
    """A 4xx of the given statuses with a JSON detail."""
    assert response.status_code in statuses, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json"), response.content
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]


def login_for(network, key: str) -> "Professional":
    """Give one of the network's professionals a login of their own."""
    user = _user(key, network.town)
    Professional.objects.filter(pk=network.people[key].pk).update(user=user)
    return user


def day(offset: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def logged(user, what, why=None) -> list[AccessLogEntry]:
    rows = AccessLogEntry.objects.filter(user=user, what=what)
    if why:
        rows = rows.filter(why=why)
    return list(rows)


@pytest.fixture
def follow_up_meeting(network, planned_meeting):
    """A held follow-up of the planned meeting, convened by Sanna."""
    return meeting_for(
        network,
        held=True,
        concern=planned_meeting.concern,
        starts_at=next_thursday_at(weeks=-1),
    )


@pytest.fixture
def leena(network):
    return login_for(network, "leena")


@pytest.fixture
def ulla(network):
    return login_for(network, "outsider")


# ---- the document ------------------------------------------------------------------

PATHS = {
    "/action-responsibles": ["get"],
    "/contact-kinds": ["get"],
    "/close-outcomes": ["get"],
    "/action-results": ["get"],
    "/matter-trends": ["get"],
    "/discussion-frames": ["get"],
    "/meetings/{meeting_id}/room": ["get"],
    "/meetings/{meeting_id}/room/clock": ["post"],
    "/meetings/{meeting_id}/room/discussion": ["put"],
    "/meetings/{meeting_id}/room/draft": ["put"],
    "/meetings/{meeting_id}/star-placements": ["put"],
    "/meetings/{meeting_id}/plan/responsible": ["get"],
    "/follow-up": ["get"],
    "/meetings/{meeting_id}/plan/contacts": ["get", "post"],
    "/meetings/{meeting_id}/plan/handover-candidates": ["get"],
    "/meetings/{meeting_id}/plan/handover": ["post"],
    "/meetings/{meeting_id}/plan/share-candidates": ["get"],
    "/meetings/{meeting_id}/plan/shares": ["get", "post"],
    "/meetings/{meeting_id}/plan/shares/{share_id}": ["delete"],
    "/meetings/{meeting_id}/plan/close": ["post"],
    "/meetings/{meeting_id}/review": ["get", "put"],
    "/meetings/{meeting_id}/summary": ["get"],
    "/meetings/{meeting_id}/summary.pdf": ["get"],
}


def test_every_endpoint_is_in_the_openapi_document_with_a_description(client, network):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, methods in PATHS.items():
        for method in methods:
            operation = paths[f"/api/v1{path}"][method]
            assert operation["summary"], (path, method)
            assert operation["description"], (path, method)
            answers = operation["responses"]
            ok = next(code for code in answers if code.startswith("2"))
            content = answers[ok].get("content", {})
            assert (
                ok == "204"
                or "schema" in content.get("application/json", {})
                or ("application/pdf" in content)
            ), (path, method)
            reference = not path.startswith(("/meetings", "/follow-up"))
            errors = {"401"} if reference else {"401", "403", "404", "422"}
            assert errors <= set(answers), (path, method)


def test_the_plan_schema_stays_compatible(client, network):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    action_in = schemas["ActionIO"]
    # An old client sends where, place and text only: nothing new is required.
    assert set(action_in["required"]) == {"where", "text"}
    assert {"responsible", "professional", "organisation", "due_on"} <= set(action_in["properties"])
    action_out = schemas["ActionOut"]
    assert {"where", "place", "text", "id", "responsible_name"} <= set(action_out["properties"])


@pytest.mark.parametrize(
    "path, codes",
    [
        ("/action-responsibles", {"family", "professional", "organisation"}),
        ("/contact-kinds", {"phone", "meeting", "visit", "message", "other"}),
        ("/action-results", {"done", "partly", "not_done", "not_needed"}),
        ("/matter-trends", {"better", "same", "worse"}),
        ("/discussion-frames", {"star", "lapset_puheeksi"}),
        (
            "/close-outcomes",
            {
                "everyday_smooth",
                "in_service",
                "plan_completed",
                "moved_away",
                "declined",
                "other",
            },
        ),
    ],
)
def test_reference_lists_in_the_callers_language(client, network, path, codes):
    finnish = Api(client, network.convener).get(path).json()
    assert {c["code"] for c in finnish} == codes
    assert all(c["name"] for c in finnish)
    assert client.get(f"/api/v1{path}").status_code == 401


def test_the_lists_speak_the_callers_language(client, network):
    swedish = Api(client, network.convener, "sv").get("/contact-kinds").json()
    assert {"code": "phone", "name": "samtal"} in swedish


# ---- the meeting ---------------------------------------------------------------------


def test_a_meeting_says_which_meeting_it_follows(client, network, planned_meeting):
    api = Api(client, network.member)  # Mikko, the lead, convenes the follow-up
    response = api.post(
        "/meetings",
        {
            "concern": planned_meeting.concern_id,
            "starts_at": timezone.localtime(next_thursday_at(8, weeks=4)).isoformat(),
            "duration_minutes": 60,
            "place": "Perheen koti",
            "invitees": [network.people["sanna"].pk],
            "confirm_double_booking": True,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["follows"] == planned_meeting.pk
    assert response.json()["is_follow_up"] is True
    first = api.get(f"/meetings/{planned_meeting.pk}").json()
    assert first["follows"] is None and first["is_follow_up"] is False


# ---- the meeting room ------------------------------------------------------------------


def test_the_room_has_its_phases_and_clock(client, network):
    meeting = meeting_for(network)
    api = Api(client, network.convener)
    response = api.get(f"/meetings/{meeting.pk}/room")
    assert response.status_code == 200, response.content
    room = response.json()
    codes = [p["code"] for p in room["phases"]]
    assert codes[0] == "room" and codes[-1] == "close"
    assert "review" not in codes  # a first meeting reviews no plan
    assert all(p["title"] and p["prompt"] for p in room["phases"])
    starts = timezone.localtime(meeting.starts_at)
    assert room["clock"] == {
        "started": False,
        "starts_at": starts.isoformat(),
        "summary_at": (starts + timedelta(minutes=90 - 22.5)).isoformat(),
        "ends_at": (starts + timedelta(minutes=90)).isoformat(),
    }
    assert room["frame"] == "star" and room["child_view"] == "" and room["draft"] == {}
    assert room["draft_saved_at"] is None and room["lapset_puheeksi_url"]
    assert not RunSheet.objects.exists()  # a read creates nothing
    (row,) = logged(network.convener, AccessLogEntry.What.MEETING)
    assert row.via_api and row.why == AccessLogEntry.Why.CONVENER


def test_a_follow_up_room_reviews_the_plan(client, network, follow_up_meeting):
    room = Api(client, network.convener).get(f"/meetings/{follow_up_meeting.pk}/room").json()
    assert room["is_follow_up"] is True
    assert "review" in [p["code"] for p in room["phases"]]


def test_starting_the_clock(client, network):
    meeting = meeting_for(network)
    before = timezone.now()
    response = Api(client, network.convener).post(f"/meetings/{meeting.pk}/room/clock")
    assert response.status_code == 200, response.content
    clock = response.json()["clock"]
    assert clock["started"] is True
    started = RunSheet.objects.get(meeting=meeting).clock_started_at
    assert started >= before
    # (JSON keeps milliseconds.)
    shown = datetime.fromisoformat(clock["starts_at"])
    assert abs(shown - started) < timedelta(milliseconds=1)


def test_the_discussion_is_saved_and_its_drafts_dropped(client, network):
    meeting = meeting_for(network)
    api = Api(client, network.convener)
    drafted = api.put(
        f"/meetings/{meeting.pk}/room/draft",
        {"fields": {"child_view": "Luonnos", "strengths_3": "Leikkii mielellään"}},
    )
    assert drafted.status_code == 200, drafted.content
    response = api.put(
        f"/meetings/{meeting.pk}/room/discussion",
        {
            "frame": "lapset_puheeksi",
            "child_view": "Lapsi toivoo iltasatua.\r\n",
            "frame_notes": "Arjen voimavarat käytiin läpi.",
        },
    )
    assert response.status_code == 200, response.content
    room = response.json()
    assert room["frame"] == "lapset_puheeksi"
    assert room["child_view"] == "Lapsi toivoo iltasatua."
    assert room["frame_notes"] == "Arjen voimavarat käytiin läpi."
    assert room["draft"] == {"strengths_3": "Leikkii mielellään"}


def test_the_discussion_refuses_identity_codes_and_asks_about_other_data(client, network):
    meeting = meeting_for(network)
    api = Api(client, network.convener)
    url = f"/meetings/{meeting.pk}/room/discussion"
    response = api.put(url, {"frame": "star", "child_view": f"Lapsi {HETU}"})
    refused(response, 422)
    assert "child_view" in response.json()["errors"]
    assert HETU not in response.content.decode()
    asked = api.put(url, {"frame": "star", "child_view": f"Isän numero {PHONE}"})
    refused(asked, 409)
    assert asked.json()["warnings"]
    assert not RunSheet.objects.filter(child_view__contains="numero").exists()
    confirmed = api.put(
        url,
        {"frame": "star", "child_view": f"Isän numero {PHONE}", "confirm_identifying": True},
    )
    assert confirmed.status_code == 200, confirmed.content
    refused(api.put(url, {"frame": "kaikki", "child_view": ""}), 422)
    refused(api.put(url, {"frame": "star", "child_view": "x" * 2001}), 422)
    refused(api.put(url, {"frame": "star", "confirm_identifying": "true"}), 422)


def test_drafts_keep_every_field_but_one_with_an_identity_code(client, network):
    meeting = meeting_for(network)
    api = Api(client, network.convener)
    url = f"/meetings/{meeting.pk}/room/draft"
    first = api.put(url, {"fields": {"concerns_2": f"hetu {HETU}", "matters_0": "Iltarutiini"}})
    assert first.status_code == 200, first.content
    body = first.json()
    assert set(body["refused"]) == {"concerns_2"} and body["saved_at"]
    # Another tab's fields stay.
    assert api.put(url, {"fields": {"child_view": "Toivoo satua"}}).status_code == 200
    room = api.get(f"/meetings/{meeting.pk}/room").json()
    assert room["draft"] == {"matters_0": "Iltarutiini", "child_view": "Toivoo satua"}
    assert room["draft_saved_at"]
    assert HETU not in json.dumps(RunSheet.objects.get().draft)
    for bad in (
        {"fields": {"Ei-kelpaa": "x"}},
        {"fields": {"child_view": 5}},
        {"fields": {"child_view": None}},
        {"fields": {"child_view": "x" * 4001}},
        {"fields": {f"field_{n}": "x" for n in range(201)}},
        {"fields": []},
        {},
    ):
        refused(api.put(url, bad), 422)


def test_the_room_of_a_cancelled_meeting_takes_nothing(client, network):
    meeting = meeting_for(network)
    api = Api(client, network.convener)
    assert api.post(f"/meetings/{meeting.pk}/cancel", {}).status_code == 200
    assert api.get(f"/meetings/{meeting.pk}/room").status_code == 200
    refused(api.post(f"/meetings/{meeting.pk}/room/clock"), 409)
    refused(api.put(f"/meetings/{meeting.pk}/room/draft", {"fields": {"child_view": "x"}}), 409)
    refused(
        api.put(
            f"/meetings/{meeting.pk}/star-placements", {"placements": [{"area": 1, "value": 5}]}
        ),
        409,
    )


# ---- the family's own star placement -----------------------------------------------------


def test_the_family_places_itself_and_sees_the_change(client, network, follow_up_meeting):
    first = follow_up_meeting.follows
    api = Api(client, network.convener)
    response = api.put(
        f"/meetings/{first.pk}/star-placements",
        {"placements": [{"area": 1, "value": 4}, {"area": 2, "value": 7}]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["first_meeting"] is None  # the first meeting is this one
    later = api.put(
        f"/meetings/{follow_up_meeting.pk}/star-placements",
        {"placements": [{"area": 1, "value": 6}, {"area": 3, "value": None}]},
    ).json()
    assert later["first_meeting"] == first.pk
    rows = {r["area"]: r for r in later["areas"]}
    assert rows[1] == {"area": 1, "name": rows[1]["name"], "first": 4, "now": 6, "change": 2}
    assert rows[2]["first"] == 7 and rows[2]["now"] is None and rows[2]["change"] is None
    assert list(rows) == list(StarArea.objects.values_list("number", flat=True))
    # An empty value removes the area's placement.
    api.put(f"/meetings/{first.pk}/star-placements", {"placements": [{"area": 2, "value": None}]})
    assert set(StarPlacement.objects.values_list("meeting_id", "area__number", "value")) == {
        (first.pk, 1, 4),
        (follow_up_meeting.pk, 1, 6),
    }


@pytest.mark.parametrize(
    "placement",
    [
        {"area": 1, "value": 0},
        {"area": 1, "value": 11},
        {"area": 99, "value": 5},
        {"area": 10**20, "value": 5},
        {"area": 1, "value": 10**20},
        {"area": 1, "value": "5"},
        {"area": 1, "value": True},
        {"area": "1", "value": 5},
        {"value": 5},
    ],
)
def test_a_placement_off_the_scale_is_refused(client, network, held_meeting, placement):
    response = Api(client, network.convener).put(
        f"/meetings/{held_meeting.pk}/star-placements", {"placements": [placement]}
    )
    refused(response, 422)
    assert not StarPlacement.objects.exists()


# ---- plan actions: who does what, by when -------------------------------------------------


def plan_body(network, actions, **overrides) -> dict:
    return {
        "matters": ["Iltarutiini"],
        "actions": actions,
        "follow_up": "Mikko soittaa.",
        "lead_professionals": [network.people["mikko"].pk],
        "next_contact": day(7),
        **overrides,
    }


@pytest.fixture
def ngo(network):
    ngo = Organisation.objects.get(name="Perhekulma ry")
    ngo.municipalities.add(network.town)  # it serves Järvelä
    return ngo


def test_plan_actions_name_who_does_them_and_by_when(client, network, held_meeting, ngo):
    api = Api(client, network.convener)
    meeting_day = timezone.localtime(held_meeting.starts_at).date()
    due = (meeting_day + timedelta(days=30)).isoformat()
    sanna = network.people["sanna"].pk
    choices = api.get(f"/meetings/{held_meeting.pk}/plan/responsible").json()
    assert {p["name"] for p in choices["people"]} == {
        "Sanna Lehtola",
        "Mikko Harju",
        "Leena Koivisto",
    }
    assert choices["organisations"] == [{"id": ngo.pk, "name": "Perhekulma ry"}]
    actions = [
        {"where": "home", "text": "Kuvallinen iltarutiini", "responsible": "family", "due_on": due},
        {
            "where": "everyday_environment",
            "text": "Päiväkodin kuvakortit",
            "responsible": "professional",
            "professional": sanna,
        },
        {
            "where": "elsewhere",
            "place": "Perhekulma",
            "text": "Perhekahvila",
            "responsible": "organisation",
            "organisation": ngo.pk,
        },
        {"where": "home", "text": "Iltasatu"},  # as an old client sends it
    ]
    response = api.put(f"/meetings/{held_meeting.pk}/plan", plan_body(network, actions))
    assert response.status_code == 200, response.content
    got = api.get(f"/meetings/{held_meeting.pk}/plan").json()
    assert got == response.json()
    out = got["actions"]
    assert [a["responsible_name"] for a in out] == ["Perhe", "Sanna Lehtola", "Perhekulma ry", ""]
    assert out[0]["due_on"] == due and out[1]["due_on"] is None
    assert (out[1]["professional"], out[1]["organisation"]) == (sanna, None)
    assert (out[2]["professional"], out[2]["organisation"]) == (None, ngo.pk)
    # What an old client reads is as it was.
    assert {k: out[3][k] for k in ("where", "place", "text")} == {
        "where": "home",
        "place": None,
        "text": "Iltasatu",
    }
    assert out[3]["responsible"] == "" and out[3]["id"]


@pytest.mark.parametrize(
    "action",
    [
        {"responsible": "professional", "professional": "riikka"},  # not at the meeting
        {"responsible": "professional"},
        {"responsible": "organisation", "organisation": "school"},  # does not serve Järvelä
        {"responsible": "naapuri"},
        {"due_on": "before"},
        {"due_on": "far"},
        {"due_on": "2026-13-01"},
        {"due_on": "9999-12-31"},
        {"due_on": "0001-01-01"},
        {"professional": 10**20, "responsible": "professional"},
        {"responsible": None},
        {"responsible": 3},
    ],
)
def test_a_doer_or_a_date_that_cannot_be_is_refused(client, network, held_meeting, ngo, action):
    meeting_day = timezone.localtime(held_meeting.starts_at).date()
    named = {
        "riikka": network.people["riikka"].pk,
        "school": Organisation.objects.get(name__startswith="Kunta").pk,
        "before": (meeting_day - timedelta(days=1)).isoformat(),
        "far": (meeting_day + timedelta(days=800)).isoformat(),
    }
    action = {k: named.get(v, v) if isinstance(v, str) else v for k, v in action.items()}
    body = plan_body(network, [{"where": "home", "text": "Iltarutiini", **action}])
    response = Api(client, network.convener).put(f"/meetings/{held_meeting.pk}/plan", body)
    refused(response, 422)
    assert "actions" in response.json()["detail"]
    assert not JointPlan.objects.exists()


# ---- the lead's worklist ---------------------------------------------------------------


def test_the_worklist_lists_the_plans_one_leads_overdue_first(
    client, network, planned_meeting, django_assert_num_queries
):
    other = meeting_for(
        network,
        held=True,
        concern=concern_for(network.convener, alias="Perhe L"),
        starts_at=next_thursday_at(weeks=-3),
    )
    meeting_day = timezone.localtime(other.starts_at).date()
    record_plan(
        actor=network.convener,
        meeting=other,
        matters=["Uni"],
        actions=[{"where": "home", "text": "Iltarutiini"}],
        follow_up="Mikko soittaa.",
        lead_ids=[network.people["mikko"].pk],
        next_contact=meeting_day,  # agreed for the meeting's day: overdue now
    )
    api = Api(client, network.member)
    # The token, its last use, the plans (with their families, last contact and
    # follow-up meeting), their leads, and one insert of the access-log rows.
    with django_assert_num_queries(5):
        response = api.get("/follow-up")
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [r["meeting"] for r in rows] == [other.pk, planned_meeting.pk]
    assert [r["state"] for r in rows] == ["overdue", "soon"]
    assert rows[0]["state_name"] == "myöhässä"
    assert rows[0]["family"]["alias"] == "Perhe L"
    assert rows[1]["next_contact"] == day(7) and rows[1]["last_contact"] is None
    assert rows[1]["follow_up_at"] is None
    assert rows[1]["leads"] == [{"id": network.people["mikko"].pk, "name": "Mikko Harju"}]
    listed = logged(network.member, AccessLogEntry.What.LIST, AccessLogEntry.Why.LEAD)
    assert len(listed) == 2 and all(r.via_api for r in listed)
    # A contact logged shows as the last one.
    api.post(
        f"/meetings/{planned_meeting.pk}/plan/contacts",
        {"on": day(), "how": "phone", "next_contact": day(30)},
    )
    # And so does a follow-up meeting agreed.
    coming = meeting_for(network, concern=planned_meeting.concern)
    row = next(r for r in api.get("/follow-up").json() if r["meeting"] == planned_meeting.pk)
    assert row["last_contact"] == day() and row["state"] == "later"
    assert row["follow_up_at"] == timezone.localtime(coming.starts_at).isoformat()


def test_the_worklist_of_anyone_else_is_empty(client, network, planned_meeting, leena):
    for user in (network.convener, leena, network.convener2):
        response = Api(client, user).get("/follow-up")
        assert response.status_code == 200 and response.json() == [], user
    # A coordinator is no professional: there is no worklist of their own.
    for user in (network.coordinator, network.coordinator2):
        refused(Api(client, user).get("/follow-up"), 403)
    assert not AccessLogEntry.objects.filter(what=AccessLogEntry.What.LIST).exists()


def test_a_closed_family_leaves_the_worklist(client, network, planned_meeting):
    api = Api(client, network.member)
    response = api.post(
        f"/meetings/{planned_meeting.pk}/plan/close",
        {"outcome": "plan_completed", "note": "Arki sujuu."},
    )
    assert response.status_code == 200, response.content
    concern = response.json()
    assert concern["close_reason"] == "plan_completed" and concern["closed_at"]
    assert api.get("/follow-up").json() == []
    # Closed already; and no more contacts are logged.
    refused(api.post(f"/meetings/{planned_meeting.pk}/plan/close", {"outcome": "declined"}), 409)
    refused(
        api.post(
            f"/meetings/{planned_meeting.pk}/plan/contacts",
            {"on": day(), "how": "phone", "next_contact": day(7)},
        ),
        409,
    )


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "need_passed"},  # a reason to close a concern, not an outcome
        {"outcome": "other"},  # other needs a note
        {"outcome": "other", "note": f"Lapsi {HETU} muutti"},
        {"outcome": "declined", "note": "x" * 201},
        {"outcome": ""},
        {"outcome": None},
        {},
    ],
)
def test_an_outcome_that_cannot_be_is_refused(client, network, planned_meeting, body):
    response = Api(client, network.member).post(f"/meetings/{planned_meeting.pk}/plan/close", body)
    refused(response, 422)
    assert HETU not in response.content.decode()
    assert Concern.objects.get().closed_at is None


# ---- the contact log --------------------------------------------------------------------


def test_the_lead_logs_a_contact_and_the_next_one(client, network, planned_meeting):
    api = Api(client, network.member)
    url = f"/meetings/{planned_meeting.pk}/plan/contacts"
    assert api.get(url).json() == []
    response = api.post(
        url, {"on": day(-1), "how": "phone", "note": "Illat sujuvat.\r\n", "next_contact": day(21)}
    )
    assert response.status_code == 201, response.content
    contact = response.json()
    assert contact["on"] == day(-1) and contact["how"] == "phone"
    assert contact["how_name"] == "puhelu" and contact["note"] == "Illat sujuvat."
    assert contact["professional"] == {"id": network.people["mikko"].pk, "name": "Mikko Harju"}
    assert JointPlan.objects.get().next_contact.isoformat() == day(21)
    api.post(url, {"on": day(), "how": "visit", "next_contact": day(40)})
    listed = api.get(url).json()
    assert [c["how"] for c in listed] == ["visit", "phone"]  # the latest first
    reads = logged(network.member, AccessLogEntry.What.FOLLOW_UP, AccessLogEntry.Why.LEAD)
    assert len(reads) == 4 and all(r.via_api for r in reads)
    assert api.get(f"/meetings/{planned_meeting.pk}/plan").json()["next_contact"] == day(40)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"note": f"Äidin hetu {HETU}"}, "note"),
        ({"on": "tomorrow"}, "on"),
        ({"on": "long_ago"}, "on"),
        ({"on": "9999-12-31"}, "on"),
        ({"on": "0001-01-01"}, "on"),
        ({"how": "telepathy"}, "how"),
        ({"next_contact": "yesterday"}, "next_contact"),
        ({"next_contact": "9999-12-31"}, "next_contact"),
        ({"next_contact": None}, "next_contact"),
        ({"note": "x" * 1001}, "note"),
        ({"confirm_identifying": 1}, "confirm_identifying"),
    ],
)
def test_a_contact_that_cannot_be_is_refused(client, network, planned_meeting, change, field):
    named = {"tomorrow": day(1), "long_ago": day(-400), "yesterday": day(-1)}
    change = {k: named.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    body = {"on": day(), "how": "phone", "note": "", "next_contact": day(7), **change}
    response = Api(client, network.member).post(
        f"/meetings/{planned_meeting.pk}/plan/contacts", body
    )
    refused(response, 422)
    assert field in response.json()["detail"]
    assert HETU not in response.content.decode()
    assert not FollowUpContact.objects.exists()
    assert JointPlan.objects.get().next_contact.isoformat() == day(7)


def test_a_phone_number_in_a_contact_note_is_asked_about(client, network, planned_meeting):
    api = Api(client, network.member)
    url = f"/meetings/{planned_meeting.pk}/plan/contacts"
    body = {"on": day(), "how": "phone", "note": f"Uusi numero {PHONE}", "next_contact": day(7)}
    refused(api.post(url, body), 409)
    assert not FollowUpContact.objects.exists()
    assert api.post(url, {**body, "confirm_identifying": True}).status_code == 201


# ---- hand-over ---------------------------------------------------------------------------


def test_the_lead_hands_the_family_over(client, network, planned_meeting):
    api = Api(client, network.member)
    candidates = api.get(f"/meetings/{planned_meeting.pk}/plan/handover-candidates").json()
    names = {c["name"] for c in candidates}
    assert "Antti Rinne" in names and "Sanna Lehtola" in names
    # Not the lead themselves, an NGO's worker or another municipality's.
    assert names.isdisjoint({"Mikko Harju", "Riikka Laine", "Eeva Kallio"})
    antti = network.people["antti"]
    response = api.post(f"/meetings/{planned_meeting.pk}/plan/handover", {"to": antti.pk})
    assert response.status_code == 200, response.content
    assert response.json()["lead_professionals"] == [antti.pk]
    assert response.json()["leads"] == [{"id": antti.pk, "name": "Antti Rinne"}]
    told = OutboxMessage.objects.filter(idempotency_key__startswith="lead:")
    assert set(told.values_list("recipient", flat=True)) == {
        "perhe@koti.example",
        "antti@test.example",
    }
    # Mikko is no longer the lead: he still reads the plan (he attended), no more.
    refused(api.get(f"/meetings/{planned_meeting.pk}/plan/contacts"), 403)
    refused(api.post(f"/meetings/{planned_meeting.pk}/plan/handover", {"to": antti.pk}), 403)
    assert api.get(f"/meetings/{planned_meeting.pk}/plan").status_code == 200


@pytest.mark.parametrize("who", ["riikka", "eeva", "mikko", "nobody", "huge", "text", "none"])
def test_a_hand_over_to_someone_who_cannot_lead_is_refused(client, network, planned_meeting, who):
    to = {"nobody": 999999, "huge": 10**20, "text": "antti", "none": None}.get(who)
    to = to if who in ("nobody", "huge", "text", "none") else network.people[who].pk
    response = Api(client, network.member).post(
        f"/meetings/{planned_meeting.pk}/plan/handover", {"to": to}
    )
    refused(response, 422)
    assert list(JointPlan.objects.get().lead_professionals.all()) == [network.people["mikko"]]


# ---- sharing with the family's consent --------------------------------------------------------


def test_the_plan_is_shared_with_the_familys_consent_and_taken_back(
    client, network, planned_meeting, ulla
):
    lead = Api(client, network.member)
    url = f"/meetings/{planned_meeting.pk}/plan/shares"
    candidates = {
        c["name"] for c in lead.get(f"/meetings/{planned_meeting.pk}/plan/share-candidates").json()
    }
    assert "Ulla Ulkopuoli" in candidates
    assert candidates.isdisjoint({"Mikko Harju", "Sanna Lehtola", "Leena Koivisto", "Eeva Kallio"})
    ulla_pk = network.people["outsider"].pk
    refused(lead.post(url, {"professional": ulla_pk, "family_consents": False}), 422)
    refused(lead.post(url, {"professional": ulla_pk, "family_consents": "true"}), 422)
    outsider = Api(client, ulla)
    refused(outsider.get(f"/meetings/{planned_meeting.pk}/plan"), 404)
    response = lead.post(url, {"professional": ulla_pk, "family_consents": True})
    assert response.status_code == 201, response.content
    share = response.json()
    assert share["professional"] == {"id": ulla_pk, "name": "Ulla Ulkopuoli"}
    assert share["organisation"] == "Hyvinvointialue" and share["consented_at"]
    assert OutboxMessage.objects.filter(recipient="ulla@test.example").exists()
    refused(lead.post(url, {"professional": ulla_pk, "family_consents": True}), 409)
    # The convener records consents too.
    assert [s["id"] for s in Api(client, network.convener).get(url).json()] == [share["id"]]
    # Ulla reads the plan, and only the plan.
    assert outsider.get(f"/meetings/{planned_meeting.pk}/plan").status_code == 200
    assert logged(ulla, AccessLogEntry.What.PLAN, AccessLogEntry.Why.SHARED)
    refused(outsider.get(f"/meetings/{planned_meeting.pk}"), 404)
    refused(outsider.get(f"/meetings/{planned_meeting.pk}/plan/shares"), 404)
    deleted = lead.delete(f"{url}/{share['id']}")
    assert deleted.status_code == 204, deleted.content
    refused(lead.delete(f"{url}/{share['id']}"), 409)
    refused(outsider.get(f"/meetings/{planned_meeting.pk}/plan"), 404)
    assert lead.get(url).json() == []


@pytest.mark.parametrize("who", ["mikko", "eeva", "nobody", "huge"])
def test_a_share_with_someone_who_cannot_have_it_is_refused(client, network, planned_meeting, who):
    to = {"nobody": 999999, "huge": 10**20}.get(who) or network.people[who].pk
    response = Api(client, network.member).post(
        f"/meetings/{planned_meeting.pk}/plan/shares", {"professional": to, "family_consents": True}
    )
    refused(response, 422)
    assert not PlanShare.objects.exists()


# ---- the review at a follow-up ------------------------------------------------------------


def test_the_follow_up_reviews_the_earlier_plan(client, network, follow_up_meeting):
    first = follow_up_meeting.follows
    api = Api(client, network.convener)
    url = f"/meetings/{follow_up_meeting.pk}/review"
    response = api.get(url)
    assert response.status_code == 200, response.content
    review = response.json()
    assert review["meeting"] == follow_up_meeting.pk and review["reviews_meeting"] == first.pk
    (action,) = review["actions"]
    assert action["text"] == "Kuvallinen iltarutiini" and action["result"] == ""
    assert review["matters"] == [
        {"position": 0, "matter": "Iltarutiini", "trend": "", "family_words": ""}
    ]
    assert review["updated_at"] is None and review["star"]["first_meeting"] == first.pk
    (row,) = logged(network.convener, AccessLogEntry.What.PLAN)
    assert row.via_api
    saved = api.put(
        url,
        {
            "actions": [{"id": action["id"], "result": "done"}],
            "matters": [{"position": 0, "trend": "better", "family_words": "Illat sujuvat."}],
            "placements": [{"area": 1, "value": 8}],
        },
    )
    assert saved.status_code == 200, saved.content
    review = saved.json()
    assert review["actions"][0]["result"] == "done"
    assert review["matters"][0] == {
        "position": 0,
        "matter": "Iltarutiini",
        "trend": "better",
        "family_words": "Illat sujuvat.",
    }
    assert review["updated_at"] is not None
    assert {r["area"]: r["now"] for r in review["star"]["areas"]}[1] == 8
    assert api.get(url).json() == review
    # An empty result takes the result back.
    again = api.put(url, {"actions": [{"id": action["id"], "result": ""}]}).json()
    assert again["actions"][0]["result"] == "" and again["matters"][0]["trend"] == "better"


@pytest.mark.parametrize(
    "body",
    [
        {"actions": [{"id": 999999, "result": "done"}]},
        {"actions": [{"id": 10**20, "result": "done"}]},
        {"actions": [{"id": "first", "result": "bogus"}]},
        {"matters": [{"position": 5, "trend": "better"}]},
        {"matters": [{"position": -1, "trend": "better"}]},
        {"matters": [{"position": 10**20, "trend": "better"}]},
        {"matters": [{"position": 0, "trend": "sideways"}]},
        {"matters": [{"position": 0, "family_words": "ilman suuntaa"}]},
        {"matters": [{"position": 0, "trend": "worse", "family_words": f"hetu {HETU}"}]},
        {"matters": [{"position": 0, "trend": "worse", "family_words": "x" * 1001}]},
        {"placements": [{"area": 1, "value": 12}]},
        {"confirm_identifying": "yes"},
    ],
)
def test_a_review_that_cannot_be_is_refused(client, network, follow_up_meeting, body):
    if body.get("actions", [{}])[0].get("id") == "first":
        body = {"actions": [{"id": JointPlan.objects.get().actions.get().pk, "result": "bogus"}]}
    response = Api(client, network.convener).put(f"/meetings/{follow_up_meeting.pk}/review", body)
    refused(response, 422)
    assert HETU not in response.content.decode()
    assert not PlanReview.objects.exists() and not StarPlacement.objects.exists()


def test_the_familys_words_with_a_phone_number_are_asked_about(client, network, follow_up_meeting):
    api = Api(client, network.convener)
    url = f"/meetings/{follow_up_meeting.pk}/review"
    body = {"matters": [{"position": 0, "trend": "same", "family_words": f"Soita {PHONE}"}]}
    refused(api.put(url, body), 409)
    assert not PlanReview.objects.exists()
    assert api.put(url, {**body, "confirm_identifying": True}).status_code == 200


def test_a_meeting_that_follows_no_plan_has_no_review(client, network, held_meeting):
    response = Api(client, network.convener).get(f"/meetings/{held_meeting.pk}/review")
    refused(response, 404)
    assert "arvioitavaa" in response.json()["detail"]
    refused(Api(client, network.convener).put(f"/meetings/{held_meeting.pk}/review", {}), 409)


def test_a_follow_up_is_reviewed_once_held(client, network, planned_meeting):
    coming = meeting_for(network, concern=planned_meeting.concern)
    api = Api(client, network.convener)
    assert api.get(f"/meetings/{coming.pk}/review").status_code == 200
    refused(api.put(f"/meetings/{coming.pk}/review", {"matters": []}), 409)


# ---- the summary ---------------------------------------------------------------------------


def test_those_who_took_part_take_the_summary(client, network, planned_meeting, leena):
    RunSheet.objects.create(meeting=planned_meeting, child_view="Lapsi toivoo iltasatua.")
    for user, why in (
        (network.convener, AccessLogEntry.Why.CONVENER),
        (network.member, AccessLogEntry.Why.INVITED),
        (leena, AccessLogEntry.Why.INVITED),
    ):
        api = Api(client, user)
        response = api.get(f"/meetings/{planned_meeting.pk}/summary")
        assert response.status_code == 200, response.content
        text = response.json()["text"]
        assert response.json()["meeting"] == planned_meeting.pk
        for part in ("Yhdessä ajan yhteenveto", "Perhe K", "Iltarutiini", "iltasatua"):
            assert part in text, part
        pdf = api.get(f"/meetings/{planned_meeting.pk}/summary.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        (row,) = logged(user, AccessLogEntry.What.SUMMARY)
        assert row.why == why and row.via_api
        assert len(logged(user, AccessLogEntry.What.SUMMARY_PDF)) == 1


def test_a_meeting_not_held_has_no_summary(client, network):
    meeting = meeting_for(network)
    refused(Api(client, network.convener).get(f"/meetings/{meeting.pk}/summary"), 403)
    assert not AccessLogEntry.objects.filter(what=AccessLogEntry.What.SUMMARY).exists()


# ---- who may: every endpoint, every persona -----------------------------------------------------


@pytest.fixture
def world(network, follow_up_meeting, leena, ulla):
    """The planned meeting (Mikko leads), its held follow-up (Sanna convened),
    a share of the plan, and the people who may not."""
    planned = follow_up_meeting.follows
    plan = JointPlan.objects.get(meeting=planned)
    share = follow_up.share_plan(
        actor=network.member,
        plan=plan,
        professional_id=network.people["riikka"].pk,
        family_consents=True,
    )
    gone = login_for(network, "olli")  # Olli is a team member who then leaves
    gone_api = Api(Client(), gone)
    save_professional(
        actor=network.coordinator,
        professional=Professional.objects.get(pk=network.people["olli"].pk),
        data={"is_active": False},
    )
    return {
        "values": {
            "planned": planned.pk,
            "follow": follow_up_meeting.pk,
            "share": share.pk,
            "antti": network.people["antti"].pk,
            "today": day(),
            "next": day(14),
        },
        "gone": gone_api,
    }


ROOM = [
    ("get", "/meetings/{follow}/room", None),
    ("post", "/meetings/{follow}/room/clock", None),
    ("put", "/meetings/{follow}/room/discussion", {"frame": "star", "child_view": "Satu"}),
    ("put", "/meetings/{follow}/room/draft", {"fields": {"child_view": "Satu"}}),
    ("put", "/meetings/{follow}/star-placements", {"placements": [{"area": 1, "value": 5}]}),
    ("get", "/meetings/{follow}/plan/responsible", None),
    ("get", "/meetings/{follow}/review", None),
    ("put", "/meetings/{follow}/review", {"matters": [{"position": 0, "trend": "same"}]}),
]
LEAD = [
    ("get", "/meetings/{planned}/plan/contacts", None),
    (
        "post",
        "/meetings/{planned}/plan/contacts",
        {"on": "{today}", "how": "phone", "next_contact": "{next}"},
    ),
    ("get", "/meetings/{planned}/plan/handover-candidates", None),
    ("post", "/meetings/{planned}/plan/handover", {"to": "{antti}"}),
    ("post", "/meetings/{planned}/plan/close", {"outcome": "everyday_smooth"}),
]
SHARING = [
    ("get", "/meetings/{planned}/plan/share-candidates", None),
    ("get", "/meetings/{planned}/plan/shares", None),
    (
        "post",
        "/meetings/{planned}/plan/shares",
        {"professional": "{antti}", "family_consents": True},
    ),
    ("delete", "/meetings/{planned}/plan/shares/{share}", None),
]
SUMMARY = [
    ("get", "/meetings/{planned}/summary", None),
    ("get", "/meetings/{planned}/summary.pdf", None),
]
# Who may read the meeting yet not do this (403); everyone else not allowed: 404.
SEES_BUT_MAY_NOT = {
    "room": {"member", "leena", "coordinator"},
    "lead": {"convener", "leena", "coordinator"},
    "sharing": {"leena", "coordinator"},
    "summary": {"coordinator"},
}
ENDPOINTS = (
    [("room", *e) for e in ROOM]
    + [("lead", *e) for e in LEAD]
    + [("sharing", *e) for e in SHARING]
    + [("summary", *e) for e in SUMMARY]
)


def test_the_table_has_every_meeting_endpoint():
    table = {
        (m, p.replace("{follow}", "{meeting_id}").replace("{planned}", "{meeting_id}"))
        for _g, m, p, _b in ENDPOINTS
    }
    table = {(m, p.replace("{share}", "{share_id}")) for m, p in table}
    expected = {
        (m, p) for p, methods in PATHS.items() if p.startswith("/meetings") for m in methods
    }
    assert table == expected


def _filled(template, values) -> str:
    text = json.dumps(template)
    for key, value in values.items():
        text = text.replace(f'"{{{key}}}"', json.dumps(value)).replace(f"{{{key}}}", str(value))
    return text


def _state() -> tuple:
    plans = JointPlan.objects.order_by("pk")
    return (
        [(p.pk, p.next_contact, sorted(p.lead_professionals.values_list("pk"))) for p in plans],
        sorted(FollowUpContact.objects.values_list("pk")),
        sorted(PlanShare.objects.values_list("pk", "professional_id")),
        sorted(RunSheet.objects.values_list("pk", "child_view", "draft", "clock_started_at")),
        sorted(StarPlacement.objects.values_list("pk", "value")),
        sorted(PlanReview.objects.values_list("pk")),
        sorted(Concern.objects.values_list("pk", "closed_at")),
        OutboxMessage.objects.count(),
    )


@pytest.mark.parametrize("group, method, path, body", ENDPOINTS)
def test_those_who_may_not_are_refused_and_nothing_changes(
    client, network, world, leena, ulla, group, method, path, body
):
    values = world["values"]
    url = _filled(path, values).strip('"')
    data = _filled(body, values) if body is not None else None
    callers = {
        "convener": network.convener,
        "member": network.member,
        "leena": leena,
        "coordinator": network.coordinator,
        "ulla": ulla,
        "convener2": network.convener2,
        "coordinator2": network.coordinator2,
    }
    allowed = {
        "room": {"convener"},
        "lead": {"member"},
        "sharing": {"member", "convener"},
        "summary": {"convener", "member", "leena"},
    }[group]
    before = _state()
    logs = AccessLogEntry.objects.count()
    for name, user in callers.items():
        if name in allowed:
            continue
        expected = 403 if name in SEES_BUT_MAY_NOT[group] else 404
        refused(Api(client, user).send(method, url, data), expected)
    refused(world["gone"].send(method, url, data), 401)
    refused(Client().generic(method.upper(), f"/api/v1{url}"), 401)
    assert _state() == before
    # A refused read is no read: nothing in the access log.
    assert AccessLogEntry.objects.count() == logs


@pytest.mark.parametrize("group, method, path, body", ENDPOINTS)
def test_those_who_may_are_answered(client, network, world, leena, group, method, path, body):
    """The table's bodies work for the persona allowed."""
    values = world["values"]
    user = {
        "room": network.convener,
        "lead": network.member,
        "sharing": network.member,
        "summary": leena,
    }[group]
    url = _filled(path, values).strip('"')
    data = _filled(body, values) if body is not None else None
    response = Api(client, user).send(method, url, data)
    assert response.status_code in (200, 201, 204), response.content


def test_the_lead_who_leaves_loses_the_follow_up(client, network, planned_meeting):
    api = Api(client, network.member)
    assert api.get("/follow-up").json()
    save_professional(
        actor=network.coordinator, professional=network.people["mikko"], data={"is_active": False}
    )
    refused(api.get("/follow-up"), 401)
    refused(api.get(f"/meetings/{planned_meeting.pk}/plan/contacts"), 401)


# ---- bad input: 4xx with a detail, never 500 ----------------------------------------------------

WRITES = [
    ("put", "/meetings/{follow}/room/discussion"),
    ("put", "/meetings/{follow}/room/draft"),
    ("put", "/meetings/{follow}/star-placements"),
    ("put", "/meetings/{follow}/review"),
    ("post", "/meetings/{planned}/plan/contacts"),
    ("post", "/meetings/{planned}/plan/handover"),
    ("post", "/meetings/{planned}/plan/shares"),
    ("post", "/meetings/{planned}/plan/close"),
]
HOSTILE = [
    "{",
    "not json",
    b"\xff\xfe",
    [],
    "x",
    None,
    {"on": "9999-12-31", "next_contact": "0001-01-01", "how": "phone"},
    {"fields": {"child_view": "a\x00b"}},
    {"frame": "star", "child_view": "a\x00b"},
    {"to": 10**20},
    {"to": -1},
    {"professional": 2**63, "family_consents": True},
    {"placements": [{"area": 2**64, "value": -(10**20)}]},
    {"actions": [{"id": 0, "result": "done"}]},
    {"outcome": ["everyday_smooth"]},
    {"fields": {"a": 1}, "frame": 1, "to": "1", "outcome": 1, "placements": {}},
]


def _check(response):
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), response.content
        assert isinstance(response.json()["detail"], str) and response.json()["detail"]


@pytest.mark.parametrize("method, path", WRITES)
@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_bodies_get_a_json_refusal(client, network, world, method, path, body):
    values = world["values"]
    url = _filled(path, values).strip('"')
    user = network.convener if "{follow}" in path else network.member
    before = _state()
    response = Api(client, user).send(method, url, body if body is not None else "null")
    _check(response)
    if response.status_code >= 400:
        assert _state() == before
    elif "/review" not in path:  # every field of a review is optional
        pytest.fail(response.content.decode())


@pytest.mark.parametrize("method, path", [(m, p) for _g, m, p, _b in ENDPOINTS])
@pytest.mark.parametrize("object_id", [10**20, 2**63, 0, -1])
def test_a_path_id_out_of_range_is_not_found(client, network, world, method, path, object_id):
    values = {**world["values"], "follow": object_id, "planned": object_id, "share": object_id}
    response = Api(client, network.member).send(method, _filled(path, values).strip('"'), {})
    _check(response)
    assert response.status_code in (404, 422)


def test_a_share_id_out_of_range_is_refused(client, network, world):
    api = Api(client, network.member)
    for share_id in (10**20, 2**63, 0, 999999):
        response = api.delete(f"/meetings/{world['values']['planned']}/plan/shares/{share_id}")
        _check(response)
        assert response.status_code in (404, 409, 422)
    assert PlanShare.objects.count() == 1


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["9999-12-31", "0001-01-01", HETU, "phone", "star", "done", "other"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=10,
)
FIELDS = ["on", "how", "note", "next_contact", "to", "professional", "family_consents"]
FIELDS += ["outcome", "frame", "child_view", "fields", "placements", "actions", "matters"]


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.data(),
    body=json_values | st.fixed_dictionaries({}, optional={k: json_values for k in FIELDS}),
)
def test_arbitrary_bodies_never_crash(client, network, world, data, body):
    method, path = data.draw(st.sampled_from(WRITES), label="endpoint")
    url = _filled(path, world["values"]).strip('"')
    user = network.convener if "{follow}" in path else network.member
    _check(Api(client, user).send(method, url, body))


# ---- two at once (PostgreSQL: really at the same moment) -------------------------------------


@pytest.fixture
def slow_lead_lock(monkeypatch):
    """Hold the plan's lock a moment longer, so that a race would show."""
    original = follow_up._lock_as_lead

    def slow(*args, **kwargs):
        locked = original(*args, **kwargs)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(follow_up, "_lock_as_lead", slow)


def _post(user, url, body):
    headers = {"Authorization": f"Bearer {issue_token(user)}"}
    return lambda: Client().post(
        f"/api/v1{url}", json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.mark.django_db(transaction=True)
def test_two_hand_overs_at_once_hand_over_once(network, planned_meeting, slow_lead_lock):
    url = f"/meetings/{planned_meeting.pk}/plan/handover"
    antti, leena = network.people["antti"], network.people["leena"]
    first, second = together(
        _post(network.member, url, {"to": antti.pk}),
        _post(network.member, url, {"to": leena.pk}),
    )
    statuses = sorted([first.status_code, second.status_code])
    assert statuses[0] == 200 and statuses[1] in (403, 409), (first.content, second.content)
    winner = first if first.status_code == 200 else second
    leads = list(JointPlan.objects.get().lead_professionals.values_list("pk", flat=True))
    assert leads == winner.json()["lead_professionals"]
    assert len(leads) == 1 and leads[0] in (antti.pk, leena.pk)
    # Only the new lead who won was told.
    told = OutboxMessage.objects.filter(idempotency_key__startswith="lead:")
    assert {m.professional_id for m in told} - {None} == set(leads)
    assert told.filter(to_family=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_lead_pair_handing_over_at_once_keeps_two_leads(network, held_meeting, slow_lead_lock):
    mikko, sanna, antti = (network.people[k] for k in ("mikko", "sanna", "antti"))
    record_plan(
        actor=network.convener,
        meeting=held_meeting,
        matters=["Iltarutiini"],
        actions=[{"where": "home", "text": "Kuvallinen iltarutiini"}],
        follow_up="Mikko ja Sanna soittavat.",
        lead_ids=[mikko.pk, sanna.pk],
        next_contact=timezone.localdate() + timedelta(days=7),
    )
    url = f"/meetings/{held_meeting.pk}/plan/handover"
    first, second = together(
        _post(network.member, url, {"to": antti.pk}),
        _post(network.convener, url, {"to": antti.pk}),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 422], (
        first.content,
        second.content,
    )
    leads = set(JointPlan.objects.get().lead_professionals.values_list("pk", flat=True))
    assert len(leads) == 2 and antti.pk in leads and leads & {mikko.pk, sanna.pk}


@pytest.mark.django_db(transaction=True)
def test_two_contacts_at_once_are_both_logged(network, planned_meeting, slow_lead_lock):
    url = f"/meetings/{planned_meeting.pk}/plan/contacts"
    sent = {"Soitto A": day(10), "Soitto B": day(20)}
    first, second = together(
        *[
            _post(network.member, url, {"on": day(), "how": "phone", "note": n, "next_contact": d})
            for n, d in sent.items()
        ]
    )
    assert (first.status_code, second.status_code) == (201, 201), (first.content, second.content)
    contacts = list(FollowUpContact.objects.order_by("pk"))
    assert sorted(c.note for c in contacts) == sorted(sent)
    # The next contact is the one sent by whoever wrote last.
    plan = JointPlan.objects.get()
    assert plan.next_contact.isoformat() == sent[contacts[-1].note]
