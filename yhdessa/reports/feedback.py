"""Feedback totals for the reports (given through yhdessa.feedback):
counted per municipality, team and source; free text shown without any
family named."""

from datetime import date

from django.db.models import Count, Q

from yhdessa.access import coordinated_municipality_id, is_system_admin, meetings_visible_to
from yhdessa.feedback.models import Feedback
from yhdessa.feedback.services import QUESTIONS
from yhdessa.reports.queries import period_bounds

Answer = Feedback.Answer


def _in_period(user, start: date, end: date):
    low, high = period_bounds(start, end)
    return Feedback.objects.filter(
        meeting__in=meetings_visible_to(user).values("pk"),
        meeting__starts_at__gte=low,
        meeting__starts_at__lt=high,
    )


def _reads_feedback(user) -> bool:
    """Feedback is the coordinator's (own municipality) and the system
    administrator's: a professional who sat at one meeting could otherwise
    read that family's answers from a one-day period."""
    return coordinated_municipality_id(user) is not None or is_system_admin(user)


def feedback_totals(user, *, start: date, end: date) -> list[dict]:
    """One row per municipality, team and source of the meetings the reader
    may see, held in the period: how many answered, and per question how
    many said yes / partly / no. One query; none for a reader who does not
    read feedback."""
    if not _reads_feedback(user):
        return []
    counts = {f"{q}_{a}": Count("pk", filter=Q(**{q: a})) for q in QUESTIONS for a in Answer.values}
    rows = (
        _in_period(user, start, end)
        .values("meeting__concern__family__municipality__name", "meeting__team__name", "source")
        .annotate(answers=Count("pk"), **counts)
        .order_by("meeting__concern__family__municipality__name", "meeting__team__name", "source")
    )
    sources = dict(Feedback.Source.choices)
    return [
        {
            "municipality": r["meeting__concern__family__municipality__name"],
            "team": r["meeting__team__name"] or "",
            "source": r["source"],
            "source_label": sources[r["source"]],
            "answers": r["answers"],
            "questions": [
                {"question": q, **{a: r[f"{q}_{a}"] for a in Answer.values}} for q in QUESTIONS
            ],
        }
        for r in rows
    ]


def feedback_comments(user, *, start: date, end: date) -> list[dict]:
    """The free-text answers, for a coordinator (own municipality) or the
    system administrator: the text, who gave it (family or worker), the
    month and the municipality, never the family or the meeting."""
    if not _reads_feedback(user):
        return []
    return list(
        _in_period(user, start, end)
        .exclude(comment="")
        .order_by("-created_at")
        .values("source", "comment", "created_at", "meeting__concern__family__municipality__name")
    )
