"""The access layer's promises: leaving ends access, one read is one log row,
each coordinator reads their own directory history, API writes run once per
Idempotency-Key."""

import json
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, concern_for, meeting_for, next_thursday_at
from yhdessa.accounts.models import ApiToken
from yhdessa.api.auth import issue_token
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.models import Family
from yhdessa.meetings.models import Meeting
from yhdessa.network.models import DirectoryChange
from yhdessa.network.services import save_professional


def _leave(network, professional):
    save_professional(
        actor=network.coordinator, professional=professional, data={"is_active": False}
    )


def test_leaving_ends_access_at_once_pages_api_sessions_and_tokens(network, planned_meeting):
    member = network.member  # Mikko: invited, and the lead of the plan
    browser = Client()
    assert browser.login(username="member", password=PASSWORD)
    token = issue_token(member)
    api = {"Authorization": f"Bearer {token}"}
    url = reverse("meetings:detail", args=[planned_meeting.pk])
    assert browser.get(url).status_code == 200
    assert Client().get(f"/api/v1/meetings/{planned_meeting.pk}", headers=api).status_code == 200
    reads = AccessLogEntry.objects.filter(user=member).count()

    _leave(network, network.people["mikko"])

    member.refresh_from_db()
    assert not member.is_active
    assert not ApiToken.objects.filter(user=member).exists()
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(member.pk) for s in Session.objects.all()
    )
    # The same browser and the same token: nothing.
    page = browser.get(url)
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert Client().get(f"/api/v1/meetings/{planned_meeting.pk}", headers=api).status_code == 401
    assert not Client().login(username="member", password=PASSWORD)
    assert AccessLogEntry.objects.filter(user=member).count() == reads


def test_a_professional_deactivated_behind_the_scenes_reads_nothing(client, network, held_meeting):
    """Even if the user row were left active (say, edited in the admin), an
    inactive professional acts for nobody."""
    mikko = network.people["mikko"]
    type(mikko).objects.filter(pk=mikko.pk).update(is_active=False)
    client.force_login(network.member)
    page = client.get(reverse("meetings:detail", args=[held_meeting.pk]))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    token = issue_token(network.member)
    response = client.get(
        f"/api/v1/meetings/{held_meeting.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    # The session has ended: the start page asks to log in.
    assert client.get("/").status_code == 302


def test_the_families_a_leaver_led_are_offered_to_another_lead(client, network, planned_meeting):
    client.force_login(network.coordinator)
    mikko = network.people["mikko"]
    response = client.post(
        reverse("network:professional", args=[mikko.pk]),
        {
            "name": mikko.name,
            "title": "",
            "organisation": mikko.organisation_id,
            "municipality": network.town.pk,
            "email": mikko.email,
            "phone": mikko.phone,
            "languages": ["fi"],
            "expertise": [e.pk for e in mikko.expertise.all()],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:leads_needed")
    page = client.get(response["Location"])
    assert "1 perhe odottaa uutta vastuutyöntekijää" in page.content.decode()
    assert [p.pk for p in page.context["plans"]] == [planned_meeting.plan.pk]
    leena = network.people["leena"]
    client.post(reverse("plans:leads_needed"), {"plan": planned_meeting.plan.pk, "lead": leena.pk})
    assert list(planned_meeting.plan.lead_professionals.all()) == [leena]
    assert client.get(reverse("plans:leads_needed")).context["plans"] == []
    # Another municipality's coordinator sees and names nothing here.
    client.force_login(network.coordinator2)
    assert client.get(reverse("plans:leads_needed")).context["plans"] == []


def test_one_read_is_one_log_row_api_writes_too(network):
    concern = concern_for(network.convener)
    token = issue_token(network.convener)
    api = Client(headers={"Authorization": f"Bearer {token}"})

    def rows():
        return AccessLogEntry.objects.filter(user=network.convener).count()

    before = rows()
    starts = timezone.localtime(next_thursday_at(8, weeks=4)).isoformat()
    created = api.post(
        "/api/v1/meetings",
        {
            "concern": concern.pk,
            "starts_at": starts,
            "duration_minutes": 90,
            "place": "Perhekeskus",
            "invitees": [network.people["mikko"].pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert rows() == before + 1
    meeting = created.json()["id"]
    for method, url, body in [
        ("get", f"/api/v1/meetings/{meeting}", None),
        ("get", f"/api/v1/concerns/{concern.pk}", None),
        ("post", f"/api/v1/meetings/{meeting}/cancel", {"note": ""}),
    ]:
        before = rows()
        response = getattr(api, method)(url, body, content_type="application/json")
        assert response.status_code == 200, (url, response.content)
        assert rows() == before + 1, url


def test_a_refused_read_writes_no_read_row(client, network, held_meeting):
    """The invited member may read the meeting but not record it: the refusal
    leaves no row behind (the check comes before the log)."""
    client.force_login(network.member)
    before = AccessLogEntry.objects.count()
    assert client.get(reverse("meetings:held", args=[held_meeting.pk])).status_code == 403
    assert client.get(reverse("plans:edit", args=[held_meeting.pk])).status_code == 403
    assert AccessLogEntry.objects.count() == before


def test_a_coordinator_reads_their_own_directory_history(client, network):
    save_professional(
        actor=network.coordinator, professional=network.people["riikka"], data={"title": "ohjaaja"}
    )
    save_professional(
        actor=network.coordinator2, professional=network.people["jari"], data={"title": "ohjaaja"}
    )
    client.force_login(network.coordinator)
    page = client.get(reverse("network:changes")).content.decode()
    assert "Riikka Laine" in page and "Jari Heino" not in page
    client.force_login(network.coordinator2)
    page = client.get(reverse("network:changes")).content.decode()
    assert "Jari Heino" in page and "Riikka Laine" not in page
    client.force_login(network.admin)
    page = client.get(reverse("network:changes")).content.decode()
    assert "Jari Heino" in page and "Riikka Laine" in page
    assert set(DirectoryChange.objects.values_list("municipality__name", flat=True)) == {
        "Järvelä",
        "Koivuranta",
    }


def test_an_api_write_runs_once_per_idempotency_key(network):
    token = issue_token(network.convener)
    body = {
        "family": {"alias": "Perhe I", "children_birth_years": [timezone.localdate().year - 2]},
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "Rytmi.",
        "consent": True,
    }
    api = Client(headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "abc-1"})
    first = api.post("/api/v1/concerns", body, content_type="application/json")
    again = api.post("/api/v1/concerns", body, content_type="application/json")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Family.objects.filter(alias="Perhe I").count() == 1
    other = api.post(
        "/api/v1/concerns", {**body, "summary": "Toinen."}, content_type="application/json"
    )
    assert other.status_code == 409 and "jo käytetty" in other.json()["detail"]
    # The key belongs to the caller: another client's same key is its own.
    token2 = issue_token(network.convener2)
    api2 = Client(headers={"Authorization": f"Bearer {token2}", "Idempotency-Key": "abc-1"})
    response = api2.post("/api/v1/concerns", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["id"] != first.json()["id"]


def test_a_refused_api_write_can_be_corrected_with_a_new_key_and_changes_nothing(network):
    meeting = meeting_for(network)
    token = issue_token(network.member)  # invited, not the convener
    api = Client(headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k"})
    response = api.post(
        f"/api/v1/meetings/{meeting.pk}/cancel", json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert meeting.starts_at > timezone.now() + timedelta(days=1)
