"""Giving feedback on a held meeting: once by the family, once by each
worker who took part."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.errors import Conflict
from yhdessa.feedback.models import Feedback
from yhdessa.meetings.models import Meeting
from yhdessa.privacy import identity_code_errors

QUESTIONS = ("heard", "helped", "right_expertise")
COMMENT_MAX = Feedback._meta.get_field("comment").max_length


def feedback_errors(answers: dict[str, str], comment: str) -> dict[str, str]:
    """Every problem at once, by field, in the reader's language."""
    errors = {
        q: _("Valitse vastaus.") for q in QUESTIONS if answers.get(q) not in Feedback.Answer.values
    }
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("Palaute on liian pitkä (enintään %(n)d merkkiä).") % {
            "n": COMMENT_MAX
        }
    errors.update(identity_code_errors(comment=comment))
    return errors


def _lock_held(meeting: Meeting) -> Meeting:
    # The meeting's row orders two answers sent at once; the unique
    # constraints keep one in any case.
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status != Meeting.Status.HELD:
        raise Conflict(_("Palautetta annetaan pidetystä tapaamisesta."))
    return locked


def _give(*, locked: Meeting, source: str, professional_id, answers, comment: str) -> Feedback:
    comment = (comment or "").strip()
    errors = feedback_errors(answers, comment)
    if errors:
        raise ValidationError(errors)
    mine = Feedback.objects.filter(meeting=locked, source=source)
    if source == Feedback.Source.WORKER:
        mine = mine.filter(professional_id=professional_id)
    if mine.exists():
        raise Conflict(_("Palaute tästä tapaamisesta on jo annettu. Kiitos!"))
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                meeting=locked,
                source=source,
                professional_id=professional_id,
                comment=comment,
                **{q: answers[q] for q in QUESTIONS},
            )
    except IntegrityError as error:
        raise Conflict(_("Palaute tästä tapaamisesta on jo annettu. Kiitos!")) from error


@transaction.atomic
def give_family_feedback(
    *, meeting: Meeting, answers: dict[str, str], comment: str = ""
) -> Feedback:
    """The family's feedback from its own page (the caller has opened the
    family's link and checked that the meeting is the family's)."""
    return _give(
        locked=_lock_held(meeting),
        source=Feedback.Source.FAMILY,
        professional_id=None,
        answers=answers,
        comment=comment,
    )


@transaction.atomic
def give_worker_feedback(
    *, actor: User, meeting: Meeting, answers: dict[str, str], comment: str = ""
) -> Feedback:
    """A worker who took part answers the same questions after the meeting."""
    # Locked first, so that "took part in the held meeting" is read from the
    # row as it stands.
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    professional = access.require_took_part(actor, locked)
    return _give(
        locked=locked,
        source=Feedback.Source.WORKER,
        professional_id=professional.pk,
        answers=answers,
        comment=comment,
    )


@transaction.atomic
def give_family_feedback_in_room(
    *, actor: User, meeting: Meeting, answers: dict[str, str], comment: str = ""
) -> Feedback:
    """The family answers on the meeting room's screen, handed to it at the
    end of the meeting (the handbook's "arvioidaan yhdessä"): the convener's
    session, the family's answers, counted as the family's one feedback."""
    access.require_convener(actor, meeting)
    return give_family_feedback(meeting=meeting, answers=answers, comment=comment)
