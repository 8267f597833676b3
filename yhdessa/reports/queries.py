"""Reporting: meetings held per municipality per period."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from yhdessa.accounts.models import User
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.queries import meetings_visible_to


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first and last day inclusive, in Helsinki time."""
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
