"""The meeting room page: the handbook's phases on one screen for the
convener, with the clock, attendance, the star and the child's view, the
plan, printing and feedback; drafts saved as one types."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import meeting_for, next_thursday_at, plan_for
from yhdessa.audit.models import AccessLogEntry
from yhdessa.feedback.models import Feedback
from yhdessa.meetings.models import Meeting, RunSheet
from yhdessa.plans.models import (
    ActionReview,
    JointPlan,
    MatterReview,
    PlanAction,
    StarNote,
    StarPlacement,
)

HETU = "131052-308T"  # a synthetic identity code (valid checksum)


def _started(network, **kw):
    """A meeting that began ten minutes ago, not yet recorded."""
    starts = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=10)
    concern = kw.pop("concern", None)
    meeting = meeting_for(network, starts_at=next_thursday_at(), concern=concern, **kw)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts)
    meeting.refresh_from_db()
    return meeting


def room(meeting):
    return reverse("meetings:room", args=[meeting.pk])


def test_the_convener_sees_the_phases_in_the_handbooks_order(client, network):
    meeting = _started(network)
    client.force_login(network.convener)
    page = client.get(room(meeting)).content.decode()
    order = [
        "Tila valmiiksi",
        "Tervetuloa ja esittäytyminen",
        "Perheen tilanne ja toiveet",
        "Hyvinvoinnin tähti ja lapsen näkökulma",
        "Ymmärsimmekö toisemme?",
        "Yhteenveto ja yhteinen suunnitelma",
        "Palaute, kiitos ja yhdessä lähteminen",
    ]
    positions = [page.index(title) for title in order]
    assert positions == sorted(positions)
    # A first meeting reviews no earlier plan.
    assert "Edellisen suunnitelman arviointi" not in page
    # The star's sub-items as on the slides, and the clock's summary moment.
    assert "Vanhemman kyky ymmärtää lasta" in page
    assert "yhteenvetoon ja suunnitelmaan viimeistään" in page
    assert 'data-summary="' in page


def test_the_family_can_be_shown_the_screen(client, network):
    """No menus and nothing of another family on the room page."""
    other = meeting_for(network, concern=None)
    from yhdessa.families.models import Family

    Family.objects.filter(concerns__meetings=other).update(alias="Perhe Toinen")
    meeting = _started(network)
    client.force_login(network.convener)
    page = client.get(room(meeting)).content.decode()
    assert "Päävalikko" not in page
    assert "Perheeni" not in page
    assert "Perhe Toinen" not in page
    assert "Poistu tapaamisnäkymästä" in page


@pytest.mark.parametrize("who, status", [("member", 403), ("coordinator", 403), ("convener2", 404)])
def test_only_the_convener_runs_the_room(client, network, who, status):
    meeting = _started(network)
    client.force_login(getattr(network, who))
    assert client.get(room(meeting)).status_code == status
    response = client.post(room(meeting), {"section": "clock"})
    assert response.status_code == status
    assert not RunSheet.objects.exists()


def test_the_clock_starts_when_the_convener_says(client, network):
    meeting = _started(network)
    client.force_login(network.convener)
    before = timezone.now()
    response = client.post(room(meeting), {"section": "clock"})
    assert response.status_code == 302
    sheet = RunSheet.objects.get(meeting=meeting)
    assert sheet.clock_started_at >= before
    page = client.get(room(meeting)).content.decode()
    assert "Käynnistä kello uudelleen nyt" in page


def test_attendance_is_ticked_at_the_start_and_records_the_meeting_held(client, network):
    meeting = _started(network)
    client.force_login(network.convener)
    mikko = network.people["mikko"]
    response = client.post(
        room(meeting),
        {"section": "attendance", "family_present": "on", "attendees": [str(mikko.pk)]},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert dict(meeting.invitations.values_list("professional__name", "status")) == {
        "Mikko Harju": "attended",
        "Leena Koivisto": "absent",
    }


def test_the_family_must_be_present(client, network):
    meeting = _started(network)
    client.force_login(network.convener)
    response = client.post(room(meeting), {"section": "attendance", "attendees": []})
    assert response.status_code == 200
    assert "perheen kanssa" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_a_meeting_not_yet_begun_waits_for_attendance(client, network):
    meeting = meeting_for(network)
    client.force_login(network.convener)
    page = client.get(room(meeting)).content.decode()
    assert "Läsnäolijat kirjataan, kun tapaaminen on alkanut" in page


def _discussion(**overrides):
    data = {
        "section": "discussion",
        "frame": "star",
        "child_view": "Lapsi piirsi kodin, jossa kaikki nukkuvat.",
        "strengths_1": "Leikkii mielellään",
        "concerns_1": "Nukahtaa myöhään",
        "placement_1": "4",
        "placement_3": "",
    }
    data.update(overrides)
    return data


def test_the_star_the_childs_view_and_the_familys_own_placement(client, network, held_meeting):
    client.force_login(network.convener)
    response = client.post(room(held_meeting), _discussion())
    assert response.status_code == 302
    sheet = RunSheet.objects.get(meeting=held_meeting)
    assert sheet.frame == "star"
    assert sheet.child_view.startswith("Lapsi piirsi")
    note = StarNote.objects.get(meeting=held_meeting)
    assert (note.area.number, note.strengths, note.concerns) == (
        1,
        "Leikkii mielellään",
        "Nukahtaa myöhään",
    )
    assert list(StarPlacement.objects.values_list("area__number", "value")) == [(1, 4)]
    page = client.get(room(held_meeting)).content.decode()
    assert "Lapsi piirsi kodin" in page and '<option value="4" selected>' in page


@pytest.mark.parametrize(
    "change, message",
    [
        ({"child_view": f"Lapsi {HETU}"}, "henkilötunnuksen"),
        ({"concerns_1": f"Äiti {HETU}"}, "henkilötunnuksen"),
        ({"placement_1": "11"}, "1–10"),
        ({"placement_1": "paljon"}, "1–10"),
        ({"frame": "tarot"}, "Valitse keskustelun runko"),
    ],
)
def test_bad_discussion_notes_change_nothing(client, network, held_meeting, change, message):
    client.force_login(network.convener)
    response = client.post(room(held_meeting), _discussion(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StarNote.objects.exists()
    assert not StarPlacement.objects.exists()
    assert not RunSheet.objects.filter(child_view__gt="").exists()


def test_lapset_puheeksi_can_be_the_frame(client, network, held_meeting, settings):
    client.force_login(network.convener)
    page = client.get(room(held_meeting)).content.decode()
    assert settings.LAPSET_PUHEEKSI_URL in page
    client.post(
        room(held_meeting),
        _discussion(frame="lapset_puheeksi", frame_notes="Arjen vahvuudet: isovanhemmat."),
    )
    sheet = RunSheet.objects.get(meeting=held_meeting)
    assert (sheet.frame, sheet.frame_notes) == ("lapset_puheeksi", "Arjen vahvuudet: isovanhemmat.")


def _draft(client, meeting, fields):
    return client.post(
        reverse("meetings:room_draft", args=[meeting.pk]),
        json.dumps({"fields": fields}),
        content_type="application/json",
    )


def test_drafts_keep_what_is_typed_and_never_an_identity_code(client, network, held_meeting):
    client.force_login(network.convener)
    reads = AccessLogEntry.objects.count()
    response = _draft(client, held_meeting, {"strengths_2": "Turvallinen mummola"})
    assert response.status_code == 200
    response = _draft(client, held_meeting, {"child_view": f"Lapsi {HETU}", "matters": "Uni"})
    body = response.json()
    assert "child_view" in body["refused"] and "henkilötunnuksen" in body["refused"]["child_view"]
    sheet = RunSheet.objects.get(meeting=held_meeting)
    # Merged field by field; the code was not kept.
    assert sheet.draft == {"strengths_2": "Turvallinen mummola", "matters": "Uni"}
    # A draft shows nothing of the family: no read in its log.
    assert AccessLogEntry.objects.count() == reads
    # The room page shows the draft in its box until it is saved for real.
    page = client.get(room(held_meeting)).content.decode()
    assert "Turvallinen mummola" in page and "tallentamattomia luonnoksia" in page
    client.post(room(held_meeting), _discussion(strengths_2="Turvallinen mummola"))
    assert "strengths_2" not in RunSheet.objects.get(meeting=held_meeting).draft


@pytest.mark.parametrize(
    "body, status",
    [
        (b"{not json", 400),
        (json.dumps({"fields": "text"}), 422),
        (json.dumps({"fields": {"<script>": "x"}}), 422),
        (json.dumps({"fields": {"matters": 5}}), 422),
        (json.dumps({"fields": {"matters": "x" * 4001}}), 422),
    ],
)
def test_a_bad_draft_is_refused_with_a_reason(client, network, held_meeting, body, status):
    client.force_login(network.convener)
    response = client.post(
        reverse("meetings:room_draft", args=[held_meeting.pk]),
        body,
        content_type="application/json",
    )
    assert response.status_code == status
    assert response.json()["detail"]
    assert not RunSheet.objects.filter(draft__has_key="matters").exists()


@pytest.mark.parametrize("who, status", [("member", 403), ("convener2", 404)])
def test_only_the_convener_keeps_drafts(client, network, held_meeting, who, status):
    client.force_login(getattr(network, who))
    response = _draft(client, held_meeting, {"matters": "Uni"})
    assert response.status_code == status
    assert not RunSheet.objects.exists()


def test_the_plan_is_built_on_the_same_screen_with_who_and_by_when(client, network, held_meeting):
    client.force_login(network.convener)
    mikko = network.people["mikko"]
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = client.post(
        room(held_meeting),
        {
            "section": "plan",
            "action_rows": "3",
            "matters": "Iltarutiini",
            "action_where_1": "home",
            "action_text_1": "Kuvallinen iltarutiini",
            "action_who_1": "family",
            "action_where_2": "elsewhere",
            "action_place_2": "Perhekulma ry",
            "action_text_2": "Perhekahvila torstaisin",
            "action_who_2": f"p:{mikko.pk}",
            "action_due_2": due,
            "follow_up": "Mikko soittaa.",
            "lead_professionals": [str(mikko.pk)],
            "next_contact": due,
        },
    )
    assert response.status_code == 302, response.context["plan_form"].errors
    assert response["Location"].endswith("#phase-close")
    actions = list(PlanAction.objects.order_by("position"))
    assert [(a.responsible, a.responsible_professional_id, a.due_on) for a in actions] == [
        ("family", None, None),
        ("professional", mikko.pk, timezone.localdate() + timedelta(days=14)),
    ]
    plan_page = client.get(reverse("plans:view", args=[held_meeting.pk])).content.decode()
    assert "Tekee: Mikko Harju" in plan_page and "Tekee: Perhe" in plan_page
    page = client.get(room(held_meeting)).content.decode()
    assert "Näytä ja tulosta suunnitelma" in page


def test_a_doer_from_outside_the_meeting_is_refused(client, network, held_meeting):
    client.force_login(network.convener)
    outsider = network.people["outsider"]
    response = client.post(
        room(held_meeting),
        {
            "section": "plan",
            "action_rows": "1",
            "matters": "Iltarutiini",
            "action_where_1": "home",
            "action_text_1": "Kuvallinen iltarutiini",
            "action_who_1": f"p:{outsider.pk}",
            "follow_up": "Mikko soittaa.",
            "lead_professionals": [str(network.people["mikko"].pk)],
            "next_contact": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert not JointPlan.objects.exists()


def test_more_action_rows_save_nothing(client, network, held_meeting):
    client.force_login(network.convener)
    response = client.post(
        reverse("plans:edit", args=[held_meeting.pk]),
        {"action_rows": "3", "more_rows": "1", "matters": "Uni"},
    )
    assert response.status_code == 200
    assert response.context["form"].rows == 5
    assert 'name="action_text_5"' in response.content.decode()
    assert "Tämä kenttä vaaditaan" not in response.content.decode()
    assert not JointPlan.objects.exists()


def test_the_family_gives_its_feedback_on_the_room_screen(client, network, held_meeting):
    client.force_login(network.convener)
    answers = {"heard": "yes", "helped": "partly", "right_expertise": "yes"}
    response = client.post(room(held_meeting), {"section": "family_feedback", **answers})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.source, feedback.professional_id, feedback.helped) == (
        "family",
        None,
        "partly",
    )
    # Once only.
    client.post(room(held_meeting), {"section": "family_feedback", **answers})
    assert Feedback.objects.count() == 1
    assert "Perhe on antanut palautteen" in client.get(room(held_meeting)).content.decode()


def test_an_unknown_section_changes_nothing(client, network, held_meeting):
    client.force_login(network.convener)
    response = client.post(room(held_meeting), {"section": "drop"})
    assert response.status_code == 302
    assert not RunSheet.objects.exists()


def _follow_up(network, held_meeting):
    plan_for(network, held_meeting)
    StarPlacement.objects.create(meeting=held_meeting, area_id=_area(3), value=3)
    follow = _started(network, concern=held_meeting.concern)
    assert follow.follows_id == held_meeting.pk
    client_post = {"section": "attendance", "family_present": "on", "attendees": []}
    return follow, client_post


def _area(number):
    from yhdessa.plans.models import StarArea

    return StarArea.objects.get(number=number).pk


def test_the_follow_up_reviews_the_plan_and_shows_the_star_side_by_side(
    client, network, held_meeting
):
    follow, attendance = _follow_up(network, held_meeting)
    client.force_login(network.convener)
    client.post(room(follow), attendance)
    page = client.get(room(follow)).content.decode()
    assert "Edellisen suunnitelman arviointi" in page and "Kuvallinen iltarutiini" in page
    action = PlanAction.objects.get()
    response = client.post(
        room(follow),
        {
            "section": "review",
            f"action_{action.pk}": "partly",
            "trend_0": "better",
            "words_0": "Illat ovat rauhallisempia.",
        },
    )
    assert response.status_code == 302
    assert ActionReview.objects.get().result == "partly"
    matter = MatterReview.objects.get()
    assert (matter.matter, matter.trend, matter.family_words) == (
        "Iltarutiini",
        "better",
        "Illat ovat rauhallisempia.",
    )
    client.post(room(follow), _discussion(placement_3="6", placement_1=""))
    page = client.get(room(follow)).content.decode()
    # The first meeting's 3 beside today's 6.
    assert '>3</td><td data-label="Nyt">6</td>' in page.replace("\n", "").replace("      ", "")
    assert "+3" in page


def test_words_without_a_direction_are_refused(client, network, held_meeting):
    follow, attendance = _follow_up(network, held_meeting)
    client.force_login(network.convener)
    client.post(room(follow), attendance)
    response = client.post(room(follow), {"section": "review", "words_0": f"Hyvä {HETU}"})
    assert response.status_code == 200
    assert "henkilötunnuksen" in response.content.decode()
    assert not MatterReview.objects.exists()


def test_the_room_reads_the_same_queries_however_long_the_plan(client, network):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yhdessa.plans.services import record_plan

    def queries(n):
        meeting = meeting_for(network, held=True, starts_at=next_thursday_at(weeks=-2 - n))
        record_plan(
            actor=network.convener,
            meeting=meeting,
            matters=["Uni"],
            actions=[
                {
                    "where": "home",
                    "text": f"Toimi {i}",
                    "responsible": "professional",
                    "professional": network.people["mikko"].pk,
                }
                for i in range(n)
            ],
            follow_up="Soitto",
            lead_ids=[network.people["mikko"].pk],
            next_contact=timezone.localdate(),
        )
        client.force_login(network.convener)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(room(meeting)).status_code == 200
        return len(captured)

    assert queries(1) == queries(6)


def test_the_summary_and_the_meeting_page_carry_the_review_and_the_childs_view(
    client, network, held_meeting
):
    follow, attendance = _follow_up(network, held_meeting)
    client.force_login(network.convener)
    client.post(room(follow), attendance)
    action = PlanAction.objects.get()
    client.post(
        room(follow),
        {
            "section": "review",
            f"action_{action.pk}": "done",
            "trend_0": "better",
            "words_0": "Hyvin",
        },
    )
    client.post(room(follow), _discussion())
    text = client.get(reverse("meetings:summary", args=[follow.pk])).context["text"]
    assert "Kuvallinen iltarutiini: tehty" in text
    assert "Iltarutiini: paremmin – ”Hyvin”" in text
    assert "Lapsi piirsi kodin" in text
    page = client.get(reverse("meetings:detail", args=[follow.pk])).content.decode()
    assert "Lapsen näkökulma" in page and "Lapsi piirsi kodin" in page
