"""Availability: absences a professional enters (recurring too) and their
own calendar's busy times keep the slot search and the convening honest;
Finnish public holidays are not working days in the deadline rules."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import concern_for, meeting_for, next_thursday_at
from yhdessa.errors import DoubleBooked
from yhdessa.meetings.services import convene_meeting
from yhdessa.network.models import InvitationPractice
from yhdessa.network.practice import request_deadline
from yhdessa.network.working_days import subtract_working_days
from yhdessa.scheduling.availability import absence_intervals, busy_by_person
from yhdessa.scheduling.models import Absence, ExternalBusy
from yhdessa.scheduling.search import SlotRequest, find

pytestmark = pytest.mark.django_db


def _search(network, concern, **kw):
    from yhdessa.meetings.queries import invitable_professionals

    people = list(invitable_professionals(concern=concern, team=network.team))
    me = network.people["sanna"]
    return find(
        SlotRequest(**{"needs": ["family_guide", "child_health_clinic"], **kw}),
        convener=me,
        team=network.team,
        invitable=[p for p in people if p.pk != me.pk],
        municipality_id=network.town.pk,
    )


def test_the_search_offers_the_earliest_thursday_with_who_covers_what(network):
    answer = _search(network, concern_for(network.convener))
    first = timezone.localtime(answer.slots[0].starts_at)
    assert first.weekday() == 3 and first.time() == time(8)
    covers = {code: answer.people[p].name for code, p in answer.slots[0].cover.items()}
    assert covers == {"family_guide": "Mikko Harju", "child_health_clinic": "Leena Koivisto"}


def test_an_absence_moves_the_slot_and_the_week_says_why(network):
    concern = concern_for(network.convener)
    first = timezone.localtime(_search(network, concern).slots[0].starts_at).date()
    Absence.objects.create(
        professional=network.people["leena"], kind="training", starts_on=first, ends_on=first
    )
    answer = _search(network, concern)
    assert timezone.localtime(answer.slots[0].starts_at).date() > first
    week = _search(
        network, concern, day_from=first - timedelta(days=3), day_to=first + timedelta(days=3)
    )
    assert week.slots == []
    texts = " ".join(week.reason_texts())
    assert "Äitiys- ja lastenneuvola" in texts and "ei ole vapaana" in texts
    assert any(s.code == "later" for _t, s in week.suggestion_texts())


def test_own_calendar_busy_times_and_recurring_absences_count(network):
    concern = concern_for(network.convener)
    first = _search(network, concern).slots[0].starts_at
    ExternalBusy.objects.create(
        professional=network.people["mikko"],
        source="upload",
        starts_at=first + timedelta(minutes=30),
        ends_at=first + timedelta(minutes=45),
    )
    assert _search(network, concern).slots[0].starts_at > first
    # Every Thursday off for Leena: nothing fits the Thursday team at all.
    Absence.objects.create(
        professional=network.people["leena"],
        kind="part_time",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=200),
        weekdays=[3],
    )
    answer = _search(network, concern)
    assert answer.slots == [] and answer.explanation is not None


def test_absence_intervals_follow_days_hours_and_weekdays():
    absence = Absence(
        starts_on=date(2026, 3, 23),
        ends_on=date(2026, 4, 3),
        from_time=time(12),
        to_time=time(16),
        weekdays=[4],
    )
    found = absence_intervals(absence, date(2026, 3, 1), date(2026, 12, 31))
    assert [(timezone.localtime(s).date(), timezone.localtime(s).time()) for s, _e in found] == [
        (date(2026, 3, 27), time(12)),
        (date(2026, 4, 3), time(12)),
    ]
    # Across the change to summer time (29.3.) each interval is still 12-16 local.
    assert all(timezone.localtime(e).time() == time(16) for _s, e in found)


def test_convening_over_an_absence_asks_first(network):
    starts = next_thursday_at(8)
    day = timezone.localtime(starts).date()
    Absence.objects.create(
        professional=network.people["mikko"], kind="holiday", starts_on=day, ends_on=day
    )
    with pytest.raises(DoubleBooked, match="Mikko Harju ei ole vapaana"):
        convene_meeting(
            actor=network.convener,
            concern=concern_for(network.convener),
            starts_at=starts,
            duration_minutes=90,
            place="Perhekeskus",
            invitee_ids=[network.people["mikko"].pk],
        )
    meeting = meeting_for(network, starts_at=starts)  # confirmed: kept as a warning
    assert any(w.get("code") == "away" for w in meeting.practice_warnings)


def test_holidays_are_not_working_days_in_the_deadline_rules():
    # The working day before Thursday 7.1.2027 skips Epiphany (Wednesday 6.1.).
    assert subtract_working_days(date(2027, 1, 7), 1) == date(2027, 1, 5)
    practice = InvitationPractice(
        deadline_rule=InvitationPractice.DeadlineRule.WORKING_DAYS_BEFORE, deadline_working_days=3
    )
    # Monday 28.12.: back over Christmas (24.-26.): 23.12., 22.12., 21.12.
    assert request_deadline(practice, date(2026, 12, 28)) == date(2026, 12, 21)


def test_the_search_never_offers_a_holiday(network):
    concern = concern_for(network.convener)
    # From the start of Christmas week: Thursday 24.12.2026 is Christmas Eve.
    answer = _search(network, concern, day_from=date(2026, 12, 21), day_to=date(2026, 12, 27))
    assert all(timezone.localtime(s.starts_at).date() != date(2026, 12, 24) for s in answer.slots)
    if answer.explanation is not None:
        assert any("arkipyhä" in t for t in answer.reason_texts()) or any(
            r.code == "deadline" for r in answer.explanation.reasons
        )


def test_the_absence_page_adds_and_removes_only_ones_own(client, network):
    client.force_login(network.member)  # Mikko
    url = reverse("scheduling:availability")
    start = timezone.localdate() + timedelta(days=10)
    response = client.post(
        url,
        {
            "kind": "part_time",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=60)).isoformat(),
            "weekdays": ["4"],
        },
    )
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert absence.professional == network.people["mikko"] and absence.weekdays == [4]
    page = client.get(url)
    assert "Osa-aikapäivä" in page.content.decode() or "osa-aikapäivä" in page.content.decode()
    # Bad input: the end before the start, half a time range.
    bad = client.post(
        url,
        {
            "kind": "holiday",
            "starts_on": start.isoformat(),
            "ends_on": (start - timedelta(days=1)).isoformat(),
        },
    )
    assert "Päättymispäivä on ennen alkamispäivää." in bad.content.decode()
    bad = client.post(
        url, {"kind": "training", "starts_on": start.isoformat(), "from_time": "9:00"}
    )
    assert "Anna sekä alkamis- että päättymiskellonaika" in bad.content.decode()
    assert Absence.objects.count() == 1
    # Someone else cannot remove it.
    client.force_login(network.convener)
    client.post(reverse("scheduling:remove_absence", args=[absence.pk]))
    assert Absence.objects.count() == 1
    client.force_login(network.member)
    client.post(reverse("scheduling:remove_absence", args=[absence.pk]))
    assert Absence.objects.count() == 0


def test_busy_times_give_no_reasons(network):
    day = timezone.localdate() + timedelta(days=5)
    Absence.objects.create(
        professional=network.people["mikko"], kind="holiday", starts_on=day, ends_on=day
    )
    start = timezone.make_aware(datetime.combine(day, time(0)))
    busy = busy_by_person([network.people["mikko"].pk], start=start, end=start + timedelta(days=1))
    assert busy == {network.people["mikko"].pk: [(start, start + timedelta(days=1))]}


def test_an_absence_far_ahead_is_refused(network):
    from django.core.exceptions import ValidationError

    from yhdessa.scheduling.services import add_absence

    far = timezone.localdate() + timedelta(days=3 * 365)
    with pytest.raises(ValidationError, match="kahden vuoden"):
        add_absence(actor=network.member, kind="holiday", starts_on=far, ends_on=far)
    assert Absence.objects.count() == 0


def test_the_search_cannot_probe_a_room_one_may_not_book(network):
    from django.core.exceptions import ValidationError

    from yhdessa.scheduling.models import Room

    other = Room.objects.create(
        municipality=network.town2, name="Koivurannan sali", address="Tie 2", capacity=20
    )
    with pytest.raises(ValidationError, match="Tilaa ei löydy"):
        _search(network, concern_for(network.convener), room_id=other.pk)


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Testi//FI\r
BEGIN:VEVENT\r
UID:1@testi\r
DTSTAMP:20260101T000000Z\r
DTSTART:%s\r
DTEND:%s\r
SUMMARY:Salainen otsikko\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_uploaded_calendar_counts_on_the_page_and_can_be_forgotten(client, network):
    from django.core.files.uploadedfile import SimpleUploadedFile

    day = timezone.localdate() + timedelta(days=3)
    stamp = day.strftime("%Y%m%d")
    data = ICS % (f"{stamp}T080000Z".encode(), f"{stamp}T090000Z".encode())
    client.force_login(network.member)
    client.post(
        reverse("scheduling:calendar_upload"),
        {"file": SimpleUploadedFile("kalenteri.ics", data, content_type="text/calendar")},
    )
    assert ExternalBusy.objects.filter(professional=network.people["mikko"]).count() == 1
    page = client.get(reverse("scheduling:availability")).content.decode()
    assert "Salainen otsikko" not in page
    bad = client.post(
        reverse("scheduling:calendar_upload"),
        {"file": SimpleUploadedFile("x.ics", b"not a calendar", content_type="text/calendar")},
        follow=True,
    )
    assert "iCalendar" in bad.content.decode()
    assert ExternalBusy.objects.count() == 1
    client.post(reverse("scheduling:calendar_forget_upload"))
    assert ExternalBusy.objects.count() == 0


def test_a_weekly_day_off_must_contain_its_day_and_an_absence_warns_of_meetings(client, network):
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    client.force_login(network.member)  # Mikko
    url = reverse("scheduling:availability")
    page = client.post(
        url, {"kind": "part_time", "starts_on": monday.isoformat(), "weekdays": ["4"]}
    )
    assert "Välillä ei ole yhtään valittua viikonpäivää" in page.content.decode()
    assert Absence.objects.count() == 0
    meeting = meeting_for(network)  # Mikko invited
    day = timezone.localtime(meeting.starts_at).date()
    page = client.post(
        url, {"kind": "training", "starts_on": day.isoformat()}, follow=True
    ).content.decode()
    assert "Olet kutsuttu tapaamiseen" in page and "En pääse" in page
