"""Workers' feedback after a held meeting, and the totals on the reports
page and in the API (the family's own feedback: family_page tests)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import meeting_for
from yhdessa.feedback.models import Feedback
from yhdessa.feedback.services import give_family_feedback

ANSWERS = {"heard": "yes", "helped": "partly", "right_expertise": "no"}


def test_a_worker_who_took_part_gives_feedback_once(client, network, held_meeting):
    client.force_login(network.member)  # Mikko attended
    url = reverse("feedback:worker", args=[held_meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**ANSWERS, "comment": "Hyvä rytmi"})
    assert response.status_code == 302
    again = client.post(url, ANSWERS, follow=True)
    assert "jo annettu" in again.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.source, feedback.professional) == ("worker", network.people["mikko"])
    assert "Olet jo antanut" in client.get(url).content.decode()


def test_the_meeting_page_offers_the_feedback_to_those_who_took_part(client, network, held_meeting):
    client.force_login(network.convener)
    page = client.get(reverse("meetings:detail", args=[held_meeting.pk])).content.decode()
    assert reverse("feedback:worker", args=[held_meeting.pk]) in page


def test_no_feedback_before_the_meeting_is_held(client, network):
    meeting = meeting_for(network)
    client.force_login(network.member)
    url = reverse("feedback:worker", args=[meeting.pk])
    response = client.post(url, ANSWERS)
    assert response.status_code == 403
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("who", ["convener2", "coordinator"])
def test_others_give_no_feedback(client, network, held_meeting, who):
    client.force_login(getattr(network, who))
    response = client.post(reverse("feedback:worker", args=[held_meeting.pk]), ANSWERS)
    assert response.status_code in (403, 404)
    assert not Feedback.objects.exists()


def test_bad_answers_are_explained(client, network, held_meeting):
    client.force_login(network.member)
    response = client.post(
        reverse("feedback:worker", args=[held_meeting.pk]),
        {"heard": "maybe", "comment": "Lapsen hetu 131052-308T"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"heard", "helped", "right_expertise"} <= set(errors)
    assert not Feedback.objects.exists()


def _report(client, user):
    client.force_login(user)
    today = timezone.localdate()
    return client.get(
        reverse("reports:meetings"),
        {"start": (today - timedelta(days=60)).isoformat(), "end": today.isoformat()},
    )


def test_the_reports_count_feedback_per_team_and_source(client, network, held_meeting):
    give_family_feedback(meeting=held_meeting, answers=ANSWERS, comment="Kiitos kuuntelusta")
    from yhdessa.feedback.services import give_worker_feedback

    give_worker_feedback(actor=network.member, meeting=held_meeting, answers=ANSWERS)
    response = _report(client, network.coordinator)
    rows = response.context["feedback"]
    assert [(r["team"], r["source"], r["answers"]) for r in rows] == [
        ("Järvelän perhekeskustiimi", "family", 1),
        ("Järvelän perhekeskustiimi", "worker", 1),
    ]
    assert rows[0]["questions"][1] == {"question": "helped", "yes": 0, "partly": 1, "no": 0}
    page = response.content.decode()
    # The free text, without the family.
    assert "Kiitos kuuntelusta" in page and "Perhe K" not in page


def test_another_municipality_sees_none_of_it(client, network, held_meeting):
    give_family_feedback(meeting=held_meeting, answers=ANSWERS, comment="Kiitos kuuntelusta")
    response = _report(client, network.coordinator2)
    assert response.context["feedback"] == [] and response.context["comments"] == []


def test_a_professional_who_was_there_cannot_read_the_familys_answers(
    client, network, held_meeting
):
    give_family_feedback(meeting=held_meeting, answers=ANSWERS, comment="Kiitos kuuntelusta")
    response = _report(client, network.member)
    assert response.context["feedback"] == [] and response.context["comments"] == []
    assert "Kiitos kuuntelusta" not in response.content.decode()
