"""The slot finder: held to the brute force on random small instances, checked
slot by slot against the rules by an independent invariant, and explained on
the convener's everyday cases (a busy expert, Christmas, the deadline, DST).

Pure: no database."""

from collections import namedtuple
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yhdessa.scheduling.finder import (
    WORKING_HOURS,
    Need,
    Search,
    Slot,
    Window,
    explain,
    find_slots,
)
from yhdessa.scheduling.oracle import brute_force, candidate_starts

TZ = ZoneInfo("Europe/Helsinki")
# Around the spring and autumn DST changes of 2026 (29.3. and 25.10.), and any day.
FIRST_DAYS = st.one_of(
    st.dates(date(2026, 3, 20), date(2026, 3, 30)),
    st.dates(date(2026, 3, 27), date(2026, 3, 29)),
    st.dates(date(2026, 10, 16), date(2026, 10, 26)),
    st.dates(date(2026, 10, 23), date(2026, 10, 25)),
    st.dates(date(2026, 1, 1), date(2026, 12, 31)),
)
QUARTER_OR_ODD = st.one_of(
    st.integers(1, 40).map(lambda q: q * 15), st.integers(1, 600)
)  # minutes, mostly on the 15-minute grid


@st.composite
def intervals(draw, day0: datetime, days: int, lengths, max_size: int) -> list:
    """Intervals on the horizon, mostly on the 15-minute grid in the daytime
    (where they meet the windows and each other edge to edge), some anywhere
    and some off the grid, in either UTC or local time (the finder must not
    care)."""
    found = []
    for _ in range(draw(st.integers(0, max_size))):
        mode = draw(st.sampled_from(["day", "day", "grid", "odd"]))
        if mode == "day":
            offset = (draw(st.integers(0, days - 1)) * 96 + draw(st.integers(28, 68))) * 15
        elif mode == "grid":
            offset = draw(st.integers(-4, days * 96)) * 15
        else:
            offset = draw(st.integers(-60, days * 1440))
        start = day0 + timedelta(minutes=offset)
        end = start + timedelta(minutes=draw(lengths))
        zone = draw(st.sampled_from([UTC, TZ]))
        found.append((start.astimezone(zone), end.astimezone(zone)))
    return found


@st.composite
def windows(draw) -> list:
    """Any windows, and sometimes one on a Sunday night, where the DST
    changes fall (3.00-4.00 local)."""
    found = []
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.integers(0, 3)) == 0:
            weekday = 6
            start = draw(st.one_of(st.integers(0, 16).map(lambda q: q * 15), st.integers(0, 240)))
            end = start + draw(st.integers(1, 20).map(lambda q: q * 15))
        else:
            weekday = draw(st.integers(0, 6))
            start = draw(st.one_of(st.integers(0, 88).map(lambda q: q * 15), st.integers(0, 1380)))
            end = min(start + draw(QUARTER_OR_ODD), 23 * 60 + 59)
        found.append(Window(weekday, time(start // 60, start % 60), time(end // 60, end % 60)))
    return found


@st.composite
def searches(draw) -> Search:
    first = draw(FIRST_DAYS)
    days = draw(st.integers(1, 3) | st.integers(1, 21))
    # The day's local midnight, then minutes on from it in UTC.
    day0 = datetime.combine(first, time(0), tzinfo=TZ).astimezone(UTC)
    people = list(range(1, draw(st.integers(2, 5)) + 1))
    subset = st.frozensets(st.sampled_from(people), max_size=len(people))
    needs = [
        Need(
            f"need{i}",
            tuple(draw(st.lists(st.sampled_from(people), min_size=1, max_size=3, unique=True))),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    busy_lengths = st.one_of(st.integers(1, 40).map(lambda q: q * 15), st.integers(15, 600))
    busy = {p: draw(intervals(day0, days, busy_lengths, 15)) for p in people}
    duration = timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90, 50, 120, 180])))
    family_times = draw(
        st.none() | intervals(day0, days, st.integers(60, 2880).map(lambda m: m // 15 * 15), 4)
    )
    required = draw(subset)
    start_minute = draw(st.one_of(st.integers(0, 95).map(lambda q: q * 15), st.integers(0, 1439)))
    day_list = [first + timedelta(days=i) for i in range(days)]
    search = Search(
        start=day0 + timedelta(minutes=start_minute),
        duration=duration,
        needs=needs,
        required=required,
        optional=draw(subset),
        windows=draw(windows()),
        busy=busy,
        earliest_day=draw(st.none() | st.sampled_from(day_list)),
        family_times=family_times,
        room_busy=draw(st.none() | intervals(day0, days, busy_lengths, 6)),
        holidays=draw(st.frozensets(st.sampled_from(day_list), max_size=3)),
        waive_deadline=draw(st.booleans()),
        waive_windows=draw(st.booleans()),
        days=days,
        count=draw(st.integers(1, 6)),
        step=timedelta(minutes=draw(st.sampled_from([15, 15, 15, 30, 10]))),
    )
    # Edges where a slot fits exactly, at candidate starts: a gap one meeting
    # long (one person's, or between two people's bookings), a family time
    # one meeting long.
    starts = [s for s, _ in candidate_starts(search)]
    for _ in range(draw(st.integers(0, 3)) if starts else 0):
        s = draw(st.sampled_from(starts))
        if search.family_times is not None and draw(st.booleans()):
            search.family_times.append((s, s + duration))
        else:
            before = draw(st.sampled_from(people))
            after = draw(st.sampled_from([before, *people]))
            busy[before].append((s - timedelta(hours=1), s))
            busy[after].append((s + duration, s + duration + timedelta(hours=1)))
    return search


def instants(slots: list[Slot]) -> list[tuple]:
    """Slots compared as instants: datetimes of one zone compare in wall time,
    which would call the two 3.30s of the autumn night equal."""
    return [
        (s.starts_at.astimezone(UTC), s.ends_at.astimezone(UTC), s.cover, s.optional_free)
        for s in slots
    ]


def overlaps(busy: list, s: datetime, e: datetime) -> bool:
    return any(b < e and s < c for b, c in busy)


def check_invariants(search: Search, slots: list[Slot]) -> None:
    """Each slot, checked against the rules without the finder's help. The
    comparisons are in UTC: aware datetimes of one zone compare in wall time."""
    windows = search.windows if search.windows and not search.waive_windows else WORKING_HOURS
    last_end = None
    for slot in slots:
        assert slot.starts_at.tzinfo is search.tz
        s, e = slot.starts_at.astimezone(UTC), slot.ends_at.astimezone(UTC)
        assert e - s == search.duration
        assert s >= search.start
        local = slot.starts_at.astimezone(search.tz)
        day = local.date()
        # The start is on the window's wall-clock grid; the end is compared
        # as an instant with the window's end on that day.
        assert any(
            w.weekday == day.weekday()
            and w.starts <= local.time()
            and (datetime.combine(day, local.time()) - datetime.combine(day, w.starts))
            % search.step
            == timedelta(0)
            and e <= datetime.combine(day, w.ends, tzinfo=search.tz).astimezone(UTC)
            for w in windows
        ), slot
        assert day not in search.holidays
        if search.earliest_day and not search.waive_deadline:
            assert day >= search.earliest_day
        for p in search.required:
            assert not overlaps(search.busy.get(p, []), s, e)
        assert set(slot.cover) == {n.code for n in search.needs}
        for need in search.needs:
            assert slot.cover[need.code] in need.candidates
            assert not overlaps(search.busy.get(slot.cover[need.code], []), s, e)
        for p in search.optional:
            assert (p in slot.optional_free) == (not overlaps(search.busy.get(p, []), s, e))
        assert slot.optional_free <= search.optional
        if search.room_busy is not None:
            assert not overlaps(search.room_busy, s, e)
        if search.family_times is not None:
            assert any(a <= s and e <= b for a, b in search.family_times)
        if last_end is not None:
            assert s >= last_end
        last_end = e
    assert len(slots) <= search.count


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(searches())
def test_it_agrees_with_the_brute_force(search):
    found = find_slots(search)
    assert instants(found) == instants(brute_force(search))
    check_invariants(search, found)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(searches(), st.integers(0, 20), st.integers(0, 10))
def test_it_explains_any_period_without_failing(search, offset, length):
    day_from = search.start.astimezone(TZ).date() + timedelta(days=offset - 3)
    day_to = day_from + timedelta(days=length)
    explanation = explain(search, day_from=day_from, day_to=day_to)
    check_invariants(search, explanation.slots)
    for slot in explanation.slots:
        assert day_from <= slot.starts_at.date() <= day_to
    for reason in explanation.reasons:
        if "blocked" in reason.params:
            assert 0 < reason.params["blocked"] <= reason.params["of"]
    for suggestion in explanation.suggestions:
        day = datetime.fromisoformat(suggestion.params["starts_at"]).date()
        assert day > day_to if suggestion.code == "later" else day_from <= day <= day_to


# --- the everyday cases --------------------------------------------------------

CONVENER, NURSE, PSYCHOLOGIST, OTHER_PSYCHOLOGIST, SOCIAL_WORKER = 1, 2, 3, 4, 5
MONDAY = date(2026, 11, 16)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def week_of(day: date) -> tuple[datetime, datetime]:
    return at(day, 0), at(day + timedelta(days=7), 0)


def search(**kwargs) -> Search:
    fields = {
        "start": at(MONDAY, 7),
        "duration": timedelta(minutes=90),
        "needs": [Need("nurse", (NURSE,)), Need("psychologist", (PSYCHOLOGIST,))],
        "required": frozenset({CONVENER}),
        "fixed": frozenset({CONVENER}),
        "windows": [Window(0, time(9), time(12)), Window(3, time(12), time(15))],
    }
    return Search(**(fields | kwargs))


def test_it_gives_the_earliest_non_overlapping_slots_in_a_window():
    slots = find_slots(search(windows=[Window(0, time(9), time(13))]))
    assert [s.starts_at for s in slots] == [
        at(MONDAY, 9),
        at(MONDAY, 10, 30),
        at(MONDAY + timedelta(7), 9),
    ]
    assert slots[0].cover == {"nurse": NURSE, "psychologist": PSYCHOLOGIST}


def test_it_prefers_someone_already_at_the_table_and_reports_optional_invitees():
    needs = [Need("nurse", (NURSE, SOCIAL_WORKER)), Need("family_work", (SOCIAL_WORKER, NURSE))]
    busy = {OTHER_PSYCHOLOGIST: [(at(MONDAY, 9), at(MONDAY, 10))]}
    (slot,) = find_slots(
        search(needs=needs, busy=busy, optional=frozenset({OTHER_PSYCHOLOGIST}), count=1)
    )
    assert slot.cover == {"nurse": NURSE, "family_work": NURSE}
    assert slot.optional_free == frozenset()
    (slot,) = find_slots(
        search(needs=needs, required=frozenset({CONVENER, SOCIAL_WORKER}), count=1)
    )
    assert slot.cover == {"nurse": SOCIAL_WORKER, "family_work": SOCIAL_WORKER}


def test_it_accepts_the_practice_windows_of_any_shape():
    Practice = namedtuple("Practice", "weekday starts ends")
    (slot,) = find_slots(search(windows=[Practice(1, time(13), time(15))], count=1))
    assert slot.starts_at == at(MONDAY + timedelta(1), 13)


def test_a_need_blocked_all_week_is_explained_and_another_member_suggested():
    needs = [
        Need("nurse", (NURSE,)),
        Need("psychologist", (PSYCHOLOGIST,), alternatives=(OTHER_PSYCHOLOGIST,)),
    ]
    s = search(needs=needs, busy={PSYCHOLOGIST: [week_of(MONDAY)]})
    explanation = explain(s, day_from=MONDAY, day_to=MONDAY + timedelta(6))
    assert explanation.slots == []
    # Monday 9.00-10.30 and Thursday 12.00-13.30 on the quarter hours: 7 + 7.
    assert explanation.reasons[0].code == "need"
    assert explanation.reasons[0].params == {"need": "psychologist", "blocked": 14, "of": 14}
    codes = {s.code: s.params for s in explanation.suggestions}
    assert codes["other_member"] == {
        "need": "psychologist",
        "person": OTHER_PSYCHOLOGIST,
        "starts_at": at(MONDAY, 9).isoformat(),
    }
    assert codes["later"] == {"starts_at": at(MONDAY + timedelta(7), 9).isoformat()}


def test_a_busy_required_person_may_be_made_optional_but_never_the_convener():
    busy = {SOCIAL_WORKER: [week_of(MONDAY)], CONVENER: [(at(MONDAY, 9), at(MONDAY, 12))]}
    s = search(required=frozenset({CONVENER, SOCIAL_WORKER}), busy=busy)
    explanation = explain(s, day_from=MONDAY, day_to=MONDAY + timedelta(6))
    assert [(r.code, r.params) for r in explanation.reasons] == [
        ("person", {"person": SOCIAL_WORKER, "blocked": 14, "of": 14}),
        ("person", {"person": CONVENER, "blocked": 7, "of": 14}),
    ]
    make_optional = [s.params for s in explanation.suggestions if s.code == "make_optional"]
    assert make_optional == [
        {"person": SOCIAL_WORKER, "starts_at": at(MONDAY + timedelta(3), 12).isoformat()}
    ]


def test_christmas_week_gives_the_holidays_and_the_next_working_day():
    christmas = frozenset(d for d in holidays.Finland(years=2026) if d.month == 12)
    monday = date(2026, 12, 21)
    s = search(
        start=at(monday, 7),
        windows=[Window(3, time(9), time(12)), Window(4, time(9), time(12))],
        holidays=christmas,
    )
    explanation = explain(s, day_from=monday, day_to=monday + timedelta(6))
    assert explanation.slots == []
    assert [(r.code, r.params["day"]) for r in explanation.reasons] == [
        ("holiday", "2026-12-24"),
        ("holiday", "2026-12-25"),
    ]
    later = [s.params for s in explanation.suggestions if s.code == "later"]
    # 1.1. is New Year's Day, a Friday: Thursday 31.12. it is.
    assert later == [{"starts_at": at(date(2026, 12, 31), 9).isoformat()}]


def test_the_request_deadline_is_explained_and_may_be_waived():
    s = search(earliest_day=MONDAY + timedelta(7))
    explanation = explain(s, day_from=MONDAY, day_to=MONDAY + timedelta(6))
    assert explanation.slots == []
    assert [(r.code, r.params) for r in explanation.reasons] == [
        ("deadline", {"earliest_day": "2026-11-23", "blocked": 14, "of": 14})
    ]
    waive = [s.params for s in explanation.suggestions if s.code == "waive_deadline"]
    assert waive == [{"starts_at": at(MONDAY, 9).isoformat()}]
    assert find_slots(s)[0].starts_at == at(MONDAY + timedelta(7), 9)


def test_the_windows_may_be_waived_when_they_block():
    s = search(
        busy={
            NURSE: [
                (at(MONDAY, 8), at(MONDAY, 13)),
                (at(MONDAY + timedelta(3), 11), at(MONDAY + timedelta(3), 16)),
            ]
        }
    )
    explanation = explain(s, day_from=MONDAY, day_to=MONDAY + timedelta(6))
    assert explanation.slots == []
    waive = [s.params for s in explanation.suggestions if s.code == "waive_windows"]
    assert waive == [{"starts_at": at(MONDAY, 13).isoformat()}]


def test_the_family_times_and_the_room_are_reasons():
    s = search(
        family_times=[(at(MONDAY, 10), at(MONDAY, 12))],
        room_busy=[(at(MONDAY, 11), at(MONDAY, 12))],
    )
    explanation = explain(s, day_from=MONDAY, day_to=MONDAY + timedelta(6))
    assert explanation.slots == []
    # Of the 14 starts, the family's 10-12 allows Monday 10.00-10.30 (3);
    # the room's 11-12 blocks Monday 9.45-10.30 (4).
    assert [(r.code, r.params["blocked"]) for r in explanation.reasons] == [
        ("family", 11),
        ("room", 4),
    ]


def test_a_period_without_windows_or_in_the_past_says_so():
    s = search()
    saturday = MONDAY + timedelta(5)
    none = explain(s, day_from=saturday, day_to=saturday + timedelta(1))
    assert [r.code for r in none.reasons] == ["no_window"]
    past = explain(s, day_from=MONDAY - timedelta(7), day_to=MONDAY - timedelta(1))
    assert [r.code for r in past.reasons] == ["past"]
    assert past.suggestions[0].code == "later"
    assert past.suggestions[0].params == {"starts_at": find_slots(s)[0].starts_at.isoformat()}


def test_a_window_after_the_autumn_dst_change_starts_at_local_nine():
    s = search(
        start=at(date(2026, 10, 20), 7),
        windows=[Window(0, time(9), time(10))],
        duration=timedelta(hours=1),
        count=2,
    )
    slots = find_slots(s)
    assert [x.starts_at.astimezone(UTC) for x in slots] == [
        datetime(2026, 10, 26, 7, tzinfo=UTC),  # 9.00 EET, UTC+2
        datetime(2026, 11, 2, 7, tzinfo=UTC),
    ]
    assert slots[0].starts_at.hour == 9 and slots[0].ends_at.hour == 10
    assert slots[0].starts_at.utcoffset() == timedelta(hours=2)


def test_a_window_after_the_spring_dst_change_starts_at_local_nine():
    s = search(
        start=at(date(2026, 3, 25), 7),
        windows=[Window(0, time(9), time(10))],
        duration=timedelta(hours=1),
        count=1,
    )
    (slot,) = find_slots(s)
    assert slot.starts_at.astimezone(UTC) == datetime(2026, 3, 30, 6, tzinfo=UTC)  # EEST, UTC+3


def test_the_night_of_the_spring_change_has_no_missing_hour():
    sunday = date(2026, 3, 29)
    s = search(
        start=at(sunday, 0),
        windows=[Window(6, time(2), time(5))],
        duration=timedelta(minutes=30),
        step=timedelta(minutes=30),
        count=9,
        days=1,
        needs=[],
        required=frozenset(),
    )
    # 2.00 and 2.30 EET; 3.00 and 3.30 do not exist; 4.00 EEST is 1.00 UTC.
    starts = [x.starts_at.astimezone(UTC).time() for x in find_slots(s)]
    assert starts == [time(0), time(0, 30), time(1), time(1, 30)]
    assert starts == [x.starts_at.astimezone(UTC).time() for x in brute_force(s)]


def test_a_need_nobody_can_cover_blocks_everything():
    assert find_slots(search(needs=[Need("speech_therapist", ())], days=14)) == []


def night_starts(day: date, starts: time, ends: time) -> list[time]:
    """The UTC times of all 15-minute slots of a night window, by the finder,
    after checking that the brute force agrees."""
    s = search(
        start=at(day, 0),
        windows=[Window(day.weekday(), starts, ends)],
        duration=timedelta(minutes=15),
        count=20,
        days=1,
        needs=[],
        required=frozenset(),
    )
    found = find_slots(s)
    assert instants(found) == instants(brute_force(s))
    return [x.starts_at.astimezone(UTC).time() for x in found]


def test_the_autumn_night_has_its_ambiguous_hour_once():
    # 2.00-3.45 summer time (23.00-0.45 UTC); the second 3.00-3.45 (winter
    # time) is skipped; 4.00-4.45 winter time is 2.00-2.45 UTC.
    quarters = [time(h, m) for h in (23, 0) for m in (0, 15, 30, 45)]
    assert night_starts(date(2026, 10, 25), time(2), time(5)) == [
        *quarters,
        *(time(2, m) for m in (0, 15, 30, 45)),
    ]


def test_a_window_ending_in_the_missing_spring_hour_ends_there():
    # 3.30 does not exist; read as winter time it is 1.30 UTC, but 3.00 and
    # 3.15 do not exist either, so 2.30 and 2.45 are all.
    assert night_starts(date(2026, 3, 29), time(2, 30), time(3, 30)) == [time(0, 30), time(0, 45)]
    assert night_starts(date(2026, 3, 29), time(3), time(3, 45)) == []


def test_a_slot_fits_a_gap_and_a_family_time_edge_to_edge():
    gap = {NURSE: [(at(MONDAY, 8), at(MONDAY, 9, 30)), (at(MONDAY, 11), at(MONDAY, 16))]}
    s = search(busy=gap, family_times=[(at(MONDAY, 9, 30), at(MONDAY, 11))], count=1)
    assert [x.starts_at for x in find_slots(s)] == [at(MONDAY, 9, 30)]
