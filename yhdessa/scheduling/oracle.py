"""The slot finder's specification, as the obvious brute force.

Every candidate start is enumerated and every rule checked directly against
every interval, with no sorting tricks: slow, but plainly right, so the
property tests hold ``finder.find_slots`` to it.

The rules:

- Candidate starts: for each local day d of the horizon, for each window with
  d's weekday, the wall times ``window.starts + k * step`` up to
  ``window.ends``; a wall time that the spring DST change skips is no start,
  an ambiguous one in autumn is its first occurrence (fold 0). A start s
  counts when s >= search.start and s + duration <= window.ends of d, both
  compared as instants (UTC).
- A start is feasible when d is no holiday, d keeps the request deadline
  (unless waived), every required person and at least one candidate of each
  need is free over [s, e), the slot lies wholly inside one of the family's
  times (when it gave any) and the room is free (when there is one).
- The earliest feasible starts are taken in time order, each at or after the
  end of the one taken before, until ``count``.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from yhdessa.scheduling.finder import WORKING_HOURS, Interval, Search, Slot


def _overlaps(intervals: list[Interval], s: datetime, e: datetime) -> bool:
    return any(b < e and s < c for b, c in intervals)


def candidate_starts(search: Search) -> list[tuple[datetime, date]]:
    """Every candidate start (in UTC) with its local day, in time order."""
    tz = search.tz
    first = search.start.astimezone(tz).date()
    windows = search.windows if search.windows and not search.waive_windows else WORKING_HOURS
    starts = set()
    for offset in range(search.days):
        day = first + timedelta(days=offset)
        for window in windows:
            if window.weekday != day.weekday():
                continue
            wall = datetime.combine(day, window.starts)
            last = datetime.combine(day, window.ends)
            window_end = last.replace(tzinfo=tz).astimezone(UTC)
            while wall <= last:
                s = wall.replace(tzinfo=tz).astimezone(UTC)
                exists = s.astimezone(tz).replace(tzinfo=None) == wall
                if exists and s >= search.start and s + search.duration <= window_end:
                    starts.add((s, day))
                wall += search.step
    return sorted(starts)


def _cover(search: Search, free: Callable[[int], bool]) -> dict[str, int]:
    """Per need, the first free candidate already at the table (required or
    covering an earlier need), else the first free candidate."""
    table = set(search.required)
    cover = {}
    for need in search.needs:
        free_ones = [c for c in need.candidates if free(c)]
        at_table = [c for c in free_ones if c in table]
        cover[need.code] = (at_table or free_ones)[0]
        table.add(cover[need.code])
    return cover


def brute_force(search: Search) -> list[Slot]:
    """What ``find_slots`` must return."""
    tz = search.tz
    found: list[Slot] = []
    last_end = None
    for s, day in candidate_starts(search):
        e = s + search.duration
        if len(found) == search.count:
            break
        if last_end is not None and s < last_end:
            continue

        def free(pid: int, s: datetime = s, e: datetime = e) -> bool:
            return not _overlaps(search.busy.get(pid, []), s, e)

        feasible = (
            day not in search.holidays
            and (search.earliest_day is None or search.waive_deadline or day >= search.earliest_day)
            and all(free(p) for p in search.required)
            and all(any(free(c) for c in need.candidates) for need in search.needs)
            and (
                search.family_times is None
                or any(a <= s and e <= b for a, b in search.family_times)
            )
            and (search.room_busy is None or not _overlaps(search.room_busy, s, e))
        )
        if feasible:
            found.append(
                Slot(
                    starts_at=s.astimezone(tz),
                    ends_at=e.astimezone(tz),
                    cover=_cover(search, free),
                    optional_free=frozenset(p for p in search.optional if free(p)),
                )
            )
            last_end = e
    return found
