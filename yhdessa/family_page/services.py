"""What the family does on its own page: answers an invitation."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from yhdessa.errors import Conflict
from yhdessa.formats import time_of_day
from yhdessa.meetings.messages import queue_convener_notice
from yhdessa.meetings.models import Meeting
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import queue_message
from yhdessa.privacy import identity_code_errors

NOTE_MAX = Meeting._meta.get_field("family_answer_note").max_length


@transaction.atomic
def answer_invitation(
    *, meeting: Meeting, answer: str, note: str = "", now: datetime | None = None
) -> Meeting:
    """The family says whether it comes ("tulemme") or needs another time
    (with a note). The caller has opened the family's link and checked that
    the meeting is the family's. A family that needs another time is told to
    the convener at once; the same answer twice changes nothing."""
    now = now or timezone.now()
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if answer not in Meeting.FamilyAnswer.values:
        errors["answer"] = _("Valitse, tuletteko vai tarvitsetteko toisen ajan.")
    if len(note) > NOTE_MAX:
        errors["note"] = _("Viesti on liian pitkä (enintään %(n)d merkkiä).") % {"n": NOTE_MAX}
    errors.update(identity_code_errors(note=note))
    if errors:
        raise ValidationError(errors)
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("concern__family", "convener__user")
        .get(pk=meeting.pk)
    )
    if locked.concern.consent_withdrawn_at is not None:
        raise Conflict(_("Tämä asia on päättynyt: kutsuun ei voi enää vastata."))
    if locked.status != Meeting.Status.SCHEDULED or locked.starts_at <= now:
        raise Conflict(_("Tähän tapaamiseen ei voi enää vastata."))
    if (locked.family_answer, locked.family_answer_note) == (answer, note):
        return locked
    locked.family_answer, locked.family_answer_note = answer, note
    locked.family_answered_at = now
    locked.save(update_fields=["family_answer", "family_answer_note", "family_answered_at"])
    if answer == Meeting.FamilyAnswer.OTHER_TIME:
        _tell_convener(locked)
    return locked


def _tell_convener(meeting: Meeting) -> None:
    family = meeting.concern.family

    def texts():
        when = timezone.localtime(meeting.starts_at)
        date = formats.date_format(when, "SHORT_DATE_FORMAT")
        subject = _("Perhe tarvitsee toisen ajan: %(family)s %(date)s") % {
            "family": family.alias,
            "date": date,
        }
        lines = [
            _("Hei %(name)s,") % {"name": meeting.convener.name},
            "",
            _(
                "Perhe %(family)s vastasi kutsuun omalla sivullaan: aika %(date)s %(time)s "
                "ei sovi, perhe tarvitsee toisen ajan."
            )
            % {"family": family.alias, "date": date, "time": time_of_day(when)},
        ]
        if meeting.family_answer_note:
            lines += ["", _("Perheen viesti: %(note)s") % {"note": meeting.family_answer_note}]
        lines += [
            "",
            _("Siirrä tapaaminen: %(url)s")
            % {
                "url": settings.SITE_URL.rstrip("/")
                + reverse("meetings:reschedule", args=[meeting.pk])
            },
        ]
        return subject, lines

    queue_convener_notice(
        meeting,
        key=f"family-answer:{meeting.pk}:{meeting.family_answered_at.isoformat()}",
        texts=texts,
    )


@transaction.atomic
def send_accessibility_feedback(*, message: str, email: str = "", key: str) -> None:
    """Feedback on the service's accessibility reaches the people who
    answer it (ACCESSIBILITY_FEEDBACK_EMAIL) through the outbox."""
    message, email = (message or "").strip(), (email or "").strip()
    errors = {}
    if not message:
        errors["message"] = _("Kertokaa lyhyesti, mikä ei toiminut.")
    errors.update(identity_code_errors(message=message))
    if errors:
        raise ValidationError(errors)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Saavutettavuuspalaute")
        body = message + (
            "\n\n" + _("Vastausosoite: %(email)s") % {"email": email} if email else ""
        )
    queue_message(
        kind=OutboxMessage.Kind.NOTICE,
        recipient=settings.ACCESSIBILITY_FEEDBACK_EMAIL,
        language=settings.LANGUAGE_CODE,
        subject=subject,
        body=body,
        idempotency_key=f"accessibility:{key}",
    )
