"""The warnings a meeting keeps: headed by what they are about (the
practice's times, the standing team's make-up, its target group), stored as
codes and shown in the reader's language."""

import html
import re
from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for, meeting_for, next_thursday_at
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.warnings import warning_texts
from yhdessa.network.tests.test_standing_team import next_tuesday_13, standing  # noqa: F401

MIGRATION = import_module("yhdessa.meetings.migrations.0003_follow_ups_and_warning_codes")


def _notice(page: str) -> str:
    return html.unescape(re.search(r'<div class="notice"[^>]*>(.*?)</div>', page, re.S).group(1))


def _headed(notice: str) -> dict[str, str]:
    """Each heading of a notice with the list under it."""
    return dict(re.findall(r"<strong>(.*?)</strong>\s*<ul>(.*?)</ul>", notice, re.S))


def test_a_standing_teams_rules_are_headed_as_such(client, network, standing):  # noqa: F811
    older = concern_for(network.convener2, children_birth_years=[timezone.localdate().year - 11])
    client.force_login(network.convener2)
    starts = timezone.localtime(next_tuesday_13())  # in the team's session, in good time
    data = {
        "date": starts.date().isoformat(),
        "time": "13:00",
        "duration_minutes": "60",
        "place": "Neuvola",
        "invitees": [str(network.people["jari"].pk), str(standing["teacher"].pk)],
    }
    url = reverse("meetings:convene", args=[older.pk])
    asked = _headed(_notice(client.post(url, data).content.decode()))
    assert list(asked) == ["Tiimin kokoonpano:", "Kohderyhmä:"]
    assert "Kutsusta puuttuu: Kasvatus- ja perheneuvonta." in asked["Tiimin kokoonpano:"]
    assert "Tiimin kohderyhmä on alle 8-vuotiaat lapset" in asked["Kohderyhmä:"]

    response = client.post(url, {**data, "acknowledge": "on"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    kept = _headed(_notice(page))
    assert list(kept) == ["Tiimin kokoonpano:", "Kohderyhmä:"]
    assert "kutsukäytännöstä" not in _notice(page)


def test_a_move_keeps_the_teams_warnings_and_checks_the_time_anew(
    client,
    network,
    standing,  # noqa: F811
):
    older = concern_for(network.convener2, children_birth_years=[timezone.localdate().year - 11])
    client.force_login(network.convener2)
    starts = timezone.localtime(next_tuesday_13())
    client.post(
        reverse("meetings:convene", args=[older.pk]),
        {
            "date": starts.date().isoformat(),
            "time": "13:00",
            "duration_minutes": "60",
            "place": "Neuvola",
            "invitees": [str(standing["nurse"].pk)],
            "acknowledge": "on",
        },
    )
    meeting = Meeting.objects.get()
    later = starts + timedelta(days=7, hours=3)  # outside the session
    client.post(
        reverse("meetings:reschedule", args=[meeting.pk]),
        {
            "date": later.date().isoformat(),
            "time": "16:00",
            "duration_minutes": "60",
            "place": "Neuvola",
            "sequence": meeting.sequence,
            "acknowledge": "on",
        },
    )
    meeting.refresh_from_db()
    assert [w["code"] for w in meeting.practice_warnings] == [
        "target_group",
        "missing_roles",
        "outside_windows",
    ]


def _convened_against_the_practice(network) -> Meeting:
    """Outside Thursday 8-10 and requested too late."""
    starts = next_thursday_at(14, weeks=0)
    if starts <= timezone.now():
        starts += timedelta(days=7)
    return meeting_for(network, starts_at=starts)


def test_warnings_are_stored_as_codes_not_sentences(network):
    meeting = _convened_against_the_practice(network)
    assert [w["code"] for w in meeting.practice_warnings] == ["outside_windows", "late_request"]
    assert meeting.practice_warnings[0]["params"] == {"windows": [[3, "08:00", "10:00"]]}
    assert warning_texts(meeting.practice_warnings)[0] == (
        "Aika ei osu tiimin kokoontumisaikaan (torstai klo 8.00–10.00)."
    )


def _page_in(client, meeting, language: str) -> str:
    client.cookies["django_language"] = language
    return client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()


def test_a_warning_is_shown_in_the_readers_language(client, network):
    meeting = _convened_against_the_practice(network)
    client.force_login(network.convener)
    finnish = _notice(_page_in(client, meeting, "fi"))
    assert "Aika ei osu tiimin kokoontumisaikaan (torstai klo 8.00–10.00)." in finnish
    swedish = _notice(_page_in(client, meeting, "sv"))
    assert "Tiden passar inte teamets mötestider (torsdag kl. 8.00–10.00)." in swedish
    assert "Enligt inbjudningspraxis" in swedish
    english = _notice(_page_in(client, meeting, "en"))
    assert "The time is outside the team's meeting times (Thursday 8:00–10:00)." in english
    for notice in (swedish, english):
        for finnish_text in ("Aika ei osu", "Kutsukäytännön mukaan", "torstai", "klo "):
            assert finnish_text not in notice


def test_the_api_gives_the_warnings_in_the_clients_language(client, network):
    from yhdessa.api.auth import issue_token

    meeting = _convened_against_the_practice(network)
    response = client.get(
        f"/api/v1/meetings/{meeting.pk}",
        headers={"Authorization": f"Bearer {issue_token(network.convener)}"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.json()["practice_warnings"][0] == (
        "Tiden passar inte teamets mötestider (torsdag kl. 8.00–10.00)."
    )


def test_old_finnish_texts_become_codes_and_unknown_ones_stay(client, network):
    meeting = meeting_for(network)
    old = [
        "Aika ei osu tiimin kokoontumisaikaan (torstai klo 8.00–10.00, perjantai klo 12.30–14.00).",
        "Kutsukäytännön mukaan tähän aikaan pyydetään viimeistään 3.11.2025; pyyntö on myöhässä.",
        "Tiimin kohderyhmä on alle 8-vuotiaat lapset ja heidän perheensä; "
        "perheen nuorin lapsi on syntynyt 2014.",
        "Yhdessä-tiimiin kutsutaan aina: Perheohjaus, Äitiys- ja lastenneuvola. "
        "Kutsusta puuttuu: Äitiys- ja lastenneuvola.",
        "Leena Koivisto on jo varattu toiseen tapaamiseen 6.11.2025 8.00.",
        "Yhdessä-tiimiin kutsutaan aina: Tuntematon rooli. Kutsusta puuttuu: Tuntematon rooli.",
        "Sovittu puhelimessa tiimin kanssa.",
    ]
    Meeting.objects.filter(pk=meeting.pk).update(practice_warnings=old)
    MIGRATION.forwards(apps, None)
    meeting.refresh_from_db()
    stored = meeting.practice_warnings
    assert [w["code"] for w in stored[:5]] == [
        "outside_windows",
        "late_request",
        "target_group",
        "missing_roles",
        "double_booked",
    ]
    assert stored[0]["params"]["windows"] == [[3, "08:00", "10:00"], [4, "12:30", "14:00"]]
    assert stored[3]["params"] == {
        "roles": ["family_guide", "child_health_clinic"],
        "missing": ["child_health_clinic"],
    }
    assert stored[5:] == old[5:]  # not recognised: kept as they were
    # Read back in Finnish, the recognised ones say what they said.
    texts = warning_texts(stored)
    assert texts[:4] == old[:4]
    assert texts[4] == "Leena Koivisto on jo varattu toiseen tapaamiseen (to 6.11.2025 klo 8.00)."
    client.force_login(network.convener)
    swedish = _notice(_page_in(client, meeting, "sv"))
    assert "torsdag kl. 8.00–10.00, fredag kl. 12.30–14.00" in swedish
    assert "Aika ei osu" not in swedish


def test_follow_ups_of_existing_meetings_are_found(network, held_meeting):
    follow_up = meeting_for(network, concern=held_meeting.concern)
    Meeting.objects.filter(pk=follow_up.pk).update(follows=None)
    MIGRATION.forwards(apps, None)
    follow_up.refresh_from_db()
    held_meeting.refresh_from_db()
    assert follow_up.follows == held_meeting and held_meeting.follows is None
