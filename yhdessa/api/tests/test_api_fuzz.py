"""Never 500: arbitrary and near-valid bodies get a 4xx with a JSON detail."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yhdessa.api.auth import issue_token
from yhdessa.families.models import Concern
from yhdessa.meetings.models import Meeting

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)

FIELDS = {
    "/concerns": ["family", "channel", "topics", "summary", "consent", "existing_support"],
    "/meetings": ["concern", "starts_at", "duration_minutes", "place", "invitees"],
}


def near_valid(fields):
    """Objects with the right keys and arbitrary values: the likeliest to crash."""
    return st.fixed_dictionaries({}, optional={k: json_values for k in fields})


@pytest.fixture
def headers(network):
    return {"Authorization": f"Bearer {issue_token(network.convener)}"}


def check(response):
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert isinstance(response.json()["detail"], str)


FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(body=json_values | near_valid(FIELDS["/concerns"]))
def test_concerns(client, headers, body):
    check(
        client.post(
            "/api/v1/concerns", json.dumps(body), content_type="application/json", headers=headers
        )
    )
    assert not Concern.objects.filter(summary="").exists()


@FUZZ
@given(body=json_values | near_valid(FIELDS["/meetings"]))
def test_meetings(client, headers, body):
    check(
        client.post(
            "/api/v1/meetings", json.dumps(body), content_type="application/json", headers=headers
        )
    )
    assert not Meeting.objects.exists()


@FUZZ
@given(
    body=json_values | near_valid(["attendees", "family_present"]),
    meeting_id=st.integers(-5, 2**63),
)
def test_held(client, headers, body, meeting_id):
    check(
        client.post(
            f"/api/v1/meetings/{meeting_id}/held",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
    )


@FUZZ
@given(
    body=json_values
    | near_valid(["matters", "actions", "follow_up", "lead_professionals", "next_contact"])
)
def test_plan(client, headers, held_meeting, body):
    check(
        client.put(
            f"/api/v1/meetings/{held_meeting.pk}/plan",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
    )


@FUZZ
@given(start=st.text(max_size=12), end=st.text(max_size=12))
def test_report(client, headers, start, end):
    check(client.get("/api/v1/reports/meetings", {"start": start, "end": end}, headers=headers))


@pytest.mark.parametrize(
    "method, path, body",
    [
        (
            "post",
            "/concerns",
            {
                "family": {"alias": "X", "children_birth_years": [2**63]},
                "channel": "phone",
                "topics": ["other"],
                "summary": "s",
                "consent": True,
            },
        ),
        (
            "post",
            "/meetings",
            {
                "concern": 2**63,
                "starts_at": "2030-01-01T08:00:00+02:00",
                "duration_minutes": 60,
                "place": "x",
                "invitees": [1],
            },
        ),
        (
            "post",
            "/meetings",
            {
                "concern": 1,
                "starts_at": "2030-01-01T08:00:00+02:00",
                "duration_minutes": 2**63,
                "place": "x",
                "invitees": [2**63],
            },
        ),
        ("get", "/concerns/9223372036854775808", None),
        ("get", "/meetings/99999999999999999999/plan", None),
        ("post", "/meetings/9223372036854775808/held", {"attendees": [], "family_present": True}),
    ],
)
def test_huge_numbers(client, headers, method, path, body):
    if body is None:
        response = client.get(f"/api/v1{path}", headers=headers)
    else:
        response = getattr(client, method)(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=headers
        )
    check(response)
