"""``{{ meeting.starts_at|time_of_day }}`` and ``{{ start|time_of_day:end }}``:
the one way templates write a time of day (see yhdessa.formats)."""

from django import template

from yhdessa import formats

register = template.Library()


@register.filter
def time_of_day(value, end=None) -> str:
    return formats.time_of_day(value, end) if value else ""


@register.filter
def day_and_time(value) -> str:
    return formats.day_and_time(value) if value else ""
