"""Never 500: arbitrary, near-valid and hostile bodies get a 4xx with a JSON
detail, and a refused write changes nothing.

Hostile shapes: ids of 10**20 or below 1, NUL characters in any text, dates
and times at the ends of the calendar, strings and numbers where a boolean
belongs, bodies over the upload limit.
"""

import json
import typing
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from conftest import concern_for, meeting_for, next_thursday_at
from yhdessa.api.api import api
from yhdessa.api.auth import issue_token
from yhdessa.families.models import Concern
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.services import convene_meeting
from yhdessa.plans.models import JointPlan
from yhdessa.reports.queries import EARLIEST_REPORT_DAY, LATEST_REPORT_DAY

MAX_ID = 2**63 - 1
OUT_OF_RANGE_IDS = [10**20, -(10**20), 2**63, 2**64, -1, 0]
FAR_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"]
FAR_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59"]
NOT_BOOLEANS = ["true", "false", "1", "0", "yes", "", 1, 0, 1.0, None, [], {}]

nul_text = st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=8), st.text(max_size=8))
hostile = (
    st.integers(min_value=-(10**25), max_value=10**25)
    | st.sampled_from(OUT_OF_RANGE_IDS)
    | nul_text
    | st.sampled_from(FAR_DATES + FAR_TIMES)
    | st.sampled_from(NOT_BOOLEANS)
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | hostile,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)

FIELDS = {
    "/concerns": ["family", "channel", "topics", "summary", "consent", "existing_support"],
    "/meetings": ["concern", "starts_at", "duration_minutes", "place", "invitees", "team"],
}
ID_FIELDS = {"concern", "invitees", "team", "attendees", "lead_professionals"}


def near_valid(fields):
    """Objects with the right keys and arbitrary values: the likeliest to crash."""
    return st.fixed_dictionaries({}, optional={k: json_values for k in fields})


@pytest.fixture
def headers(network):
    return {"Authorization": f"Bearer {issue_token(network.convener)}"}


def check(response):
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), response.content
        assert isinstance(response.json()["detail"], str)


def send(client, headers, method, path, body):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(client, method)(
        f"/api/v1{path}", data, content_type="application/json", headers=headers
    )


def state() -> tuple:
    """What a write could change: compared before and after a refusal."""
    return (
        sorted(Concern.objects.values_list("pk", "summary", "consent", "existing_support")),
        sorted(
            Meeting.objects.values_list(
                "pk", "status", "starts_at", "duration_minutes", "place", "family_present"
            )
        ),
        sorted(JointPlan.objects.values_list("pk", "follow_up", "next_contact", "updated_at")),
    )


FUZZ = hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# ---- arbitrary bodies ----------------------------------------------------------


@FUZZ
@given(body=json_values | near_valid(FIELDS["/concerns"]))
def test_concerns(client, headers, body):
    check(send(client, headers, "post", "/concerns", body))
    assert not Concern.objects.filter(summary="").exists()


@FUZZ
@given(body=json_values | near_valid(FIELDS["/meetings"]))
def test_meetings(client, headers, body):
    check(send(client, headers, "post", "/meetings", body))
    assert not Meeting.objects.exists()


@FUZZ
@given(
    body=json_values | near_valid(["attendees", "family_present"]),
    meeting_id=st.integers(-5, 2**63),
)
def test_held(client, headers, body, meeting_id):
    check(send(client, headers, "post", f"/meetings/{meeting_id}/held", body))


@FUZZ
@given(
    body=json_values
    | near_valid(["matters", "actions", "follow_up", "lead_professionals", "next_contact"])
)
def test_plan(client, headers, held_meeting, body):
    check(send(client, headers, "put", f"/meetings/{held_meeting.pk}/plan", body))


# ---- valid bodies with one hostile value -----------------------------------------


def leaves(body, path=()):
    """Every path into a body, the containers' own paths included."""
    yield path
    if isinstance(body, dict):
        for key, value in body.items():
            yield from leaves(value, (*path, key))
    elif isinstance(body, list):
        for i, value in enumerate(body):
            yield from leaves(value, (*path, i))


def spoiled(body, path, value):
    if not path:
        return value
    copy = json.loads(json.dumps(body))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def expected_refusal(path, value) -> int | None:
    """The status a spoiled body must get whatever else is in it."""
    if isinstance(value, str) and "\x00" in value:
        return 400
    fields = {step for step in path if isinstance(step, str)}
    if fields & ID_FIELDS and isinstance(value, int) and not 1 <= value <= MAX_ID:
        return 422
    if fields & BOOLEAN_FIELDS and path[-1] in BOOLEAN_FIELDS and not isinstance(value, bool):
        return 422
    return None


def valid_bodies(network) -> dict:
    """A valid body for each write endpoint, with the object it writes to."""
    mikko, leena = network.people["mikko"].pk, network.people["leena"].pk
    starts = next_thursday_at(8, weeks=4)
    held = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2))
    began = timezone.now() - timedelta(hours=2)
    started = convene_meeting(
        actor=network.convener,
        concern=concern_for(network.convener),
        starts_at=began,
        duration_minutes=90,
        place="Perhekeskus",
        invitee_ids=[mikko],
        now=began - timedelta(days=20),
    )
    scheduled = meeting_for(network)
    return {
        "concern": (
            "post",
            "/concerns",
            {
                "family": {
                    "alias": "Perhe F",
                    "children_birth_years": [timezone.localdate().year - 3],
                    "email": "perhe.f@koti.example",
                    "phone": "040 123 4567",
                    "language": "fi",
                },
                "channel": "local_worker",
                "topics": ["daily_rhythm"],
                "summary": "Arki on raskasta.",
                "consent": True,
                "existing_support": False,
            },
        ),
        "convene": (
            "post",
            "/meetings",
            {
                "concern": concern_for(network.convener).pk,
                "starts_at": timezone.localtime(starts).isoformat(),
                "duration_minutes": 90,
                "place": "Perhekeskus",
                "invitees": [mikko, leena],
                "team": network.team.pk,
            },
        ),
        "held": (
            "post",
            f"/meetings/{started.pk}/held",
            {"attendees": [mikko], "family_present": True},
        ),
        "reschedule": (
            "post",
            f"/meetings/{scheduled.pk}/reschedule",
            {
                "starts_at": timezone.localtime(starts + timedelta(days=7)).isoformat(),
                "duration_minutes": 60,
                "place": "Perhekeskus",
            },
        ),
        "cancel": ("post", f"/meetings/{scheduled.pk}/cancel", {"note": "Perhe sairastui."}),
        "plan": (
            "put",
            f"/meetings/{held.pk}/plan",
            {
                "matters": ["Iltarutiini"],
                "actions": [
                    {"where": "home", "text": "Kuvallinen iltarutiini"},
                    {"where": "elsewhere", "place": "Perhekulma", "text": "Perhekahvila"},
                ],
                "follow_up": "Mikko soittaa perheelle.",
                "lead_professionals": [mikko],
                "next_contact": (timezone.localdate() + timedelta(days=7)).isoformat(),
                "confirm_identifying": False,
            },
        ),
    }


BOOLEAN_FIELDS = {"consent", "existing_support", "family_present", "confirm_identifying"}


@pytest.fixture
def bodies(network):
    return valid_bodies(network)


@pytest.mark.parametrize("name", ["concern", "convene", "held", "reschedule", "cancel", "plan"])
def test_the_valid_bodies_are_valid(client, headers, network, name):
    """The fuzzing below starts from bodies that work: each is accepted."""
    method, path, body = valid_bodies(network)[name]
    response = send(client, headers, method, path, body)
    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize("name", ["concern", "convene", "held", "reschedule", "cancel", "plan"])
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_one_hostile_value_in_a_valid_body(client, headers, bodies, name, data):
    method, path, body = bodies[name]
    where = data.draw(st.sampled_from(list(leaves(body))), label="where")
    value = data.draw(hostile, label="value")
    before = state()
    response = send(client, headers, method, path, spoiled(body, where, value))
    check(response)
    expected = expected_refusal(where, value)
    if expected is not None:
        assert response.status_code == expected, response.content
    if response.status_code >= 400:
        assert state() == before


# ---- the shapes of defect 9, named ------------------------------------------------


@pytest.mark.parametrize(
    "name, field",
    [
        ("concern", ("consent",)),
        ("concern", ("existing_support",)),
        ("held", ("family_present",)),
        ("plan", ("confirm_identifying",)),
    ],
)
@pytest.mark.parametrize("value", NOT_BOOLEANS)
def test_a_string_or_number_is_no_boolean(client, headers, bodies, name, field, value):
    method, path, body = bodies[name]
    before = state()
    response = send(client, headers, method, path, spoiled(body, field, value))
    assert response.status_code == 422, response.content
    assert field[0] in response.json()["detail"]
    assert "true tai false" in response.json()["detail"]
    assert state() == before


@pytest.mark.parametrize(
    "name, field",
    [
        ("convene", ("concern",)),
        ("convene", ("invitees", 0)),
        ("convene", ("team",)),
        ("held", ("attendees", 0)),
        ("plan", ("lead_professionals", 0)),
    ],
)
@pytest.mark.parametrize("value", OUT_OF_RANGE_IDS)
def test_an_id_out_of_range_is_refused(client, headers, bodies, name, field, value):
    method, path, body = bodies[name]
    before = state()
    response = send(client, headers, method, path, spoiled(body, field, value))
    assert response.status_code == 422, response.content
    assert field[0] in response.json()["detail"]
    assert state() == before


@pytest.mark.parametrize(
    "name, field",
    [
        ("concern", ("family", "alias")),
        ("concern", ("family", "email")),
        ("concern", ("family", "phone")),
        ("concern", ("summary",)),
        ("concern", ("topics", 0)),
        ("convene", ("place",)),
        ("convene", ("starts_at",)),
        ("reschedule", ("place",)),
        ("cancel", ("note",)),
        ("plan", ("matters", 0)),
        ("plan", ("actions", 1, "place")),
        ("plan", ("follow_up",)),
    ],
)
def test_a_nul_character_is_refused_with_its_place(client, headers, bodies, name, field):
    method, path, body = bodies[name]
    before = state()
    response = send(client, headers, method, path, spoiled(body, field, "Perhe\x00K"))
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert "NUL" in detail and ".".join(str(step) for step in field) in detail
    assert state() == before


@pytest.mark.parametrize("name", ["concern", "convene", "held", "reschedule", "cancel", "plan"])
def test_a_body_over_the_upload_limit_is_refused_as_json(client, headers, bodies, settings, name):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    method, path, body = bodies[name]
    before = state()
    response = send(client, headers, method, path, {**body, "padding": "x" * 20_000})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "liian suuri" in response.json()["detail"]
    assert state() == before


@pytest.mark.parametrize(
    "body", ["{", "not json", "[" * 100_000 + "]" * 100_000, b"\xff\xfe", '{"a": 1}{}']
)
def test_a_body_that_is_no_json_is_refused_in_finnish(client, headers, body):
    before = state()
    response = send(client, headers, "post", "/concerns", body)
    assert response.status_code == 400
    assert response.json()["detail"] == "Pyynnön sisältö ei ole kelvollista JSONia."
    assert state() == before


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/meetings/{}"),
        ("get", "/concerns/{}"),
        ("get", "/meetings/{}/plan"),
        ("get", "/meetings/{}/plan.pdf"),
        ("post", "/meetings/{}/held"),
        ("post", "/meetings/{}/reschedule"),
        ("post", "/meetings/{}/cancel"),
        ("put", "/meetings/{}/plan"),
    ],
)
@pytest.mark.parametrize("object_id", [10**20, 2**63, -1, -(10**20), 0])
def test_a_path_id_out_of_range_is_not_found(client, headers, method, path, object_id):
    if method == "get":
        response = client.get(f"/api/v1{path.format(object_id)}", headers=headers)
    else:
        response = send(client, headers, method, path.format(object_id), {})
    check(response)
    assert response.status_code in (404, 422)


# ---- the report --------------------------------------------------------------------


@FUZZ
@given(start=st.text(max_size=12), end=st.text(max_size=12))
def test_report(client, headers, start, end):
    check(client.get("/api/v1/reports/meetings", {"start": start, "end": end}, headers=headers))


@FUZZ
@given(start=st.dates(), end=st.dates())
def test_report_any_dates(client, headers, start, end):
    response = client.get(
        "/api/v1/reports/meetings",
        {"start": start.isoformat(), "end": end.isoformat()},
        headers=headers,
    )
    check(response)
    allowed = EARLIEST_REPORT_DAY <= start <= end <= LATEST_REPORT_DAY
    assert response.status_code == (200 if allowed else 422), response.content


def test_report_far_dates_say_the_allowed_range(client, headers):
    response = client.get(
        "/api/v1/reports/meetings", {"start": "0001-01-01", "end": "9999-12-31"}, headers=headers
    )
    assert response.status_code == 422
    assert "1.1.2000–31.12.2100" in response.json()["errors"]["start"][0]
    assert "1.1.2000–31.12.2100" in response.json()["errors"]["end"][0]
    ok = client.get(
        "/api/v1/reports/meetings",
        {"start": EARLIEST_REPORT_DAY.isoformat(), "end": LATEST_REPORT_DAY.isoformat()},
        headers=headers,
    )
    assert ok.status_code == 200


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
        response = send(client, headers, method, path, body)
    check(response)


# ---- every boolean the API takes is strict --------------------------------------


def _booleans(model: type[BaseModel], where: str = "") -> typing.Iterator[tuple[str, FieldInfo]]:
    for name, field in model.model_fields.items():
        todo = [field.annotation]
        while todo:
            kind = todo.pop()
            if kind is bool:
                yield f"{where}{name}", field
            elif isinstance(kind, type) and issubclass(kind, BaseModel):
                yield from _booleans(kind, f"{where}{name}.")
            else:
                todo.extend(a for a in typing.get_args(kind) if not isinstance(a, FieldInfo))


def test_every_boolean_the_api_takes_is_strict():
    found = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    for name, field in _booleans(model):
                        found.append(name)
                        assert any(getattr(m, "strict", False) for m in field.metadata), name
    assert {"payload.consent", "payload.family_present", "payload.confirm_identifying"} <= set(
        found
    )
