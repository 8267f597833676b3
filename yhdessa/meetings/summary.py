"""A short summary of a held meeting and its plan, for each participant to
take into their own organisation's client system ("kukin kirjaa omaan
järjestelmäänsä"): plain text to paste, and the same as a PDF."""

from django.template.loader import render_to_string
from django.utils import timezone

from yhdessa import access
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.plans.pdf import render_pdf
from yhdessa.plans.review import review_state


def summary_context(meeting: Meeting) -> dict:
    plan = access.plan_queryset().filter(meeting=meeting).first()
    attended = [i for i in meeting.invitations.all() if i.status == Invitation.Status.ATTENDED]
    return {
        "meeting": meeting,
        "family": meeting.concern.family,
        "attended": attended,
        "notes": [n for n in meeting.star_notes.all() if n.strengths or n.concerns],
        "sheet": getattr(meeting, "run_sheet", None),
        "plan": plan,
        "actions": list(plan.actions.all()) if plan else [],
        "leads": list(plan.lead_professionals.all()) if plan else [],
        "review": review_state(meeting) if meeting.is_follow_up else None,
        "printed": timezone.localdate(),
    }


def summary_text(meeting: Meeting) -> str:
    text = render_to_string("meetings/summary.txt", summary_context(meeting))
    # The template's blank lines from its tags: at most one empty line in a row.
    lines, blank = [], False
    for line in text.splitlines():
        line = line.rstrip()
        if not line:
            if not blank and lines:
                lines.append("")
            blank = True
            continue
        lines.append(line)
        blank = False
    return "\n".join(lines).strip() + "\n"


def summary_pdf(meeting: Meeting) -> bytes:
    return render_pdf(
        "meetings/summary_document.html", {"text": summary_text(meeting), "meeting": meeting}
    )
