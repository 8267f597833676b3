"""Times of day as each language writes them in Finland, and the format
modules behind them (FORMAT_MODULE_PATH = "yhdessa.formats").

Finnish "klo 8.00", Swedish "kl. 8.00", English "8:00". Every time of day
that a meeting page, a message or a practice text shows goes through
``time_of_day`` (in templates: ``{% load clock %}{{ value|time_of_day }}``),
so that the chips, the practice, the pages and the invitations agree.
"""

from datetime import datetime, time

from django.utils import formats, timezone


def _local(value: datetime | time) -> datetime | time:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def time_of_day(value: datetime | time, end: datetime | time | None = None) -> str:
    """'klo 8.00' / 'kl. 8.00' / '8:00' in the active language; with an end,
    a range: 'klo 8.00–9.30'. Aware datetimes are read in local time."""
    text = formats.time_format(_local(value), "TIME_OF_DAY_FORMAT")
    if end is not None:
        text += "–" + formats.time_format(_local(end), "TIME_FORMAT")
    return text


def day_and_time(value: datetime) -> str:
    """A weekday, a date and a time: 'to 5.6.2025 klo 8.00'."""
    local = _local(value)
    return f"{formats.date_format(local, 'D j.n.Y')} {time_of_day(local)}"
