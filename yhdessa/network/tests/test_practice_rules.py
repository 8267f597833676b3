"""Invitation practice rules: deadlines, windows and the slot finder."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from yhdessa.network.models import InvitationPractice
from yhdessa.network.practice import (
    earliest_meeting_day,
    practice_warnings,
    request_deadline,
    windows_of,
)
from yhdessa.network.working_days import (
    holidays_between,
    is_working_day,
    subtract_working_days,
)
from yhdessa.scheduling import finder

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@given(meeting_day=days, weekday=st.integers(0, 6))
def test_previous_week_deadline_is_that_weekday_of_the_week_before(meeting_day, weekday):
    practice = InvitationPractice(deadline_rule="weekday_prev_week", deadline_weekday=weekday)
    deadline = request_deadline(practice, meeting_day)
    assert deadline.weekday() == weekday
    meeting_monday = meeting_day - timedelta(days=meeting_day.weekday())
    assert meeting_monday - timedelta(days=7) <= deadline < meeting_monday


@given(meeting_day=days, n=st.integers(0, 20))
def test_working_days_deadline_leaves_n_working_days(meeting_day, n):
    """From the deadline up to the day before the meeting there are n working
    days (Mon-Fri less the public holidays)."""
    deadline = subtract_working_days(meeting_day, n)
    span = [deadline + timedelta(days=i) for i in range((meeting_day - deadline).days)]
    assert len([d for d in span if is_working_day(d)]) == n
    if n:
        assert is_working_day(deadline)


def test_the_example_of_the_handbook():
    """Thursdays 8-10, request by Monday of the previous week."""
    practice = InvitationPractice(deadline_rule="weekday_prev_week", deadline_weekday=0)
    assert request_deadline(practice, date(2026, 12, 3)) == date(2026, 11, 23)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2029, 1, 1)),
    weekday=st.integers(0, 4),
    hour=st.integers(7, 15),
    rule=st.sampled_from(["none", "weekday_prev_week", "working_days_before"]),
)
def test_every_suggested_slot_keeps_the_practice(now, weekday, hour, rule):
    from yhdessa.network.models import FamilyCentreTeam, Municipality, SlotWindow

    town, _ = Municipality.objects.get_or_create(name="Testilä")
    team, _ = FamilyCentreTeam.objects.get_or_create(name="T", municipality=town)
    InvitationPractice.objects.filter(team=team).delete()
    practice = InvitationPractice.objects.create(
        team=team, deadline_rule=rule, deadline_weekday=0, deadline_working_days=5
    )
    SlotWindow.objects.create(
        practice=practice, weekday=weekday, starts=time(hour), ends=time(hour + 2)
    )
    now = timezone.make_aware(now)
    today = timezone.localtime(now).date()
    # The slot finder with the practice's own rules and nobody busy.
    slots = [
        s.starts_at
        for s in finder.find_slots(
            finder.Search(
                start=now,
                duration=timedelta(minutes=120),
                needs=[],
                windows=windows_of(practice),
                earliest_day=earliest_meeting_day(practice, today),
                holidays=holidays_between(today, today + timedelta(days=130)),
                tz=timezone.get_current_timezone(),
            )
        )
    ]
    assert len(slots) == 3
    for slot in slots:
        assert is_working_day(timezone.localtime(slot).date())
        assert slot > now
        assert (
            practice_warnings(
                practice,
                starts_at=slot,
                duration_minutes=120,
                requested_on=timezone.localtime(now).date(),
            )
            == []
        )
