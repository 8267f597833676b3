"""Working days in Finland: Monday to Friday, less the public holidays
(the ``holidays`` package), for the promises made to families and the
reminders sent the working day before a meeting."""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Finland(years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(day: date, count: int) -> date:
    """The date ``count`` working days after ``day`` (``day`` itself not counted)."""
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def subtract_working_days(day: date, count: int) -> date:
    """The date ``count`` working days before ``day`` (the practices' request deadlines)."""
    while count > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def previous_working_day(day: date) -> date:
    """The last working day before ``day``."""
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def holidays_between(start: date, end: date) -> frozenset[date]:
    """The public holidays from ``start`` to ``end`` (inclusive)."""
    days: set[date] = set()
    for year in range(start.year, end.year + 1):
        days |= _holidays(year)
    return frozenset(d for d in days if start <= d <= end)
