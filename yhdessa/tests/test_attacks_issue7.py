"""Attacks on the issue 7 changes: "Perheeni", closing a concern and a
withdrawn consent, the concern's area, the team settings, the PTV import and
the lead who must have attended.

Each test is an outsider's or a careless client's probe. Those whose
docstring says "was a hole" once succeeded as an attack; the others held
and stay as regression tests.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from conftest import concern_for, meeting_for, next_thursday_at, plan_for
from yhdessa.api.auth import issue_token
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.models import Concern
from yhdessa.families.services import withdraw_consent
from yhdessa.meetings.models import Invitation
from yhdessa.notify.models import OutboxMessage

# A digit to str.isdigit() ("²", superscript two), yet no number to int().
SUPERSCRIPT = "\u00b2"


def browser(user) -> Client:
    """A logged-in browser that answers a crash with a 500 page, as in production."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def api_post(user, path: str, body) -> object:
    client = Client(raise_request_exception=False)
    return client.post(
        f"/api/v1{path}",
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {issue_token(user)}"},
    )


# ---- Perheeni ---------------------------------------------------------------


MINE = reverse("families:mine")


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "%",
        "_",
        "P-" + "9" * 18,
        "P-" + "9" * 40,
        "P" + "\u0661\u0662",  # Arabic-Indic digits
        f"P-{SUPERSCRIPT}",
        "' OR 1=1 --",
        "\u202e\ufeff",
    ],
)
def test_perheeni_search_with_odd_input_finds_nothing_and_does_not_crash(network, query):
    concern_for(network.convener, alias="Perhe K")
    response = browser(network.convener).get(MINE, {"q": query})
    assert response.status_code == 200
    assert response.context["rows"] == []


def test_perheeni_search_by_another_familys_reference_finds_nothing(network):
    mine = concern_for(network.convener, alias="Oma")
    other = concern_for(network.convener2, alias="Vieras")
    client = browser(network.convener)
    assert [
        r.concern for r in client.get(MINE, {"q": other.family.reference}).context["rows"]
    ] == []
    assert [r.concern for r in client.get(MINE, {"q": mine.family.reference}).context["rows"]] == [
        mine
    ]
    assert not AccessLogEntry.objects.filter(user=network.convener, family=other.family).exists()


def test_perheeni_page_number_crafted(network):
    concern_for(network.convener)
    client = browser(network.convener)
    for page in ("9" * 30, "-1", "abc", SUPERSCRIPT, "1e9"):
        assert client.get(MINE, {"page": page}).status_code == 200


def test_perheeni_logs_each_family_on_the_page_once_and_no_other(network):
    """Two pages: each read logs only the families it showed, once."""
    for n in range(27):
        concern_for(network.convener, alias=f"Perhe {n}")
    client = browser(network.convener)
    first = client.get(MINE)
    shown = {r.concern.family_id for r in first.context["rows"]}
    logged = list(
        AccessLogEntry.objects.filter(user=network.convener).values_list("family_id", flat=True)
    )
    assert len(shown) == 25 and sorted(logged) == sorted(shown)
    AccessLogEntry.objects.all().delete()
    second = client.get(MINE, {"page": 2})
    shown = {r.concern.family_id for r in second.context["rows"]}
    logged = list(AccessLogEntry.objects.values_list("family_id", flat=True))
    assert len(shown) == 2 and sorted(logged) == sorted(shown)


def test_perheeni_of_a_professional_who_has_left_is_empty(network):
    """The user is still active (an administrator's slip), the professional left."""
    concern_for(network.convener)
    professional = network.people["sanna"]
    professional.is_active = False
    professional.save(update_fields=["is_active"])
    response = browser(network.convener).get(MINE)
    assert response.status_code == 302 and "login" in response.url
    assert not AccessLogEntry.objects.exists()


def test_perheeni_of_a_deactivated_user_is_the_login_page(network):
    concern_for(network.convener)
    client = browser(network.convener)
    network.convener.is_active = False
    network.convener.save(update_fields=["is_active"])
    response = client.get(MINE)
    assert response.status_code == 302 and "login" in response.url
    assert not AccessLogEntry.objects.exists()


# ---- closing and withdrawing --------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '"close"',
        "null",
        '{"reason": ["declined"]}',
        '{"reason": {"x": 1}}',
        '{"reason": "declined", "note": 5}',
        '{"reason": "declined", "note": ["a"]}',
        '{"reason": "declined", "note": null}',
        '{"reason": "other", "note": "' + "y" * 100_000 + '"}',
        '{"reason": "other", "note": "Henkilötunnus 131052-308T"}',
        '{"reason": "other", "note": "   "}',
        "{" * 5000,
    ],
)
def test_a_crafted_close_body_is_4xx_with_a_detail_and_changes_nothing(network, body):
    concern = concern_for(network.convener)
    response = api_post(network.convener, f"/concerns/{concern.pk}/close", body)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert isinstance(response.json()["detail"], str)
    concern.refresh_from_db()
    assert concern.closed_at is None


@pytest.mark.parametrize("action", ["close", "withdraw-consent"])
@pytest.mark.parametrize("concern_id", ["0", "-1", "9" * 30, "1.5", SUPERSCRIPT, "abc"])
def test_a_crafted_concern_id_is_4xx_with_a_detail(network, action, concern_id):
    concern_for(network.convener)
    response = api_post(network.convener, f"/concerns/{concern_id}/{action}", {"reason": "other"})
    assert 400 <= response.status_code < 500
    assert isinstance(response.json()["detail"], str)
    assert not Concern.objects.filter(closed_at__isnull=False).exists()
    assert not Concern.objects.filter(consent_withdrawn_at__isnull=False).exists()


@pytest.mark.parametrize("who", ["member", "coordinator2", "admin", "convener2"])
def test_who_may_not_close_changes_nothing_on_the_page_either(network, who):
    concern = concern_for(network.convener)
    meeting_for(network, concern=concern)  # member invited
    client = browser(getattr(network, who))
    for name, data in (
        ("families:close", {"reason": "declined"}),
        ("families:withdraw_consent", {"confirm": "on"}),
    ):
        response = client.post(reverse(name, args=[concern.pk]), data)
        assert response.status_code in (403, 404)
    concern.refresh_from_db()
    assert concern.closed_at is None and concern.consent_withdrawn_at is None


def test_after_withdrawal_no_path_queues_a_message_to_the_family(network):
    meeting = meeting_for(network)
    withdraw_consent(actor=network.convener, concern=meeting.concern)
    before = OutboxMessage.objects.filter(to_family=True, status="pending").count()
    assert before == 0
    client = browser(network.convener)
    client.post(reverse("meetings:cancel", args=[meeting.pk]), {"note": "peruttu"})
    assert not OutboxMessage.objects.filter(to_family=True, status="pending").exists()


# ---- 500s from crafted ids ------------------------------------------------------


def test_audit_family_search_with_a_unicode_digit_is_no_500(network):
    """Was a hole: "P-²" passes str.isdigit() and int() raises (a 500)."""
    response = browser(network.coordinator).get(
        reverse("audit:families"), {"q": f"P-{SUPERSCRIPT}"}
    )
    assert response.status_code == 200


def test_leads_needed_with_a_unicode_digit_is_no_500(network, planned_meeting):
    """Was a hole: a plan or lead id "²" passes str.isdigit() and int() raises."""
    client = browser(network.coordinator)
    response = client.post(
        reverse("plans:leads_needed"), {"plan": SUPERSCRIPT, "lead": SUPERSCRIPT}
    )
    assert response.status_code == 302


def test_convene_page_with_a_unicode_digit_invitee_is_no_500(network):
    """Was a hole: an invitee id "²" passes str.isdigit() and int() raises."""
    concern = concern_for(network.convener)
    client = browser(network.convener)
    url = reverse("meetings:convene", args=[concern.pk])
    assert client.get(url, {"invitees": SUPERSCRIPT}).status_code == 200
    response = client.post(url, {"invitees": [SUPERSCRIPT], "place": "x"})
    assert response.status_code == 200


def test_team_page_with_a_unicode_digit_member_is_no_500(network):
    """Was a hole: a member id "²" passes str.isdigit() and int() raises."""
    client = browser(network.coordinator)
    url = reverse("network:team", args=[network.team.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {**_team_post(network), "members": [SUPERSCRIPT]})
    assert response.status_code < 500


def _team_post(network, **changes) -> dict:
    data = {
        "members": [p.pk for p in network.team.members.all()],
        "team-kind": "on_call",
        "by_email": "on",
        "deadline_rule": "weekday_prev_week",
        "deadline_weekday": "0",
        "default_duration_minutes": "90",
        "default_place": "Perhekeskus",
        "slot_0_weekday": "3",
        "slot_0_starts": "08:00",
        "slot_0_ends": "10:00",
    }
    data.update(changes)
    return data


# ---- team settings and the PTV import ----------------------------------------------


def test_a_coordinator_cannot_edit_another_municipalitys_team(network):
    before = sorted(network.team2.members.values_list("pk", flat=True))
    client = browser(network.coordinator)
    url = reverse("network:team", args=[network.team2.pk])
    assert client.get(url).status_code == 404
    data = _team_post(network, members=[network.people["eeva"].pk])
    assert client.post(url, data).status_code == 404
    assert sorted(network.team2.members.values_list("pk", flat=True)) == before


def test_a_coordinator_cannot_put_another_municipalitys_people_or_area_in_a_team(network):
    from yhdessa.network.models import FamilyCentreArea

    area2 = FamilyCentreArea.objects.create(name="Pohjoinen", municipality=network.town2)
    client = browser(network.coordinator)
    url = reverse("network:team", args=[network.team.pk])
    members = [network.people["mikko"].pk, network.people["jari"].pk]
    response = client.post(url, _team_post(network, members=members, **{"team-area": area2.pk}))
    assert response.status_code == 200  # the page again, with the area refused
    network.team.refresh_from_db()
    assert network.team.area_id is None
    assert network.people["jari"] not in network.team.members.all()


def _ptv_upload(client) -> str:
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (Path(__file__).parents[1] / "interop/tests/data/ptv_page.json").read_bytes()
    upload = SimpleUploadedFile("ptv.json", data, content_type="application/json")
    return client.post(reverse("network:import"), {"file": upload}).content.decode()


@pytest.mark.parametrize("extra", [{}, {"confirm": "1"}])
def test_a_coordinator_cannot_add_municipalities_by_a_crafted_post(network, extra):
    from yhdessa.network.models import Municipality, Organisation

    client = browser(network.coordinator)
    assert "Tuntemattomala" in _ptv_upload(client)
    response = client.post(reverse("network:import"), {"add_municipalities": "1", **extra})
    assert response.status_code in (200, 302, 403)
    assert not Municipality.objects.filter(name="Tuntemattomala").exists()
    assert not Organisation.objects.filter(municipalities__name="Tuntemattomala").exists()


def test_a_coordinator_cannot_classify_another_municipalitys_service(network):
    from yhdessa.network.models import ImportedService, Organisation, ServiceOffer, TaskArea

    org = Organisation.objects.create(name="Koivurannan seurakunta", sector="parish")
    service = ImportedService.objects.create(
        organisation=org, municipality=network.town2, name="Perhekerho"
    )
    area = TaskArea.objects.first()
    client = browser(network.coordinator)
    url = reverse("network:service_classify", args=[service.pk])
    response = client.post(url, {f"s{service.pk}-choice": str(area.pk)})
    assert response.status_code in (403, 404)
    service.refresh_from_db()
    assert service.task_area_id is None and not service.not_family_service
    assert not ServiceOffer.objects.filter(organisation=org).exists()
    huge = "9" * 30
    response = client.post(f"/network/services/{huge}/classify/", {f"s{huge}-choice": "none"})
    assert response.status_code < 500


# ---- the concern's area ----------------------------------------------------------


def test_an_area_of_another_municipality_is_refused_on_the_page_and_in_the_api(network):
    from yhdessa.network.models import FamilyCentreArea

    FamilyCentreArea.objects.create(name="Keskusta", municipality=network.town)
    other = FamilyCentreArea.objects.create(name="Pohjoinen", municipality=network.town2)
    client = browser(network.convener)
    response = client.post(
        reverse("families:create"),
        {
            "alias": "Perhe A",
            "children_birth_years": "2022",
            "language": "fi",
            "channel": "local_worker",
            "topics": ["daily_rhythm"],
            "summary": "Rytmi",
            "consent": "on",
            "area": str(other.pk),
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["area"]
    body = {
        "family": {"alias": "Perhe A", "children_birth_years": [2022]},
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "Rytmi",
        "consent": True,
    }
    for area in (other.pk, 0, -1, 2**63, "1", 1.0, True):
        response = api_post(network.convener, "/concerns", {**body, "area": area})
        assert response.status_code == 422, (area, response.content)
        assert isinstance(response.json()["detail"], str)
    assert not Concern.objects.exists()


# ---- the lead must have attended ----------------------------------------------------


def _api_put(user, path: str, body) -> object:
    client = Client(raise_request_exception=False)
    return client.put(
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {issue_token(user)}"},
    )


@pytest.mark.parametrize(
    "leads",
    [
        [],
        ["outsider"],  # never invited
        ["antti"],  # invited? no: not at this meeting
        ["eeva"],  # another municipality
        ["mikko", "leena", "sanna"],
        [0],
        [2**63],
        [-5],
        ["1"],
        [True],
        [1.0],
        [None],
        "mikko",
    ],
)
def test_put_plan_with_a_crafted_lead_is_refused_and_writes_nothing(network, held_meeting, leads):
    from yhdessa.plans.models import JointPlan

    people = network.people
    ids = (
        leads
        if isinstance(leads, str)
        else [people[x].pk if isinstance(x, str) and x in people else x for x in leads]
    )
    response = _api_put(
        network.convener,
        f"/meetings/{held_meeting.pk}/plan",
        {
            "matters": ["Iltarutiini"],
            "actions": [{"where": "home", "text": "Kuvat"}],
            "follow_up": "Soitto",
            "lead_professionals": ids,
            "next_contact": "2031-01-01",
        },
    )
    assert 400 <= response.status_code < 500, response.content
    assert isinstance(response.json()["detail"], str)
    assert not JointPlan.objects.exists()


def test_a_lead_who_was_absent_cannot_be_named(network):
    meeting = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2))
    Invitation.objects.filter(meeting=meeting, professional=network.people["leena"]).update(
        status=Invitation.Status.ABSENT
    )
    response = _api_put(
        network.convener,
        f"/meetings/{meeting.pk}/plan",
        {
            "matters": ["Iltarutiini"],
            "actions": [{"where": "home", "text": "Kuvat"}],
            "follow_up": "Soitto",
            "lead_professionals": [network.people["leena"].pk],
            "next_contact": "2031-01-01",
        },
    )
    assert response.status_code == 422
    assert "lead_professionals" in response.json()["detail"]


@pytest.mark.parametrize("n", [1, 5])
def test_perheeni_of_an_invited_lead_has_a_fixed_number_of_queries(
    network, django_assert_num_queries, n
):
    """Mikko is invited to every meeting and leads every plan."""
    for i in range(n):
        meeting = meeting_for(
            network,
            held=True,
            starts_at=next_thursday_at(weeks=-2),
            concern=concern_for(network.convener, alias=f"Perhe {i}"),
        )
        plan_for(network, meeting)
        meeting_for(network, concern=concern_for(network.convener, alias=f"Sovittu {i}"))
    client = Client()
    client.force_login(network.member)
    # session, user, professional, OTP devices, the pager's count, the
    # concerns, their meetings with plans, invitations, leads, the log insert
    with django_assert_num_queries(10):
        response = client.get(MINE)
    assert len(response.context["rows"]) == 2 * n
    assert AccessLogEntry.objects.filter(user=network.member).count() == 2 * n
