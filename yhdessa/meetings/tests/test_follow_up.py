"""The lead professional arranges a follow-up meeting when needed."""

from django.urls import reverse
from django.utils import timezone

from conftest import next_thursday_at
from yhdessa.meetings.models import Meeting
from yhdessa.notify.models import OutboxMessage


def test_the_lead_convenes_a_follow_up_and_invites_the_local_worker(
    client, network, planned_meeting
):
    held_meeting = planned_meeting
    client.force_login(network.member)  # Mikko, the lead professional
    plan_page = client.get(reverse("plans:view", args=[held_meeting.pk])).content.decode()
    assert "Järjestä seurantatapaaminen" in plan_page
    url = reverse("meetings:convene", args=[held_meeting.concern_id])
    page = client.get(url).content.decode()
    assert "Sanna Lehtola" in page  # the local worker who raised the concern
    starts = timezone.localtime(next_thursday_at(8))
    response = client.post(
        url,
        {
            "date": starts.date().isoformat(),
            "time": "08:00",
            "duration_minutes": "60",
            "place": "Perheen koti",
            "invitees": [str(network.people["sanna"].pk), str(network.people["leena"].pk)],
        },
    )
    assert response.status_code == 302
    follow_up = Meeting.objects.exclude(pk=held_meeting.pk).get()
    assert follow_up.convener == network.people["mikko"]
    assert follow_up.concern_id == held_meeting.concern_id
    assert OutboxMessage.objects.filter(meeting=follow_up, recipient="sanna@test.example").exists()


def test_someone_only_invited_cannot_convene(client, network, planned_meeting):
    held_meeting = planned_meeting
    from conftest import _user
    from yhdessa.network.models import Professional

    leena_user = _user("leena", network.town)
    Professional.objects.filter(pk=network.people["leena"].pk).update(user=leena_user)
    client.force_login(leena_user)  # invited to the first meeting, not the lead
    assert client.get(reverse("meetings:detail", args=[held_meeting.pk])).status_code == 200
    assert (
        client.get(reverse("meetings:convene", args=[held_meeting.concern_id])).status_code == 403
    )
    plan_page = client.get(reverse("plans:view", args=[held_meeting.pk])).content.decode()
    assert "Järjestä seurantatapaaminen" not in plan_page
