"""The lead professional after the meeting: the worklist, the contact log,
sharing the plan with the family's consent, the hand-over and the closing;
and each participant's summary for their own records."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conftest import meeting_for, next_thursday_at, plan_for
from yhdessa.accounts.models import User
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.models import Concern
from yhdessa.notify.models import OutboxMessage
from yhdessa.plans.models import FollowUpContact, JointPlan, PlanShare

HETU = "131052-308T"  # synthetic


def follow_up(meeting):
    return reverse("plans:follow_up", args=[meeting.pk])


def _contact(**overrides):
    today = timezone.localdate()
    data = {
        "section": "contact",
        "on": today.isoformat(),
        "how": "phone",
        "note": "Iltarutiini toimii kolmena iltana viikossa.",
        "next_contact": (today + timedelta(days=14)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_worklist_puts_the_overdue_first(client, network):
    meetings = [
        meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-w)) for w in (2, 3)
    ]
    plans = [plan_for(network, m) for m in meetings]
    JointPlan.objects.filter(pk=plans[1].pk).update(
        next_contact=timezone.localdate() - timedelta(days=3)
    )
    client.force_login(network.member)
    page = client.get(reverse("plans:follow_up_list")).content.decode()
    first, second = (page.index(follow_up(m)) for m in reversed(meetings))
    assert first < second
    assert "myöhässä" in page and "1 yhteydenotto on myöhässä." in page
    assert AccessLogEntry.objects.filter(user=network.member, what="list").count() == 2


def test_the_worklist_takes_the_same_queries_for_many_families(client, network):
    def queries(n):
        for w in range(n):
            plan_for(
                network, meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2 - w))
            )
        client.force_login(network.member)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("plans:follow_up_list")).status_code == 200
        return len(captured)

    few = queries(1)
    assert queries(4) == few
    assert few <= 10


def test_the_lead_logs_a_contact_and_the_list_updates(client, network, planned_meeting):
    client.force_login(network.member)
    response = client.post(follow_up(planned_meeting), _contact())
    assert response.status_code == 302
    contact = FollowUpContact.objects.get()
    assert (contact.how, contact.professional.name) == ("phone", "Mikko Harju")
    plan = JointPlan.objects.get()
    assert plan.next_contact == timezone.localdate() + timedelta(days=14)
    listing = client.get(reverse("plans:follow_up_list")).content.decode()
    assert f"{timezone.localdate():%-d.%-m.%Y}" in listing  # the last contact


@pytest.mark.parametrize(
    "change, message",
    [
        ({"note": f"Äiti {HETU}"}, "henkilötunnuksen"),
        ({"next_contact": "2001-01-01"}, "menneisyydessä"),
        ({"on": (timezone.localdate() + timedelta(days=2)).isoformat()}, "tulevaisuudessa"),
        ({"how": "telepathy"}, "Valitse oikea vaihtoehto"),
        ({"next_contact": ""}, "vaaditaan"),
    ],
)
def test_a_bad_contact_changes_nothing(client, network, planned_meeting, change, message):
    client.force_login(network.member)
    before = JointPlan.objects.get().next_contact
    response = client.post(follow_up(planned_meeting), _contact(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FollowUpContact.objects.exists()
    assert JointPlan.objects.get().next_contact == before


def test_a_phone_number_in_the_note_is_asked_about(client, network, planned_meeting):
    client.force_login(network.member)
    response = client.post(follow_up(planned_meeting), _contact(note="Soita 040 123 4567"))
    assert "Puhelinnumero" in response.content.decode()
    assert not FollowUpContact.objects.exists()
    client.post(
        follow_up(planned_meeting), _contact(note="Soita 040 123 4567", confirm_identifying="on")
    )
    assert FollowUpContact.objects.count() == 1


@pytest.mark.parametrize(
    "who, status", [("convener", 403), ("coordinator", 403), ("convener2", 404)]
)
def test_only_a_lead_follows_up(client, network, planned_meeting, who, status):
    client.force_login(getattr(network, who))
    assert client.get(follow_up(planned_meeting)).status_code == status
    assert client.post(follow_up(planned_meeting), _contact()).status_code == status
    assert not FollowUpContact.objects.exists()


def test_a_lead_who_has_left_has_no_access(client, network, planned_meeting):
    mikko = network.people["mikko"]
    mikko.is_active = False
    mikko.save()
    client.force_login(network.member)
    for url in (follow_up(planned_meeting), reverse("plans:follow_up_list")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(follow_up(planned_meeting), _contact()).status_code == 302
    assert not FollowUpContact.objects.exists()


def test_the_plan_is_shared_only_with_the_familys_consent(client, network, planned_meeting):
    outsider = network.people["outsider"]
    outsider_user = User.objects.create_user("ulla", password="x", municipality=network.town)
    outsider.user = outsider_user
    outsider.save()
    plan_url = reverse("plans:view", args=[planned_meeting.pk])
    client.force_login(outsider_user)
    assert client.get(plan_url).status_code == 404
    client.force_login(network.member)
    response = client.post(
        follow_up(planned_meeting), {"section": "share", "professional": str(outsider.pk)}
    )
    assert response.status_code == 200 and "perheen luvalla" in response.content.decode()
    assert not PlanShare.objects.exists()
    client.post(
        follow_up(planned_meeting),
        {"section": "share", "professional": str(outsider.pk), "family_consents": "on"},
    )
    share = PlanShare.objects.get()
    assert OutboxMessage.objects.filter(professional=outsider, kind="notice").exists()
    client.force_login(outsider_user)
    assert client.get(plan_url).status_code == 200
    assert AccessLogEntry.objects.filter(user=outsider_user, why="shared", what="plan").exists()
    # The plan only: not the meeting, not the family's other data.
    assert client.get(reverse("meetings:detail", args=[planned_meeting.pk])).status_code == 404
    client.force_login(network.member)
    client.post(follow_up(planned_meeting), {"section": "unshare", "share": str(share.pk)})
    client.force_login(outsider_user)
    assert client.get(plan_url).status_code == 404


def test_the_lead_hands_over_and_the_family_is_told(client, network, planned_meeting):
    antti = network.people["antti"]
    client.force_login(network.member)
    response = client.post(follow_up(planned_meeting), {"section": "handover", "to": str(antti.pk)})
    assert response.status_code == 200  # the family_told box was not ticked
    assert list(JointPlan.objects.get().lead_professionals.all()) == [network.people["mikko"]]
    response = client.post(
        follow_up(planned_meeting),
        {"section": "handover", "to": str(antti.pk), "family_told": "on"},
    )
    assert response.status_code == 302
    assert list(JointPlan.objects.get().lead_professionals.all()) == [antti]
    to_family = OutboxMessage.objects.get(to_family=True, kind="notice")
    assert "Antti Rinne" in to_family.body and to_family.recipient == "perhe@koti.example"
    assert OutboxMessage.objects.filter(professional=antti, kind="notice").exists()
    # Mikko no longer follows the family.
    assert client.get(follow_up(planned_meeting)).status_code in (403, 404)


def test_a_hand_over_to_someone_in_another_municipality_is_refused(
    client, network, planned_meeting
):
    client.force_login(network.member)
    response = client.post(
        follow_up(planned_meeting),
        {"section": "handover", "to": str(network.people["jari"].pk), "family_told": "on"},
    )
    assert response.status_code == 200
    assert list(JointPlan.objects.get().lead_professionals.all()) == [network.people["mikko"]]
    assert not OutboxMessage.objects.filter(kind="notice").exists()


def test_closing_with_an_outcome_takes_the_family_off_the_list(client, network, planned_meeting):
    client.force_login(network.member)
    response = client.post(
        follow_up(planned_meeting), {"section": "close", "outcome": "everyday_smooth"}
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.close_reason == "everyday_smooth" and concern.closed_by == network.member
    page = client.get(reverse("plans:follow_up_list")).content.decode()
    assert follow_up(planned_meeting) not in page
    # Nothing more to log for a closed family.
    assert client.post(follow_up(planned_meeting), _contact()).status_code == 200
    assert not FollowUpContact.objects.exists()


def test_other_needs_a_note(client, network, planned_meeting):
    client.force_login(network.member)
    response = client.post(follow_up(planned_meeting), {"section": "close", "outcome": "other"})
    assert response.status_code == 200
    assert "Kerro lyhyesti" in response.content.decode()
    assert Concern.objects.get().closed_at is None


# ---- the summary for one's own records ---------------------------------------------


def test_a_participant_takes_the_summary_and_the_taking_is_logged(client, network, planned_meeting):
    client.force_login(network.member)
    page = client.get(reverse("meetings:summary", args=[planned_meeting.pk]))
    assert page.status_code == 200
    text = page.context["text"]
    assert "Yhdessä ajan yhteenveto" in text and "Kuvallinen iltarutiini" in text
    assert "Mikko Harju" in text and "Seuraava yhteydenotto" in text
    pdf = client.get(reverse("meetings:summary_pdf", args=[planned_meeting.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    words = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Kuvallinen iltarutiini" in words
    assert list(
        AccessLogEntry.objects.filter(user=network.member).values_list("what", flat=True)
    ) == ["summary_pdf", "summary"]


def test_an_invitee_who_did_not_attend_takes_no_summary(client, network):
    meeting = meeting_for(
        network, held=True, starts_at=next_thursday_at(weeks=-2), invitees=("mikko",)
    )
    from yhdessa.meetings.models import Invitation

    Invitation.objects.filter(meeting=meeting).update(status="absent")
    client.force_login(network.member)
    assert client.get(reverse("meetings:summary", args=[meeting.pk])).status_code == 403
    client.force_login(network.convener2)
    assert client.get(reverse("meetings:summary", args=[meeting.pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(what__startswith="summary").exists()


def test_a_double_click_logs_one_contact(client, network, planned_meeting):
    client.force_login(network.member)
    data = _contact(once="same-form")
    first = client.post(follow_up(planned_meeting), data)
    second = client.post(follow_up(planned_meeting), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert FollowUpContact.objects.count() == 1


def test_a_double_click_hands_over_once(client, network, planned_meeting):
    client.force_login(network.member)
    data = {
        "section": "handover",
        "to": str(network.people["antti"].pk),
        "family_told": "on",
        "once": "same-form",
    }
    assert client.post(follow_up(planned_meeting), data).status_code == 302
    assert client.post(follow_up(planned_meeting), data).status_code == 302
    assert OutboxMessage.objects.filter(to_family=True, kind="notice").count() == 1


def test_the_family_sees_who_does_what_and_whom_it_let_read_the_plan(
    client, network, planned_meeting
):
    from yhdessa.families.links import issue_link

    outsider = network.people["outsider"]
    client.force_login(network.member)
    client.post(
        follow_up(planned_meeting),
        {"section": "share", "professional": str(outsider.pk), "family_consents": "on"},
    )
    JointPlan.objects.get().actions.update(responsible="family")
    client.logout()
    token = issue_link(family=planned_meeting.concern.family)
    page = client.get(reverse("family_page:home", args=[token])).content.decode()
    assert "Tekee: Perhe" in page
    assert "Suunnitelmanne näkevät luvallanne myös" in page and "Ulla Ulkopuoli" in page


def test_a_huge_id_is_not_found(client, network, planned_meeting):
    client.force_login(network.member)
    assert client.get("/plans/100000000000000000000/follow-up/").status_code == 404


def test_a_follow_ups_plan_takes_the_place_of_the_earlier_one(client, network):
    from yhdessa.meetings.models import Meeting

    first = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-6))
    plan_for(network, first)
    follow = meeting_for(
        network, concern=first.concern, held=True, starts_at=next_thursday_at(weeks=-2)
    )
    assert Meeting.objects.get(pk=follow.pk).follows_id == first.pk
    plan_for(network, follow)
    client.force_login(network.member)
    page = client.get(reverse("plans:follow_up_list")).content.decode()
    # One row for the family: the follow-up's plan.
    assert page.count("Perhe K") == 1
    assert follow_up(follow) in page and follow_up(first) not in page
