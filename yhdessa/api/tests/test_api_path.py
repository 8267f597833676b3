"""The API of ../shared/api-v1.md, walked as a client system would."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import next_thursday_at
from yhdessa.api.auth import issue_token
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.models import Concern
from yhdessa.meetings.models import Meeting
from yhdessa.notify.models import OutboxMessage


class Api:
    def __init__(self, client, user):
        self.client = client
        self.headers = {"Authorization": f"Bearer {issue_token(user)}"} if user else {}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path, body):
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )

    def put(self, path, body):
        return self.client.put(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )


CONCERN = {
    "family": {
        "alias": "Perhe A",
        "children_birth_years": [2021, 2024],
        "email": "perhe.a@koti.example",
        "language": "sv",
    },
    "channel": "local_worker",
    "topics": ["daily_rhythm"],
    "summary": "Arki on raskasta.",
    "consent": True,
    "existing_support": False,
}


def iso(dt):
    return timezone.localtime(dt).isoformat()


def test_the_whole_path(client, network):
    api = Api(client, network.convener)
    assert {"code": "family_guide", "name": "Perheohjaus"} in api.get("/expertise").json()
    teams = api.get("/teams").json()
    assert [t["name"] for t in teams] == ["Järvelän perhekeskustiimi"]
    members = {m["name"]: m for m in teams[0]["members"]}
    assert members["Mikko Harju"]["expertise"] == ["family_guide"]
    assert teams[0]["invitation_practice"]["slots"] == [
        {"weekday": 3, "starts": "08:00", "ends": "10:00"}
    ]

    response = api.post("/concerns", CONCERN)
    assert response.status_code == 201, response.json()
    concern = response.json()
    assert concern["family"]["alias"] == "Perhe A" and concern["topics"] == ["daily_rhythm"]
    assert api.get(f"/concerns/{concern['id']}").json()["summary"] == "Arki on raskasta."

    starts = next_thursday_at(8)
    response = api.post(
        "/meetings",
        {
            "concern": concern["id"],
            "starts_at": iso(starts),
            "duration_minutes": 90,
            "place": "Perhekeskus",
            "invitees": [members["Mikko Harju"]["id"], members["Leena Koivisto"]["id"]],
        },
    )
    assert response.status_code == 201, response.json()
    meeting = response.json()
    assert meeting["status"] == "scheduled"
    assert meeting["starts_at"] == iso(starts)
    assert sorted((i["name"], i["status"], i["delivery"]) for i in meeting["invitations"]) == [
        ("Leena Koivisto", "invited", "pending"),
        ("Mikko Harju", "invited", "pending"),
    ]
    assert meeting["family_invited"] is True
    assert OutboxMessage.objects.filter(meeting_id=meeting["id"]).count() == 3
    assert api.get(f"/meetings/{meeting['id']}").json()["id"] == meeting["id"]

    # The meeting takes place (the clock moves on past its start).
    Meeting.objects.filter(pk=meeting["id"]).update(starts_at=timezone.now() - timedelta(hours=1))
    response = api.post(
        f"/meetings/{meeting['id']}/held",
        {"attendees": [members["Mikko Harju"]["id"]], "family_present": True},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "held"

    plan = {
        "matters": ["Iltarutiini"],
        "actions": [
            {"where": "home", "text": "Kuvallinen iltarutiini"},
            {"where": "elsewhere", "place": "Perhekulma ry", "text": "Kahvila"},
        ],
        "follow_up": "Mikko soittaa.",
        "lead_professionals": [members["Mikko Harju"]["id"]],
        "next_contact": (timezone.localdate() + timedelta(days=14)).isoformat(),
    }
    response = api.put(f"/meetings/{meeting['id']}/plan", plan)
    assert response.status_code == 200, response.json()
    action = response.json()["actions"][1]
    assert {k: action[k] for k in ("where", "place", "text")} == {
        "where": "elsewhere",
        "place": "Perhekulma ry",
        "text": "Kahvila",
    }
    # Nobody named, no date: an old client's plan reads as it was written.
    assert (action["responsible"], action["due_on"]) == ("", None)
    got = api.get(f"/meetings/{meeting['id']}/plan").json()
    assert got["lead_professionals"] == plan["lead_professionals"]
    assert got["next_contact"] == plan["next_contact"]
    pdf = api.get(f"/meetings/{meeting['id']}/plan.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    today = timezone.localdate()
    report = Api(client, network.coordinator).get(
        "/reports/meetings", start=(today - timedelta(days=1)).isoformat(), end=today.isoformat()
    )
    assert report.json() == [{"municipality": "Järvelä", "held": 1, "follow_ups": 0}]
    assert AccessLogEntry.objects.filter(via_api=True, user=network.convener).exists()


def test_the_api_token_command_prints_a_working_token(client, network, capsys):
    call_command("api_token", "convener")
    token = capsys.readouterr().out.strip()
    response = client.get("/api/v1/expertise", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_someone_who_has_left_gets_no_token(network):
    from django.core.management import CommandError

    from yhdessa.network.services import save_professional

    save_professional(
        actor=network.coordinator, professional=network.people["sanna"], data={"is_active": False}
    )
    with pytest.raises(CommandError, match="No active user"):
        call_command("api_token", "convener")


def test_without_a_token_the_answer_is_401_json(client, network):
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = client.get("/api/v1/teams", headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"]


@pytest.mark.parametrize(
    "change, status, words",
    [
        ({"consent": False}, 422, "suostumusta"),
        ({"topics": ["nonsense"]}, 422, "Tuntematon aihe"),
        ({"channel": "pigeon"}, 422, "yhteydenottotapa"),
        ({"summary": "hetu 010203A987J"}, 422, "henkilötunnuksen"),
        (
            {"family": {"alias": "X", "children_birth_years": ["kaksi"]}},
            422,
            "children_birth_years",
        ),
        ({"family": {"alias": "X", "children_birth_years": [1800]}}, 422, "Syntymävuoden"),
        ({"family": None}, 422, "family"),
    ],
)
def test_bad_concerns_are_refused_with_a_detail(client, network, change, status, words):
    body = {**CONCERN, **change}
    response = Api(client, network.convener).post("/concerns", body)
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert not Concern.objects.exists()


def test_malformed_json_is_a_400_with_detail(client, network):
    api = Api(client, network.convener)
    response = client.post(
        "/api/v1/concerns", "{not json", content_type="application/json", headers=api.headers
    )
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


def test_unknown_ids_are_404(client, network):
    api = Api(client, network.convener)
    for path in ("/concerns/999", "/meetings/999", "/meetings/999/plan", "/meetings/999/plan.pdf"):
        response = api.get(path)
        assert response.status_code == 404 and response.json()["detail"]


def test_a_second_convener_reads_nothing_of_the_first(client, network, held_meeting):
    first = Api(client, network.convener)
    concern_id = held_meeting.concern_id
    first.put(
        f"/meetings/{held_meeting.pk}/plan",
        {
            "matters": ["x"],
            "actions": [{"where": "home", "text": "y"}],
            "follow_up": "z",
            "lead_professionals": [network.people["mikko"].pk],
            "next_contact": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    other = Api(client, network.convener2)
    for path in (
        f"/concerns/{concern_id}",
        f"/meetings/{held_meeting.pk}",
        f"/meetings/{held_meeting.pk}/plan",
        f"/meetings/{held_meeting.pk}/plan.pdf",
    ):
        assert other.get(path).status_code == 404
    assert (
        other.post(
            f"/meetings/{held_meeting.pk}/held", {"attendees": [], "family_present": True}
        ).status_code
        == 404
    )
    assert (
        other.put(
            f"/meetings/{held_meeting.pk}/plan",
            {
                "matters": ["x"],
                "actions": [{"where": "home", "text": "y"}],
                "follow_up": "z",
                "lead_professionals": [network.people["eeva"].pk],
                "next_contact": "2030-01-01",
            },
        ).status_code
        == 404
    )
    assert (
        other.post(
            "/meetings",
            {
                "concern": concern_id,
                "starts_at": iso(next_thursday_at()),
                "duration_minutes": 60,
                "place": "x",
                "invitees": [network.people["jari"].pk],
            },
        ).status_code
        == 404
    )
    assert other.get("/teams").json()[0]["name"] == "Koivurannan tiimi"
    assert other.get("/reports/meetings", start="2000-01-01", end="2100-01-01").json() == [
        {"municipality": "Koivuranta", "held": 0, "follow_ups": 0}
    ]
    assert not AccessLogEntry.objects.filter(user=network.convener2).exists()


def test_meeting_rules_answer_4xx(client, network, held_meeting):
    api = Api(client, network.convener)
    again = api.post(f"/meetings/{held_meeting.pk}/held", {"attendees": [], "family_present": True})
    assert again.status_code == 409 and again.json()["detail"]
    concern = api.post("/concerns", CONCERN).json()
    base = {
        "concern": concern["id"],
        "starts_at": iso(next_thursday_at()),
        "duration_minutes": 90,
        "place": "x",
        "invitees": [network.people["mikko"].pk],
    }
    for change in (
        {"duration_minutes": 5},
        {"invitees": []},
        {"starts_at": "2001-01-01T08:00"},
        {"starts_at": "not a time"},
        {"invitees": [network.people["outsider"].pk]},
        {"place": ""},
    ):
        response = api.post("/meetings", {**base, **change})
        assert response.status_code == 422, (change, response.json())
        assert response.json()["detail"]
    assert Meeting.objects.count() == 1
    member = Api(client, network.member)
    assert member.post("/meetings", base).status_code == 404  # cannot see that concern


def test_a_meeting_needs_the_family_present(client, network):
    api = Api(client, network.convener)
    concern = api.post("/concerns", CONCERN).json()
    meeting = api.post(
        "/meetings",
        {
            "concern": concern["id"],
            "starts_at": iso(next_thursday_at()),
            "duration_minutes": 90,
            "place": "x",
            "invitees": [network.people["mikko"].pk],
        },
    ).json()
    Meeting.objects.filter(pk=meeting["id"]).update(starts_at=timezone.now())
    response = api.post(
        f"/meetings/{meeting['id']}/held", {"attendees": [], "family_present": False}
    )
    assert response.status_code == 422 and "perheen kanssa" in response.json()["detail"]
    assert Meeting.objects.get().status == "scheduled"


def test_a_practice_exception_is_reported_not_refused(client, network):
    api = Api(client, network.convener)
    concern = api.post("/concerns", CONCERN).json()
    response = api.post(
        "/meetings",
        {
            "concern": concern["id"],
            "starts_at": iso(next_thursday_at(14)),
            "duration_minutes": 90,
            "place": "x",
            "invitees": [network.people["mikko"].pk],
        },
    )
    assert response.status_code == 201
    assert response.json()["practice_warnings"] == [
        "Aika ei osu tiimin kokoontumisaikaan (torstai klo 8.00–10.00)."
    ]


def test_openapi_document_is_served(client, network):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/meetings/{meeting_id}/plan" in doc["paths"]


def test_the_report_refuses_a_backwards_period(client, network):
    response = Api(client, network.coordinator).get(
        "/reports/meetings", start="2026-02-01", end="2026-01-01"
    )
    assert response.status_code == 422 and response.json()["detail"]
    bad = Api(client, network.coordinator).get("/reports/meetings", start="eilen", end="x")
    assert bad.status_code == 422
