"""Reporting: meetings held per municipality per period."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from yhdessa.access import meetings_visible_to
from yhdessa.accounts.models import User
from yhdessa.meetings.models import Meeting

# The periods a report may cover. Meetings are as old as the service at the
# earliest; the ends keep every bound a date and a time zone can hold (the
# day after 9999-12-31 is no date at all).
EARLIEST_REPORT_DAY = date(2000, 1, 1)
LATEST_REPORT_DAY = date(2100, 12, 31)


def period_errors(start: date, end: date) -> dict[str, str]:
    """What is wrong with a report's period, by field: the page's form and
    the API say the same."""
    errors = {}
    allowed = _("Valitse päivä väliltä %(earliest)s–%(latest)s.") % {
        "earliest": date_format(EARLIEST_REPORT_DAY, "SHORT_DATE_FORMAT"),
        "latest": date_format(LATEST_REPORT_DAY, "SHORT_DATE_FORMAT"),
    }
    for name, day in (("start", start), ("end", end)):
        if not EARLIEST_REPORT_DAY <= day <= LATEST_REPORT_DAY:
            errors[name] = allowed
    if not errors and start > end:
        errors["start"] = _("Alkupäivän pitää olla ennen loppupäivää.")
    return errors


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first and last day inclusive, in Helsinki time.

    Raises ValidationError for a period outside the allowed years."""
    errors = period_errors(start, end)
    if errors:
        raise ValidationError(errors)
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


def meetings_held(user: User, *, start: date, end: date) -> list[dict]:
    """Held meetings in the period per municipality the caller may see.

    A coordinator sees every meeting of their municipality; a professional
    counts the meetings they took part in.
    """
    low, high = period_bounds(start, end)
    rows = (
        meetings_visible_to(user)
        .filter(status=Meeting.Status.HELD, starts_at__gte=low, starts_at__lt=high)
        .values("concern__family__municipality__name")
        .annotate(held=Count("pk"))
        .order_by("concern__family__municipality__name")
    )
    return [
        {"municipality": r["concern__family__municipality__name"], "held": r["held"]} for r in rows
    ]


def meetings_held_by_area(user: User, *, start: date, end: date) -> list[dict]:
    """The same count per family centre area (the area of the convened team)."""
    low, high = period_bounds(start, end)
    rows = (
        meetings_visible_to(user)
        .filter(status=Meeting.Status.HELD, starts_at__gte=low, starts_at__lt=high)
        .values("concern__family__municipality__name", "team__area__name")
        .annotate(held=Count("pk"))
        .order_by("concern__family__municipality__name", "team__area__name")
    )
    return [
        {
            "municipality": r["concern__family__municipality__name"],
            "area": r["team__area__name"] or "",
            "held": r["held"],
        }
        for r in rows
    ]
