"""Only those who attended the meeting can be made the family's lead
professional: the plan form offers them only, and the plan service, the API
and naming a new lead refuse anyone else with a clear message."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for, next_thursday_at
from yhdessa.api.auth import issue_token
from yhdessa.meetings.services import convene_meeting, record_meeting_held
from yhdessa.network.services import save_professional
from yhdessa.plans.models import JointPlan
from yhdessa.plans.services import record_plan, replace_lead
from yhdessa.plans.tests.test_joint_plan import plan_data


@pytest.fixture
def meeting_leena_missed(network):
    """Mikko, Leena and Antti were invited; Leena did not come."""
    starts = next_thursday_at(weeks=-2)
    meeting = convene_meeting(
        actor=network.convener,
        concern=concern_for(network.convener),
        starts_at=starts,
        duration_minutes=90,
        place="Perhekeskus",
        invitee_ids=[network.people[k].pk for k in ("mikko", "leena", "antti")],
        now=starts - timedelta(days=20),
    )
    return record_meeting_held(
        actor=network.convener,
        meeting=meeting,
        attendee_ids=[network.people[k].pk for k in ("mikko", "antti")],
        family_present=True,
        now=starts + timedelta(hours=2),
    )


def test_the_form_offers_only_those_who_attended(client, network, meeting_leena_missed):
    client.force_login(network.convener)
    url = reverse("plans:edit", args=[meeting_leena_missed.pk])
    choices = dict(client.get(url).context["form"].fields["lead_professionals"].choices)
    people = network.people
    assert set(choices) == {str(people[k].pk) for k in ("sanna", "mikko", "antti")}
    assert str(people["leena"].pk) not in choices


def test_the_service_refuses_someone_who_did_not_attend(network, meeting_leena_missed):
    with pytest.raises(ValidationError) as refusal:
        record_plan(
            actor=network.convener,
            meeting=meeting_leena_missed,
            matters=["Iltarutiini"],
            actions=[{"where": "home", "text": "Kuvallinen iltarutiini"}],
            follow_up="Leena soittaa.",
            lead_ids=[network.people["leena"].pk],
            next_contact=timezone.localdate() + timedelta(days=7),
        )
    assert "tapaamiseen osallistuneen" in refusal.value.message_dict["lead_professionals"][0]
    assert not JointPlan.objects.exists()


def test_the_page_refuses_a_forged_choice(client, network, meeting_leena_missed):
    client.force_login(network.convener)
    data = plan_data(
        network, meeting_leena_missed, lead_professionals=[str(network.people["leena"].pk)]
    )
    page = client.post(reverse("plans:edit", args=[meeting_leena_missed.pk]), data)
    assert page.status_code == 200
    assert "lead_professionals" in page.context["form"].errors
    assert not JointPlan.objects.exists()


def test_the_api_refuses_someone_who_did_not_attend(client, network, meeting_leena_missed):
    response = client.put(
        f"/api/v1/meetings/{meeting_leena_missed.pk}/plan",
        {
            "matters": ["Iltarutiini"],
            "actions": [{"where": "home", "text": "Kuvallinen iltarutiini"}],
            "follow_up": "Leena soittaa.",
            "lead_professionals": [network.people["leena"].pk],
            "next_contact": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {issue_token(network.convener)}"},
    )
    assert response.status_code == 422
    assert "tapaamiseen osallistuneen" in response.json()["detail"]
    assert not JointPlan.objects.exists()


def _mikko_leads_and_leaves(network, meeting):
    plan = record_plan(
        actor=network.convener,
        meeting=meeting,
        matters=["Iltarutiini"],
        actions=[{"where": "home", "text": "Kuvallinen iltarutiini"}],
        follow_up="Mikko soittaa.",
        lead_ids=[network.people["mikko"].pk],
        next_contact=timezone.localdate() + timedelta(days=7),
    )
    save_professional(
        actor=network.coordinator, professional=network.people["mikko"], data={"is_active": False}
    )
    return plan


def test_a_new_lead_must_have_attended(network, meeting_leena_missed):
    plan = _mikko_leads_and_leaves(network, meeting_leena_missed)
    for outsider in ("leena", "riikka"):  # invited but absent; never invited
        with pytest.raises(ValidationError) as refusal:
            replace_lead(
                actor=network.coordinator, plan=plan, new_lead_id=network.people[outsider].pk
            )
        assert "tapaamiseen osallistuneen" in refusal.value.message_dict["lead"][0]
    assert list(plan.lead_professionals.all()) == [network.people["mikko"]]
    replace_lead(actor=network.coordinator, plan=plan, new_lead_id=network.people["antti"].pk)
    assert list(plan.lead_professionals.all()) == [network.people["antti"]]


def test_the_coordinators_page_says_why(client, network, meeting_leena_missed):
    plan = _mikko_leads_and_leaves(network, meeting_leena_missed)
    client.force_login(network.coordinator)
    page = client.post(
        reverse("plans:leads_needed"),
        {"plan": plan.pk, "lead": network.people["leena"].pk},
        follow=True,
    ).content.decode()
    assert "tapaamiseen osallistuneen" in page
    assert list(plan.lead_professionals.all()) == [network.people["mikko"]]


def test_the_coordinators_page_offers_only_those_who_attended(
    client, network, meeting_leena_missed
):
    plan = _mikko_leads_and_leaves(network, meeting_leena_missed)
    client.force_login(network.coordinator)
    response = client.get(reverse("plans:leads_needed"))
    [shown] = response.context["plans"]
    assert shown.pk == plan.pk
    # Sanna convened, Antti attended; Leena was absent, Mikko has left.
    assert [p.name for p in shown.candidates] == ["Antti Rinne", "Sanna Lehtola"]
    assert "Leena Koivisto" not in response.content.decode()


def test_the_coordinators_page_reads_the_choices_in_constant_queries(
    client, network, django_assert_num_queries
):
    from conftest import meeting_for, plan_for

    def plans_waiting(n, lead, invitees):
        for _ in range(n):
            meeting = meeting_for(
                network, held=True, starts_at=next_thursday_at(weeks=-2), invitees=invitees
            )
            plan_for(network, meeting, lead=lead)
        save_professional(
            actor=network.coordinator, professional=network.people[lead], data={"is_active": False}
        )

    plans_waiting(1, "mikko", ("mikko", "leena"))
    client.force_login(network.coordinator)
    # session, user, the user's professional, OTP devices (the two-step
    # notice), the plans with family, their leads and invitations (prefetch),
    # the access log's bulk insert, the attended invitations and the people
    # to choose from.
    with django_assert_num_queries(10) as few:
        client.get(reverse("plans:leads_needed"))
    plans_waiting(3, "leena", ("leena", "antti"))
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("plans:leads_needed"))
    assert len(response.context["plans"]) == 4
