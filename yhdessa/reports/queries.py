"""Reporting: meetings held per municipality per period."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from yhdessa.access import meetings_visible_to, municipalities_reported_to
from yhdessa.accounts.models import User
from yhdessa.meetings.models import Meeting
from yhdessa.network.models import FamilyCentreArea

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


def _held(user: User, start: date, end: date) -> QuerySet[Meeting]:
    low, high = period_bounds(start, end)
    return meetings_visible_to(user).filter(
        status=Meeting.Status.HELD, starts_at__gte=low, starts_at__lt=high
    )


# A follow-up meeting is counted as a follow-up, not as a new Yhdessä aika.
FIRST = Q(follows__isnull=True)


def meetings_held(user: User, *, start: date, end: date) -> list[dict]:
    """Held Yhdessä ajat (``held``) and follow-up meetings (``follow_ups``)
    in the period for every municipality the reader may see, those with none
    too (``access.municipalities_reported_to``).

    A coordinator sees every meeting of their municipality; a professional
    counts the meetings they took part in.
    """
    counts = {
        town: (held, follow_ups)
        for town, held, follow_ups in _held(user, start, end)
        .values_list("concern__family__municipality_id")
        .annotate(held=Count("pk", filter=FIRST), follow_ups=Count("pk", filter=~FIRST))
        .values_list("concern__family__municipality_id", "held", "follow_ups")
        .order_by()
    }
    return [
        {
            "municipality": town.name,
            "held": counts.get(town.pk, (0, 0))[0],
            "follow_ups": counts.get(town.pk, (0, 0))[1],
        }
        for town in municipalities_reported_to(user).order_by("name")
    ]


def meetings_held_by_area(user: User, *, start: date, end: date) -> list[dict]:
    """The same count for every family centre area of those municipalities,
    zero ones too. A meeting belongs to its concern's area; one raised before
    concerns had areas, to the area of the team that was convened. Meetings
    with neither come last as "no area" (area ""), only when there are some."""
    counts: dict[tuple[int, int | None], int] = {}
    rows = (
        _held(user, start, end)
        .filter(FIRST)
        .annotate(area_key=Coalesce("concern__area_id", "team__area_id"))
        .values_list("concern__family__municipality_id", "area_key")
        .annotate(held=Count("pk"))
        .order_by()
    )
    towns = list(municipalities_reported_to(user).order_by("name"))
    areas: dict[int, list[FamilyCentreArea]] = {town.pk: [] for town in towns}
    for area in FamilyCentreArea.objects.filter(municipality__in=towns).order_by("name", "pk"):
        areas[area.municipality_id].append(area)
    known = {area.pk for listed in areas.values() for area in listed}
    for town_id, area_id, held in rows:
        key = (town_id, area_id if area_id in known else None)
        counts[key] = counts.get(key, 0) + held
    result = []
    for town in towns:
        result += [
            {
                "municipality": town.name,
                "area": area.name,
                "held": counts.get((town.pk, area.pk), 0),
            }
            for area in areas[town.pk]
        ]
        if counts.get((town.pk, None)):
            result.append({"municipality": town.name, "area": "", "held": counts[(town.pk, None)]})
    return result
