"""Benchmark: the slot finder on a large team, against the brute force.

Run: .venv/bin/python bench/slot_finder.py [repeat]   (default 200)
No Django, no database: a seeded random instance of 30 members, 6 needs of 5
candidates each, 2,000 busy intervals over 120 days and the working hours as
windows (the densest grid). A second, hard case keeps one need's candidates
busy for the first 100 days, so the search scans far, and explains one week.
Prints median and p95 per search and the machine: figures, not verdicts.
"""

import os
import platform
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yhdessa.scheduling.finder import WORKING_HOURS, Need, Search, explain, find_slots  # noqa: E402
from yhdessa.scheduling.oracle import brute_force  # noqa: E402

TZ = ZoneInfo("Europe/Helsinki")
MEMBERS = list(range(1, 31))
DAYS = 120


def dense(seed: int = 1) -> Search:
    """30 members, 2,000 busy intervals of 30-240 min in working hours."""
    rng = random.Random(seed)
    first = date(2026, 9, 7)
    busy: dict[int, list] = {p: [] for p in MEMBERS}
    for _ in range(2000):
        day = first + timedelta(days=rng.randrange(DAYS))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        minutes = rng.randrange(30, 241, 15)
        start = datetime.combine(day, clock(8), tzinfo=TZ) + timedelta(
            minutes=rng.randrange(0, 8 * 60 - minutes + 1, 15)
        )
        busy[rng.choice(MEMBERS)].append((start, start + timedelta(minutes=minutes)))
    pool = MEMBERS[2:]
    rng.shuffle(pool)
    needs = [
        Need(f"expertise{i}", tuple(pool[i * 5 : i * 5 + 5]), alternatives=(MEMBERS[1],))
        for i in range(6)
    ]
    return Search(
        start=datetime.combine(first, clock(7), tzinfo=TZ),
        duration=timedelta(minutes=90),
        needs=needs,
        required=frozenset({MEMBERS[0]}),
        optional=frozenset(MEMBERS[1:3]),
        fixed=frozenset({MEMBERS[0]}),
        windows=WORKING_HOURS,
        busy=busy,
        days=DAYS,
    )


def hard(search: Search) -> Search:
    """The first need's candidates busy for the first 100 days, each in a
    different part of every day, so that one of them is always free for a
    while but never for the whole meeting: the search leapfrogs day by day."""
    busy = {p: list(v) for p, v in search.busy.items()}
    first = search.start.date()
    for index, pid in enumerate(search.needs[0].candidates):
        for offset in range(100):
            day = first + timedelta(days=offset)
            free_from = datetime.combine(day, clock(8), tzinfo=TZ) + timedelta(
                minutes=90 * index + 15 * (offset % 3)
            )
            busy[pid].append((datetime.combine(day, clock(0), tzinfo=TZ), free_from))
            busy[pid].append(
                (free_from + timedelta(minutes=75), datetime.combine(day, clock(23), tzinfo=TZ))
            )
    return replace(search, busy=busy)


def measure(label: str, call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    median = statistics.median(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label:<44} median {median:8.2f} ms   p95 {p95:8.2f} ms   ({repeat} runs)")
    return median


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    return (
        f"{platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {model or platform.processor() or 'unknown CPU'}"
    )


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print(machine())
    for label, search in (("dense", dense()), ("hard", hard(dense()))):
        intervals = sum(len(v) for v in search.busy.values())
        slots = find_slots(search)
        assert slots == brute_force(search), label
        print(
            f"{label}: {len(MEMBERS)} members, {len(search.needs)} needs, {intervals} busy "
            f"intervals, {DAYS} days; first slot {slots[0].starts_at:%Y-%m-%d %H:%M}"
        )
        fast = measure(f"  find_slots ({label})", lambda s=search: find_slots(s), repeat)
        slow = measure(f"  brute_force ({label})", lambda s=search: brute_force(s), 3)
        print(f"  brute force / finder: {slow / fast:.0f}x")
    search = hard(dense())
    monday = search.start.date() + timedelta(days=7)
    explanation = explain(search, day_from=monday, day_to=monday + timedelta(days=6))
    print(
        f"explain, one week of the hard case: {len(explanation.slots)} slots, reasons "
        f"{[r.code for r in explanation.reasons]}, suggestions "
        f"{[s.code for s in explanation.suggestions]}"
    )
    measure(
        "  explain (hard, one week)",
        lambda: explain(search, day_from=monday, day_to=monday + timedelta(days=6)),
        max(10, repeat // 10),
    )


if __name__ == "__main__":
    main()
