"""API v1: closing a concern, the family withdrawing its consent, and the
concern's family centre area."""

import pytest

from conftest import PASSWORD, concern_for, meeting_for, next_thursday_at, plan_for
from yhdessa.accounts.models import User
from yhdessa.api.auth import issue_token
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.models import Concern
from yhdessa.meetings.models import Meeting
from yhdessa.network.models import FamilyCentreArea
from yhdessa.notify.models import OutboxMessage


class Api:
    def __init__(self, client, user):
        self.client = client
        self.headers = {"Authorization": f"Bearer {issue_token(user)}"}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path, body=None):
        return self.client.post(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=self.headers
        )


def state():
    return (
        list(Concern.objects.order_by("pk").values()),
        list(Meeting.objects.order_by("pk").values("pk", "status", "sequence")),
        list(OutboxMessage.objects.order_by("pk").values("pk", "status")),
    )


def test_the_convener_closes_a_concern(client, network):
    concern = concern_for(network.convener)
    api = Api(client, network.convener)
    response = api.post(f"/concerns/{concern.pk}/close", {"reason": "help_elsewhere"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["close_reason"] == "help_elsewhere" and body["closed_at"]
    assert body["consent_withdrawn_at"] is None and body["consent"] is True
    assert Concern.objects.get().closed_by == network.convener
    assert AccessLogEntry.objects.filter(user=network.convener, via_api=True).count() == 1
    again = api.post(f"/concerns/{concern.pk}/close", {"reason": "declined"})
    assert again.status_code == 409
    assert "Huoli on jo suljettu" in again.json()["detail"]
    assert api.get(f"/concerns/{concern.pk}").json()["close_reason"] == "help_elsewhere"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "reason"),
        ({"reason": "bored"}, "reason"),
        ({"reason": "other"}, "note"),
        ({"reason": "other", "note": "Lapsi 010203A987J muutti"}, "note"),
        ({"reason": "other", "note": "x" * 201}, "note"),
        ({"reason": 5}, "reason"),
        ({"reason": "declined", "note": "a\x00b"}, None),
    ],
)
def test_bad_input_is_4xx_with_a_detail_and_changes_nothing(client, network, body, field):
    concern = concern_for(network.convener)
    before = state()
    response = Api(client, network.convener).post(f"/concerns/{concern.pk}/close", body)
    assert response.status_code in (400, 422), response.content
    assert isinstance(response.json()["detail"], str)
    if field:
        assert field in response.json()["detail"]
    assert state() == before


def test_a_scheduled_meeting_is_a_conflict(client, network):
    meeting = meeting_for(network)
    response = Api(client, network.convener).post(
        f"/concerns/{meeting.concern_id}/close", {"reason": "declined"}
    )
    assert response.status_code == 409
    assert "Peru se tai kirjaa se pidetyksi" in response.json()["detail"]


@pytest.fixture
def people(network):
    leena = network.people["leena"]
    leena.user = User.objects.create_user("invited", password=PASSWORD)
    leena.save(update_fields=["user"])
    meeting = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2))
    plan_for(network, meeting)
    return meeting.concern, {
        "convener": (network.convener, 200),
        "coordinator": (network.coordinator, 200),
        "invited": (leena.user, 403),
        "lead": (network.member, 200),
        "coordinator_elsewhere": (network.coordinator2, 404),
        "professional_elsewhere": (network.convener2, 404),
    }


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
@pytest.mark.parametrize("action", ["close", "withdraw-consent"])
def test_who_may_end_the_work(client, network, people, role, action):
    concern, roles = people
    user, status = roles[role]
    before = state()
    body = {"reason": "plan_completed"} if action == "close" else None
    response = Api(client, user).post(f"/concerns/{concern.pk}/{action}", body)
    assert response.status_code == status, response.content
    if status != 200:
        assert isinstance(response.json()["detail"], str)
        assert state() == before
        assert not AccessLogEntry.objects.filter(user=user).exists()


def test_withdrawn_consent_in_the_api(client, network):
    meeting = meeting_for(network)
    api = Api(client, network.convener)
    response = api.post(f"/concerns/{meeting.concern_id}/withdraw-consent")
    assert response.status_code == 200, response.content
    assert response.json()["consent_withdrawn_at"]
    assert response.json()["consent"] is True
    assert not OutboxMessage.objects.filter(status__in=["pending", "failed"]).exists()
    again = api.post(f"/concerns/{meeting.concern_id}/withdraw-consent")
    assert again.status_code == 409 and "on jo kirjattu" in again.json()["detail"]
    starts = next_thursday_at(weeks=5).isoformat()
    moved = api.post(
        f"/meetings/{meeting.pk}/reschedule",
        {"starts_at": starts, "duration_minutes": 60, "place": "X"},
    )
    assert moved.status_code == 409
    assert "Perhe on perunut suostumuksensa" in moved.json()["detail"]
    convened = api.post(
        "/meetings",
        {
            "concern": meeting.concern_id,
            "starts_at": starts,
            "duration_minutes": 60,
            "place": "X",
            "invitees": [network.people["mikko"].pk],
        },
    )
    assert convened.status_code == 409
    assert "Perhe on perunut suostumuksensa" in convened.json()["detail"]
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("concern_id", [10**20, 2**63, 0, -1])
@pytest.mark.parametrize("action", ["close", "withdraw-consent"])
def test_an_id_out_of_range_is_not_found(client, network, concern_id, action):
    response = Api(client, network.convener).post(
        f"/concerns/{concern_id}/{action}", {"reason": "declined"}
    )
    assert response.status_code in (404, 422)
    assert isinstance(response.json()["detail"], str)


def test_create_concern_takes_an_area_of_the_municipality(client, network):
    mine = FamilyCentreArea.objects.create(name="Keskusta", municipality=network.town)
    theirs = FamilyCentreArea.objects.create(name="Muu", municipality=network.town2)
    api = Api(client, network.convener)
    listed = api.get("/areas").json()
    assert {"id": mine.pk, "name": "Keskusta", "municipality": "Järvelä"} in listed
    body = {
        "family": {"alias": "Perhe A", "children_birth_years": [2021]},
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "Arki on raskasta.",
        "consent": True,
    }
    refused = api.post("/concerns", {**body, "area": theirs.pk})
    assert refused.status_code == 422
    assert "area" in refused.json()["errors"]
    assert not Concern.objects.exists()
    created = api.post("/concerns", {**body, "area": mine.pk})
    assert created.status_code == 201
    assert created.json()["area"] == {"id": mine.pk, "name": "Keskusta"}
    without = api.post("/concerns", body)
    assert without.status_code == 201 and without.json()["area"] is None
    huge = api.post("/concerns", {**body, "area": 10**20})
    assert huge.status_code == 422


def test_the_close_reasons_are_listed_in_the_callers_language(client, network):
    api = Api(client, network.convener)
    reasons = api.get("/close-reasons").json()
    assert {"code": "need_passed", "name": "tarve on poistunut"} in reasons
    assert [r["code"] for r in reasons] == [c.value for c in Concern.CloseReason]


def test_the_openapi_document_describes_them(client, network):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/concerns/{concern_id}/close" in schema["paths"]
    assert "/api/v1/concerns/{concern_id}/withdraw-consent" in schema["paths"]
    assert "/api/v1/close-reasons" in schema["paths"]
    close = schema["paths"]["/api/v1/concerns/{concern_id}/close"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(close["responses"])
    assert "area" in schema["components"]["schemas"]["ConcernIn"]["properties"]
    assert "closed_at" in schema["components"]["schemas"]["ConcernOut"]["properties"]
