"""Forms show all their errors at once, each next to its field, and the
browser enforces the same length limits as the server."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for, meeting_for
from yhdessa.meetings.models import Meeting
from yhdessa.plans.models import JointPlan, StarNote
from yhdessa.plans.tests.test_joint_plan import plan_data

HETU = "131052-308T"  # a valid-looking identity code


def _field_errors(response) -> dict[str, list[str]]:
    return {k: list(v) for k, v in response.context["form"].errors.items()}


def test_convening_shows_every_error_next_to_its_field(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("meetings:convene", args=[concern.pk]),
        {"date": yesterday.isoformat(), "time": "08:00", "duration_minutes": "90", "place": ""},
    )
    errors = _field_errors(response)
    assert errors["date"] == ["Valitse tuleva ajankohta."]
    assert errors["place"] == ["Kerro paikka (perheen toive)."]
    assert errors["invitees"] == ["Valitse vähintään yksi kutsuttava asiantuntija."]
    assert "__all__" not in errors
    assert not Meeting.objects.exists()


def test_moving_shows_every_error_next_to_its_field(client, network):
    meeting = meeting_for(network)
    client.force_login(network.convener)
    response = client.post(
        reverse("meetings:reschedule", args=[meeting.pk]),
        {
            "date": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "time": "08:00",
            "duration_minutes": "90",
            "place": f"Koti, äidin tunnus {HETU}",
            "sequence": meeting.sequence,
        },
    )
    errors = _field_errors(response)
    assert errors["date"] == ["Valitse tuleva ajankohta."]
    assert "henkilötunnuksen" in errors["place"][0]
    assert "__all__" not in errors
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_recording_as_held_shows_every_error(client, network):
    meeting = meeting_for(network)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    client.force_login(network.convener)
    response = client.post(reverse("meetings:held", args=[meeting.pk]), {"attendees": ["999"]})
    errors = _field_errors(response)
    assert set(errors) == {"attendees", "family_present"}
    assert "perheen kanssa" in errors["family_present"][0]
    assert Meeting.objects.get(pk=meeting.pk).status == "scheduled"


def test_star_notes_name_the_area_and_box_next_to_it(client, network, held_meeting):
    client.force_login(network.convener)
    page = client.post(
        reverse("meetings:star", args=[held_meeting.pk]),
        {
            "strengths_1": "x" * 2001,
            "concerns_3": f"Isän tunnus {HETU}",
            "concerns_5": "Kaverit",
        },
    ).content.decode()
    too_long = re.search(r'id="strengths_1_errors"[^>]*>(.*?)</ul>', page, re.S).group(1)
    assert "1. Lapsen terveys, kasvu ja kehitys – vahvuudet: Teksti on liian pitkä" in too_long
    code = re.search(r'id="concerns_3_errors"[^>]*>(.*?)</ul>', page, re.S).group(1)
    assert "3. Vanhempana toimiminen ja suhde lapseen – huolet: Teksti näyttää" in code
    assert 'id="concerns_5_errors"' not in page
    assert 'aria-describedby="concerns_3_errors"' in page
    assert not StarNote.objects.exists()


def test_the_plan_shows_every_error_at_once(client, network, held_meeting):
    client.force_login(network.convener)
    data = plan_data(
        network,
        held_meeting,
        matters="",
        action_place_3="",
        next_contact="2001-01-01",
        follow_up=f"Soitetaan, {HETU}",
    )
    response = client.post(reverse("plans:edit", args=[held_meeting.pk]), data)
    errors = _field_errors(response)
    assert set(errors) == {"matters", "action_place_3", "next_contact", "follow_up"}
    assert "Kerro, missä muualla" in errors["action_place_3"][0]
    assert "ei voi olla ennen tapaamista" in errors["next_contact"][0]
    assert "henkilötunnuksen" in errors["follow_up"][0]
    assert not JointPlan.objects.exists()


def test_the_plan_says_when_no_action_is_written(client, network, held_meeting):
    client.force_login(network.convener)
    data = plan_data(
        network,
        held_meeting,
        action_text_1="",
        action_text_2="",
        action_place_3="",
        action_text_3="",
    )
    response = client.post(reverse("plans:edit", args=[held_meeting.pk]), data)
    assert response.context["form"].action_errors == ["Kirjaa vähintään yksi toimenpide."]
    assert not response.context["form"].non_field_errors()


# ---- the browser's limits are the server's ---------------------------------------

TEXT_BOXES = re.compile(
    r'<(textarea|input)\b(?![^>]*type="(?:hidden|checkbox|date|time|radio)")[^>]*>'
)


def _limits(page: str) -> dict[str, int | None]:
    limits = {}
    for match in TEXT_BOXES.finditer(page):
        tag = match.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) in ("csrfmiddlewaretoken", "q"):
            continue
        limit = re.search(r'maxlength="(\d+)"', tag)
        limits[name.group(1)] = int(limit.group(1)) if limit else None
    return limits


def _form_part(page: str) -> str:
    """The page's main content (the header's language and search forms left out)."""
    return page[page.index("<main") :] if "<main" in page else page


@pytest.mark.parametrize(
    "page, expected",
    [
        ("convene", {"place": 200}),
        ("reschedule", {"place": 200}),
        ("cancel", {"note": 500}),
        (
            "star",
            {f"{box}_{n}": 2000 for box in ("strengths", "concerns") for n in range(1, 7)},
        ),
        (
            "plan",
            {
                "matters": 20019,
                **{f"action_place_{n}": 200 for n in (1, 2, 3)},
                **{f"action_text_{n}": 1000 for n in (1, 2, 3)},
                "follow_up": 2000,
            },
        ),
    ],
)
def test_every_text_box_has_the_servers_limit(client, network, held_meeting, page, expected):
    scheduled = meeting_for(network, concern=held_meeting.concern)
    url = {
        "convene": reverse("meetings:convene", args=[held_meeting.concern_id]),
        "reschedule": reverse("meetings:reschedule", args=[scheduled.pk]),
        "cancel": reverse("meetings:cancel", args=[scheduled.pk]),
        "star": reverse("meetings:star", args=[held_meeting.pk]),
        "plan": reverse("plans:edit", args=[held_meeting.pk]),
    }[page]
    client.force_login(network.convener)
    assert _limits(_form_part(client.get(url).content.decode())) == expected


def test_a_line_break_counts_once_as_in_the_browser(client, network, held_meeting):
    """A browser counts a line break as one character for maxlength but sends
    it as two ("\\r\\n"): text the browser lets through is not refused."""
    client.force_login(network.convener)
    text = "aa\r\n" * 499 + "aa"  # 1998 characters in the browser, 2494 as sent
    response = client.post(reverse("meetings:star", args=[held_meeting.pk]), {"concerns_2": text})
    assert response.status_code == 302
    assert StarNote.objects.get().concerns == text.replace("\r\n", "\n")
    plan = plan_data(network, held_meeting, follow_up=text)
    response = client.post(reverse("plans:edit", args=[held_meeting.pk]), plan)
    assert response.status_code == 302
    assert JointPlan.objects.get().follow_up == text.replace("\r\n", "\n")
