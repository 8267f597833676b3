"""The slot search as the convener meets it on the convening page: one press
finds the earliest times with who covers what, a week says why it is
impossible, the family's own times narrow the search, a chip fills the time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for
from yhdessa.scheduling.models import Absence

pytestmark = pytest.mark.django_db

NEEDS = ["family_guide", "child_health_clinic", "family_counselling"]


def _find(client, concern, **extra):
    return client.post(
        reverse("meetings:convene", args=[concern.pk]),
        {"expertise": NEEDS, "find": "1", "duration_minutes": "90", "place": "", **extra},
    )


def test_one_press_finds_the_earliest_time_for_three_kinds_of_expertise(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    page = _find(client, concern)
    found = page.context["found"]
    slot = found.slots[0]
    assert timezone.localtime(slot.starts_at).weekday() == 3
    assert {
        network.people["mikko"].pk,
        network.people["leena"].pk,
        network.people["antti"].pk,
    } == set(slot.cover.values())
    text = page.content.decode()
    assert "Ajat, jolloin kaikki pääsevät" in text and "Antti Rinne" in text
    # Pressing the time (without JavaScript) fills it in and ticks who covers it.
    chip = f"{slot.starts_at.isoformat()}|{found.slot_rows[0]['cover_ids']}"
    filled = client.post(reverse("meetings:convene", args=[concern.pk]), {"slot": chip})
    form = filled.context["form"]
    assert form.initial["date"] == timezone.localtime(slot.starts_at).date()
    ticked = {str(p.pk) for p, _match, selected in filled.context["people"] if selected}
    assert str(network.people["antti"].pk) in ticked and str(network.people["leena"].pk) in ticked


def test_a_week_says_why_it_is_impossible(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    # The first time that works (not a holiday, the deadline kept), then Antti away.
    day = timezone.localtime(_find(client, concern).context["found"].slots[0].starts_at).date()
    Absence.objects.create(
        professional=network.people["antti"], kind="training", starts_on=day, ends_on=day
    )
    page = _find(client, concern, week=day.isoformat())
    text = page.content.decode()
    assert page.context["found"].slots == []
    assert "Aikaa ei löydy. Syyt:" in text
    assert "Kasvatus- ja perheneuvonta" in text and "ei ole vapaana" in text
    assert "Myöhemmin: ensimmäinen vapaa aika on" in text


def test_the_familys_own_times_narrow_the_search(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    # A later one of the times that work (a Thursday may be a holiday).
    later = timezone.localtime(_find(client, concern).context["found"].slots[-1].starts_at)
    page = _find(
        client,
        concern,
        family_day_0=later.date().isoformat(),
        family_from_0=(later - timedelta(minutes=30)).strftime("%H:%M"),
        family_to_0=(later + timedelta(minutes=120)).strftime("%H:%M"),
    )
    slots = page.context["found"].slots
    assert [timezone.localtime(s.starts_at) for s in slots] == [later]
    # A reversed row is left out, not a crash.
    page = _find(
        client,
        concern,
        family_day_0=later.date().isoformat(),
        family_from_0="10:00",
        family_to_0="08:00",
    )
    assert page.status_code == 200 and page.context["found"].slots


def test_bad_search_input_is_told_and_changes_nothing(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    page = client.post(
        reverse("meetings:convene", args=[concern.pk]),
        {"expertise": ["no_such_thing"], "find": "1", "week": "not-a-date", "room": "²"},
    )
    assert page.status_code == 200
    assert "Tuntematon osaaminen." in page.content.decode()


def test_impossible_dates_in_the_search_are_left_out_not_a_crash(client, network):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    url = reverse("meetings:convene", args=[concern.pk])
    for query in (
        "find=1&week=2026-02-30",
        "find=1&week=9999-12-31",
        "find=1&family_day_0=2026-02-30&family_from_0=08:00&family_to_0=10:00",
        "find=1&family_day_0=2027-01-05&family_from_0=25:00&family_to_0=26:00",
    ):
        assert client.get(f"{url}?{query}").status_code == 200, query
