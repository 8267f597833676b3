"""Times of day as each language writes them in Finland: Finnish "klo 8.00",
Swedish "kl. 8.00", English "8:00"; the slot chips, the practice, the pages
and the messages agree, and no sentence ends in a doubled full stop."""

import re
from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import concern_for, meeting_for
from yhdessa.formats import day_and_time, time_of_day
from yhdessa.meetings.messages import _message_texts
from yhdessa.notify.models import OutboxMessage

CLOCK = {"fi": "klo 8.00", "sv": "kl. 8.00", "en": "8:00"}
RANGE = {"fi": "klo 8.00–10.00", "sv": "kl. 8.00–10.00", "en": "8:00–10:00"}
MEETING = {"fi": "klo 8.00–9.30", "sv": "kl. 8.00–9.30", "en": "8:00–9:30"}
# A time with a full stop after it: "8.00." or "8:00." (the old English
# "8 a.m." made "a.m.." at the end of a sentence).
TIME_AND_FULL_STOP = re.compile(
    r"(?:(?:klo |kl\. |–)\d{1,2}\.\d\d|\b\d{1,2}:\d\d)\.(?!\d)|[ap]\.m\.\."
)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_helper_writes_the_languages_clock(language):
    with translation.override(language):
        assert time_of_day(time(8)) == CLOCK[language]
        assert time_of_day(time(8), time(10)) == RANGE[language]
        assert time_of_day(time(14, 5)) == CLOCK[language].replace("8", "14").replace("00", "05")
        aware = timezone.make_aware(datetime(2026, 6, 4, 8, 0))
        assert day_and_time(aware).endswith(f"4.6.2026 {CLOCK[language]}")


def _no_time_ends_a_sentence(text: str) -> None:
    found = TIME_AND_FULL_STOP.findall(text)
    assert not found, f"a time ends with a full stop: {found}"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_chips_and_practice_agree(client, network, language):
    concern = concern_for(network.convener)
    client.force_login(network.convener)
    client.cookies["django_language"] = language
    page = client.get(reverse("meetings:convene", args=[concern.pk])).content.decode()
    practice = re.search(
        r'<section class="card" aria-labelledby="practice">(.*?)</section>', page, re.S
    )
    practice = practice.group(1)
    chips = re.findall(r"data-slot-date[^>]*>([^<]*)</button>", practice)
    assert len(chips) == 3
    assert all(chip.endswith(" " + CLOCK[language]) for chip in chips)
    assert RANGE[language] in practice
    _no_time_ends_a_sentence(practice)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_meeting_page_writes_the_time_in_the_readers_language(client, network, language):
    meeting = meeting_for(network)
    client.force_login(network.convener)
    client.cookies["django_language"] = language
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    main = page[page.index("<main") :]
    assert MEETING[language] in main
    assert f"{meeting.starts_at:%-d.%-m.%Y} {CLOCK[language]}</h1>" in main
    _no_time_ends_a_sentence(main)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_invitation_writes_the_time_in_the_recipients_language(network, language):
    meeting = meeting_for(network)
    invitations = list(meeting.invitations.all())
    subject, body, _attachment = _message_texts(
        invitations, meeting, kind="invitation", language=language, to_family=True, name=""
    )
    assert subject.endswith(" " + CLOCK[language])
    assert MEETING[language] in body
    _no_time_ends_a_sentence(subject + "\n" + body)


def test_the_family_gets_its_own_languages_clock(network):
    concern = concern_for(network.convener, language="sv")
    meeting = meeting_for(network, concern=concern)
    to_family = OutboxMessage.objects.get(meeting=meeting, to_family=True)
    assert "kl. 8.00–9.30" in to_family.body and "klo 8.00" not in to_family.body
