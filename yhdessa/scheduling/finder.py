"""The slot finder: the earliest times when the experts a family needs can all
meet, and, when a period has none, why and what would open one.

Pure (no ORM, no database): the callers load the busy times, windows and rules
and hand them over as plain data, so the same code serves the convening page,
the API and the benchmark, and the property tests can compare it with the
brute force in ``oracle.py``, which is its specification.

How it is fast: every rule is turned into a set of *start instants* on one
integer time line (microseconds since the epoch, so UTC and exact). A busy
interval [b, c) of someone who must be free blocks the starts in the open
interval (b - duration, c); a need is blocked where all its candidates are
(the intersection of their sets); the required people, the needs and the room
make one sorted union. The search then leapfrogs over the grid of window
starts: a blocked start jumps straight to the end of what blocks it. All
arithmetic is on integers because Python compares and adds aware datetimes
that share a tzinfo in wall time, which is wrong across the DST change.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]  # half-open [start, end), timezone-aware

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
NEVER = 1 << 62  # later than any instant: "blocked for ever" / "no next start"


class WindowLike(Protocol):
    """Anything with a weekday and local start and end times, such as
    ``yhdessa.network.practice.Window``."""

    weekday: int
    starts: time
    ends: time


@dataclass(frozen=True)
class Window:
    """A weekly meeting window of the team, in local time."""

    weekday: int  # 0 = Monday
    starts: time
    ends: time


# Used when the practice names no windows or the convener waives them.
WORKING_HOURS = [Window(d, time(8), time(16)) for d in range(5)]


@dataclass(frozen=True)
class Need:
    """An expertise the meeting needs and who may cover it."""

    code: str
    candidates: tuple[int, ...]  # professional ids, in preference order
    # Others with the same expertise not offered by default (e.g. outside the
    # team): only explain() tries them.
    alternatives: tuple[int, ...] = ()


@dataclass
class Search:
    """One question to the finder. See the module docstring of ``oracle`` for
    the exact rules."""

    start: datetime  # "now": no slot starts before it
    duration: timedelta
    needs: list[Need]
    required: frozenset[int] = frozenset()  # must be free
    optional: frozenset[int] = frozenset()  # invited when free; never block
    fixed: frozenset[int] = frozenset()  # required and never "make optional"
    windows: Sequence[WindowLike] = ()  # empty -> WORKING_HOURS
    busy: dict[int, list[Interval]] = field(default_factory=dict)
    earliest_day: date | None = None  # the request deadline's first allowed day
    family_times: list[Interval] | None = None  # None = the family gave no times
    room_busy: list[Interval] | None = None  # None = no room
    holidays: frozenset[date] = frozenset()
    waive_deadline: bool = False
    waive_windows: bool = False
    days: int = 120  # horizon: local dates start .. start + days - 1
    count: int = 3
    step: timedelta = timedelta(minutes=15)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Helsinki"))


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    cover: dict[str, int]  # need code -> professional id covering it
    optional_free: frozenset[int]


@dataclass(frozen=True)
class Reason:
    """What blocks the candidate starts of a period: a code and plain (JSON)
    parameters, written out in the reader's language by the page."""

    # "past" | "no_window" | "holiday" | "deadline" | "need" | "person" | "family" | "room"
    code: str
    params: dict


@dataclass(frozen=True)
class Suggestion:
    """A change that would open a slot, with the earliest slot it gives."""

    code: str  # "later" | "other_member" | "make_optional" | "waive_deadline" | "waive_windows"
    params: dict


@dataclass(frozen=True)
class Explanation:
    slots: list[Slot]
    reasons: list[Reason]
    suggestions: list[Suggestion]


# --- the integer time line -------------------------------------------------

Spans = tuple[list[int], list[int]]  # sorted disjoint spans as (starts, ends)


def to_us(moment: datetime) -> int:
    """An aware datetime as exact microseconds since the epoch."""
    return (moment - EPOCH) // US


def from_us(value: int, tz: ZoneInfo) -> datetime:
    return (EPOCH + timedelta(microseconds=value)).astimezone(tz)


def _merge_open(spans: Iterable[tuple[int, int]]) -> Spans:
    """The union of open intervals (lo, hi). Two that only touch stay apart:
    the touching point is in neither."""
    los: list[int] = []
    his: list[int] = []
    for lo, hi in sorted(spans):
        if his and lo < his[-1]:
            if hi > his[-1]:
                his[-1] = hi
        else:
            los.append(lo)
            his.append(hi)
    return los, his


def _intersect_open(a: Spans, b: Spans) -> Spans:
    """The intersection of two unions of open intervals."""
    los: list[int] = []
    his: list[int] = []
    i = j = 0
    alo, ahi = a
    blo, bhi = b
    while i < len(alo) and j < len(blo):
        lo = max(alo[i], blo[j])
        hi = min(ahi[i], bhi[j])
        if lo < hi:
            los.append(lo)
            his.append(hi)
        if ahi[i] < bhi[j]:
            i += 1
        else:
            j += 1
    return los, his


def _blocked_until(spans: Spans, s: int) -> int | None:
    """None when start ``s`` is not in the open spans, otherwise the first
    instant at or after ``s`` that is not blocked by them."""
    los, his = spans
    i = bisect_left(los, s) - 1
    if i >= 0 and s < his[i]:
        return his[i]
    return None


class _Blocked:
    """Busy times as the start instants they block, per person, computed once
    per duration and shared by the variants of a search that explain() tries."""

    def __init__(self, busy: dict[int, list[Interval]], duration_us: int) -> None:
        self.busy = busy
        self.duration_us = duration_us
        self._cache: dict[int, Spans] = {}

    def of_intervals(self, intervals: Iterable[Interval]) -> Spans:
        d = self.duration_us
        # [b, c) overlaps [s, s + d) iff b < s + d and s < c: s in (b - d, c).
        # (to_us inlined: this is the finder's hottest loop.)
        spans = [((b - EPOCH) // US - d, (c - EPOCH) // US) for b, c in intervals]
        return _merge_open(span for span in spans if span[0] < span[1])

    def person(self, pid: int) -> Spans:
        if pid not in self._cache:
            self._cache[pid] = self.of_intervals(self.busy.get(pid, ()))
        return self._cache[pid]

    def is_free(self, pid: int, s: int) -> bool:
        return _blocked_until(self.person(pid), s) is None

    def need(self, need: Need) -> Spans:
        """Where none of the need's candidates is free."""
        if not need.candidates:
            return [-NEVER], [NEVER]
        spans = self.person(need.candidates[0])
        for pid in need.candidates[1:]:
            spans = _intersect_open(spans, self.person(pid))
        return spans


def _family_starts(search: Search, duration_us: int) -> Spans | None:
    """The starts that keep the slot wholly inside one of the family's times,
    as closed spans [lo, hi]; None when the family gave no times."""
    if search.family_times is None:
        return None
    spans = sorted(
        (lo, hi)
        for lo, hi in ((to_us(a), to_us(b) - duration_us) for a, b in search.family_times)
        if lo <= hi
    )
    los: list[int] = []
    his: list[int] = []
    for lo, hi in spans:
        if his and lo <= his[-1]:
            his[-1] = max(his[-1], hi)
        else:
            los.append(lo)
            his.append(hi)
    return los, his


def _family_next(spans: Spans, s: int) -> int | None:
    """None when ``s`` is an allowed start, otherwise the next allowed one."""
    los, his = spans
    i = bisect_right(los, s) - 1
    if i >= 0 and s <= his[i]:
        return None
    return los[i + 1] if i + 1 < len(los) else NEVER


# --- the grid of candidate starts ------------------------------------------


def _windows(search: Search) -> Sequence[WindowLike]:
    if search.windows and not search.waive_windows:
        return search.windows
    return WORKING_HOURS


def _start_day(search: Search) -> date:
    return search.start.astimezone(search.tz).date()


def _exists(wall: datetime, tz: ZoneInfo) -> bool:
    """False for a wall time skipped by the spring DST change."""
    aware = wall.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall


def _window_starts(search: Search, day: date, window: WindowLike, not_before: int) -> list[int]:
    """The starts of one window on one day, on the local wall-time grid."""
    tz = search.tz
    step_us = search.step // US
    duration_us = search.duration // US
    first_wall = datetime.combine(day, window.starts)
    last_wall = datetime.combine(day, window.ends)
    if last_wall < first_wall:
        return []
    first = to_us(first_wall.replace(tzinfo=tz))
    end = to_us(last_wall.replace(tzinfo=tz))
    if (
        end - first == (last_wall - first_wall) // US
        and _exists(first_wall, tz)
        and _exists(last_wall, tz)
    ):
        # No DST change inside the window: the wall grid is an even grid in UTC.
        k = max(0, -(-(not_before - first) // step_us))
        return list(range(first + k * step_us, end - duration_us + 1, step_us))
    starts = []
    wall = first_wall
    while wall <= last_wall:
        if _exists(wall, tz):
            s = to_us(wall.replace(tzinfo=tz))
            if s >= not_before and s + duration_us <= end:
                starts.append(s)
        wall += search.step
    return starts


def _day_starts(search: Search, day: date, not_before: int) -> list[int]:
    windows = [w for w in _windows(search) if w.weekday == day.weekday()]
    if len(windows) == 1:
        return _window_starts(search, day, windows[0], not_before)
    # Windows of one day may overlap: the same start counts once.
    return sorted({s for w in windows for s in _window_starts(search, day, w, not_before)})


def _days(first: date, last: date) -> Iterable[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def _allowed_day(search: Search, day: date) -> bool:
    if day in search.holidays:
        return False
    return search.earliest_day is None or search.waive_deadline or day >= search.earliest_day


# --- the search -------------------------------------------------------------


def _check(search: Search) -> None:
    if search.step <= timedelta(0) or search.duration <= timedelta(0):
        raise ValueError("step and duration must be positive")


def _find(
    search: Search, first: date, last: date, count: int, blocked: _Blocked | None = None
) -> list[Slot]:
    """The earliest ``count`` feasible, non-overlapping slots on the local
    days ``first`` .. ``last``."""
    _check(search)
    if count <= 0:
        return []
    first = max(first, _start_day(search))
    not_before = to_us(search.start)
    grid = [
        s
        for day in _days(first, last)
        if _allowed_day(search, day)
        for s in _day_starts(search, day, not_before)
    ]
    if not grid:
        return []
    d = search.duration // US
    blocked = blocked or _Blocked(search.busy, d)
    lo_bound, hi_bound = grid[0], grid[-1] + 1

    def clipped(spans: Spans) -> Iterable[tuple[int, int]]:
        los, his = spans
        # Spans ending at or before the first start, or starting after the
        # last one, cannot block a start of the grid.
        i = bisect_right(his, lo_bound)
        j = bisect_left(los, hi_bound)
        return zip(los[i:j], his[i:j], strict=True)

    parts: list[tuple[int, int]] = []
    for pid in search.required:
        parts.extend(clipped(blocked.person(pid)))
    for need in search.needs:
        parts.extend(clipped(blocked.need(need)))
    if search.room_busy is not None:
        parts.extend(clipped(blocked.of_intervals(search.room_busy)))
    union = _merge_open(parts)
    family = _family_starts(search, d)

    found: list[int] = []
    i = 0
    while i < len(grid) and len(found) < count:
        s = grid[i]
        after = _blocked_until(union, s)
        if after is None and family is not None:
            after = _family_next(family, s)
        if after is None:
            found.append(s)
            after = s + d  # the next slot may not overlap this one
        i = bisect_left(grid, after, i + 1)
    return [_slot(search, blocked, s) for s in found]


def _slot(search: Search, blocked: _Blocked, s: int) -> Slot:
    d = search.duration // US
    return Slot(
        starts_at=from_us(s, search.tz),
        ends_at=from_us(s + d, search.tz),
        cover=_choose_cover(search.needs, search.required, lambda pid: blocked.is_free(pid, s)),
        optional_free=frozenset(p for p in search.optional if blocked.is_free(p, s)),
    )


def _choose_cover(
    needs: Sequence[Need], required: Iterable[int], is_free: Callable[[int], bool]
) -> dict[str, int]:
    """Who covers each need: someone already at the table (required, or
    covering an earlier need) when one is a free candidate, so the meeting
    stays small; otherwise the first free candidate in preference order."""
    table = set(required)
    cover: dict[str, int] = {}
    for need in needs:
        free = [c for c in need.candidates if is_free(c)]
        if not free:
            continue
        chosen = next((c for c in free if c in table), free[0])
        cover[need.code] = chosen
        table.add(chosen)
    return cover


def find_slots(search: Search) -> list[Slot]:
    """The earliest ``search.count`` feasible slots in the horizon, in time
    order, none overlapping the one before."""
    first = _start_day(search)
    return _find(search, first, first + timedelta(days=search.days - 1), search.count)


# --- explain ------------------------------------------------------------------


def explain(search: Search, *, day_from: date, day_to: date) -> Explanation:
    """Why the period ``day_from`` .. ``day_to`` has fewer slots than wanted,
    and what would open one.

    Reasons come in this order: the period as a whole ("past", "no_window"),
    the day rules ("holiday" per day, "deadline"), then each blocker of the
    starts that pass the day rules (needs, required people, the family's
    times, the room), most blocking first. Suggestions are only made when the
    period has fewer than ``search.count`` slots, and each names a slot that
    the period does not already have.
    """
    _check(search)
    d = search.duration // US
    blocked = _Blocked(search.busy, d)
    slots = _find(search, day_from, day_to, search.count, blocked)
    reasons = _reasons(search, blocked, day_from, day_to)
    suggestions: list[Suggestion] = []
    if len(slots) < search.count:
        suggestions = _suggestions(search, blocked, day_from, day_to, slots, reasons)
    return Explanation(slots=slots, reasons=reasons, suggestions=suggestions)


def _reasons(search: Search, blocked: _Blocked, day_from: date, day_to: date) -> list[Reason]:
    start_day = _start_day(search)
    if day_to < start_day:
        return [Reason("past", {"start": search.start.astimezone(search.tz).isoformat()})]
    not_before = to_us(search.start)
    starts = [
        (day, s)
        for day in _days(max(day_from, start_day), day_to)
        for s in _day_starts(search, day, not_before)
    ]
    if not starts:
        ever = any(_day_starts(search, day, -NEVER) for day in _days(day_from, day_to))
        if ever:
            return [Reason("past", {"start": search.start.astimezone(search.tz).isoformat()})]
        return [
            Reason("no_window", {"day_from": day_from.isoformat(), "day_to": day_to.isoformat()})
        ]
    total = len(starts)
    reasons = []
    for day in sorted({day for day, _ in starts if day in search.holidays}):
        n = sum(1 for dd, _ in starts if dd == day)
        reasons.append(Reason("holiday", {"day": day.isoformat(), "blocked": n, "of": total}))
    starts = [(day, s) for day, s in starts if day not in search.holidays]
    if search.earliest_day is not None and not search.waive_deadline:
        n = sum(1 for day, _ in starts if day < search.earliest_day)
        if n:
            params = {"earliest_day": search.earliest_day.isoformat(), "blocked": n, "of": total}
            reasons.append(Reason("deadline", params))
        starts = [(day, s) for day, s in starts if day >= search.earliest_day]

    of = len(starts)
    # (-blocked, code, need code or person id, reason): ties on the first two
    # compare keys of one kind only.
    counted: list[tuple[int, str, str | int, Reason]] = []

    def add(code: str, key: str | int, params: dict, is_blocked: Callable[[int], object]) -> None:
        n = sum(1 for _, s in starts if is_blocked(s))
        if n:
            params = {**params, "blocked": n, "of": of}
            counted.append((-n, code, key, Reason(code, params)))

    for need in search.needs:
        spans = blocked.need(need)
        add("need", need.code, {"need": need.code}, lambda s, sp=spans: _blocked_until(sp, s))
    for pid in sorted(search.required):
        spans = blocked.person(pid)
        add("person", pid, {"person": pid}, lambda s, sp=spans: _blocked_until(sp, s))
    family = _family_starts(search, blocked.duration_us)
    if family is not None:
        add("family", "", {}, lambda s: _family_next(family, s))
    if search.room_busy is not None:
        room = blocked.of_intervals(search.room_busy)
        add("room", "", {}, lambda s: _blocked_until(room, s))
    counted.sort(key=lambda c: c[:3])
    return reasons + [c[3] for c in counted]


def _suggestions(
    search: Search,
    blocked: _Blocked,
    day_from: date,
    day_to: date,
    slots: list[Slot],
    reasons: list[Reason],
) -> list[Suggestion]:
    # As instants: aware datetimes of one zone compare in wall time.
    have = {to_us(slot.starts_at) for slot in slots}

    def new_slot(variant: Search) -> Slot | None:
        """The earliest slot the variant finds in the period that is not one
        of the period's slots already."""
        found = _find(variant, day_from, day_to, len(slots) + 1, blocked)
        return next((s for s in found if to_us(s.starts_at) not in have), None)

    suggestions = []
    horizon_end = _start_day(search) + timedelta(days=search.days - 1)
    later = _find(search, day_to + timedelta(days=1), horizon_end, 1, blocked)
    if later:
        suggestions.append(Suggestion("later", {"starts_at": later[0].starts_at.isoformat()}))
    blocking = {(r.code, r.params.get("need", r.params.get("person"))) for r in reasons}
    for index, need in enumerate(search.needs):
        if ("need", need.code) not in blocking:
            continue
        for alt in need.alternatives:
            if alt in need.candidates:
                continue
            needs = list(search.needs)
            needs[index] = replace(need, candidates=(*need.candidates, alt))
            if slot := new_slot(replace(search, needs=needs)):
                params = {"need": need.code, "person": alt, "starts_at": slot.starts_at.isoformat()}
                suggestions.append(Suggestion("other_member", params))
                break
    for pid in sorted(search.required - search.fixed):
        if ("person", pid) not in blocking:
            continue
        variant = replace(
            search, required=search.required - {pid}, optional=search.optional | {pid}
        )
        if slot := new_slot(variant):
            params = {"person": pid, "starts_at": slot.starts_at.isoformat()}
            suggestions.append(Suggestion("make_optional", params))
    if any(r.code == "deadline" for r in reasons):
        if slot := new_slot(replace(search, waive_deadline=True)):
            params = {"starts_at": slot.starts_at.isoformat()}
            suggestions.append(Suggestion("waive_deadline", params))
    if search.windows and not search.waive_windows:
        if slot := new_slot(replace(search, waive_windows=True)):
            params = {"starts_at": slot.starts_at.isoformat()}
            suggestions.append(Suggestion("waive_windows", params))
    return suggestions
