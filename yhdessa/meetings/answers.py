"""Invitees' answers (accept, decline, propose another time) and substitutes.

An invitee answers from the signed link in their message without logging
in, or in the app. The link is signed with the site's secret key (it cannot
be guessed or altered), names one invitation, and expires: after
ANSWER_LINK_DAYS, and whenever the meeting is no longer ahead. A decline
tells the convener at once and the meeting page offers substitutes with the
same expertise who are free then; inviting one is one click.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.errors import Conflict
from yhdessa.families.services import refuse_if_not_open
from yhdessa.formats import day_and_time, time_of_day
from yhdessa.meetings.messages import meeting_url, queue_convener_notice, queue_people_change
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.meetings.queries import invitable_professionals
from yhdessa.network.models import Professional
from yhdessa.privacy import check_no_identity_codes, identity_code_errors

NOTE_MAX_LENGTH = Invitation._meta.get_field("answer_note").max_length
Answer = Invitation.Answer


def open_for_answers(meeting: Meeting, now: datetime | None = None) -> bool:
    return meeting.status == Meeting.Status.SCHEDULED and meeting.starts_at > (
        now or timezone.now()
    )


@transaction.atomic
def answer_invitation(
    *,
    invitation: Invitation,
    answer: str,
    note: str = "",
    proposed_starts_at: datetime | None = None,
    seen_sequence: int | None = None,
    now: datetime | None = None,
) -> Invitation:
    """Record an invitee's answer. The same answer again changes nothing and
    tells nobody twice; an answer to a version of the meeting since changed
    (``seen_sequence``) is refused."""
    now = now or timezone.now()
    note = (note or "").strip()
    errors = {}
    if answer not in Answer.values:
        errors["answer"] = _("Valitse vastaus.")
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Viesti on liian pitkä (enintään %(n)d merkkiä).") % {
            "n": NOTE_MAX_LENGTH
        }
    errors.update(identity_code_errors(note=note))
    if answer == Answer.PROPOSED:
        if proposed_starts_at is None:
            errors["proposed_starts_at"] = _("Kerro, mikä aika sopisi.")
        elif proposed_starts_at <= now:
            errors["proposed_starts_at"] = _("Ehdota tulevaa aikaa.")
        elif proposed_starts_at > now + timedelta(days=366):
            errors["proposed_starts_at"] = _("Ehdota aikaa vuoden sisällä.")
    else:
        proposed_starts_at = None
    if errors:
        raise ValidationError(errors)
    check_no_identity_codes(note=note)
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not open_for_answers(meeting, now):
        raise Conflict(_("Tapaamiseen ei voi enää vastata: se on peruttu, pidetty tai jo alkanut."))
    if invitation.status == Invitation.Status.WITHDRAWN:
        raise Conflict(_("Tilallesi on jo kutsuttu toinen asiantuntija."))
    if seen_sequence is not None and seen_sequence != meeting.sequence:
        raise Conflict(
            _("Tapaamisen aika tai paikka on muuttunut. Katso uudet tiedot ja vastaa uudelleen.")
        )
    unchanged = (
        invitation.answer == answer
        and invitation.answer_note == note
        and invitation.proposed_starts_at == proposed_starts_at
    )
    if unchanged:
        return invitation
    invitation.answer = answer
    invitation.answer_note = note
    invitation.proposed_starts_at = proposed_starts_at
    invitation.answered_at = now
    invitation.save(update_fields=["answer", "answer_note", "proposed_starts_at", "answered_at"])
    if answer in (Answer.DECLINED, Answer.PROPOSED):
        _tell_convener(meeting, invitation)
    return invitation


def _tell_convener(meeting: Meeting, invitation: Invitation) -> None:
    """The convener hears of a decline or a proposal at once, in their language."""
    name = invitation.professional.name

    def texts():
        when = timezone.localtime(meeting.starts_at)
        values = {
            "name": name,
            "date": formats.date_format(when, "SHORT_DATE_FORMAT"),
            "time": time_of_day(when),
        }
        lines = [_("Hei %(name)s,") % {"name": meeting.convener.name}, ""]
        if invitation.answer == Answer.DECLINED:
            subject = _("Ei pääse: %(name)s, %(date)s %(time)s") % values
            lines += [
                _("%(name)s ei pääse Yhdessä aikaan %(when)s.")
                % {"name": name, "when": day_and_time(meeting.starts_at)},
                _(
                    "Tapaamisen sivulla näet samaa osaamista olevat, jotka ovat silloin "
                    "vapaina, ja voit kutsua sijaisen yhdellä painalluksella."
                ),
            ]
        else:
            subject = _("Toinen aika ehdotettu: %(name)s, %(date)s %(time)s") % values
            lines.append(
                _("%(name)s ehdottaa toista aikaa: %(proposed)s (nyt %(when)s).")
                % {
                    "name": name,
                    "proposed": day_and_time(invitation.proposed_starts_at),
                    "when": day_and_time(meeting.starts_at),
                }
            )
        if invitation.answer_note:
            lines += ["", _("Viesti: %(note)s") % {"note": invitation.answer_note}]
        return subject, [*lines, "", meeting_url(meeting)]

    queue_convener_notice(
        meeting,
        key=(
            f"answer:{invitation.pk}:seq{meeting.sequence}:{invitation.answer}:"
            f"{invitation.answered_at.isoformat()}"
        ),
        texts=texts,
    )


def my_invitation(user: User, meeting: Meeting) -> Invitation | None:
    """The signed-in professional's own invitation to the meeting."""
    me = access.acting_professional(user)
    if me is None:
        return None
    return meeting.invitations.filter(professional=me).first()


def answer_in_app(*, actor: User, meeting: Meeting, **answer) -> Invitation:
    invitation = my_invitation(actor, meeting)
    if invitation is None:
        raise Conflict(_("Sinua ei ole kutsuttu tähän tapaamiseen."))
    return answer_invitation(invitation=invitation, **answer)


def substitutes(meeting: Meeting, invitation: Invitation) -> list[tuple[Professional, list[str]]]:
    """Who could come instead of a declined invitee: people the convener may
    invite who share the invited expertise (or any of the invitee's), are not
    invited yet, and are free at the meeting's time. Most shared first."""
    from yhdessa.scheduling.availability import free_people

    wanted = (
        {invitation.expertise.code}
        if invitation.expertise_id
        else {e.code for e in invitation.professional.expertise.all()}
    )
    taken = {meeting.convener_id, *meeting.invitations.values_list("professional_id", flat=True)}
    candidates = [
        p
        for p in invitable_professionals(concern=meeting.concern, team=meeting.team)
        if p.pk not in taken and wanted & {e.code for e in p.expertise.all()}
    ]
    free = free_people(
        [p.pk for p in candidates],
        start=meeting.starts_at,
        end=meeting.ends_at,
        exclude_meeting=meeting.pk,
    )
    rows = [
        (p, [e.name for e in p.expertise.all() if e.code in wanted])
        for p in candidates
        if p.pk in free
    ]
    return sorted(rows, key=lambda row: (-len(row[1]), row[0].name))


@transaction.atomic
def invite_substitute(
    *, actor: User, meeting: Meeting, invitation_id: int, professional_id: int
) -> Invitation:
    """Invite a substitute for a declined invitee: they get the invitation,
    everyone else (and the family) the updated list."""
    access.require_convener(actor, meeting)
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("concern", "team")
        .get(pk=meeting.pk)
    )
    if not open_for_answers(meeting):
        raise Conflict(_("Sijaisen voi kutsua vain tulevaan, sovittuun tapaamiseen."))
    # After a withdrawal nothing more reaches the family, nor is anyone invited.
    refuse_if_not_open(meeting.concern_id)
    declined = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("professional", "expertise")
        .filter(pk=invitation_id, meeting=meeting)
        .first()
    )
    if declined is None:
        raise ValidationError({"invitation": _("Kutsuttua ei löydy tästä tapaamisesta.")})
    if declined.status == Invitation.Status.WITHDRAWN:
        # Sent twice (a double click): the first substitute stands.
        existing = declined.substitutes.select_related("professional").first()
        if existing is not None and existing.professional_id == professional_id:
            return existing
        raise Conflict(_("Tälle kutsutulle on jo kutsuttu sijainen."))
    if declined.answer != Answer.DECLINED:
        raise Conflict(_("Sijaisen voi kutsua vain sille, joka ei pääse."))
    offered = {p.pk: p for p, _names in substitutes(meeting, declined)}
    if professional_id not in offered:
        raise ValidationError(
            {"professional": _("Sijaisen pitää olla samaa osaamista ja vapaana tapaamisen aikaan.")}
        )
    declined.status = Invitation.Status.WITHDRAWN
    declined.save(update_fields=["status"])
    substitute = Invitation.objects.create(
        meeting=meeting,
        professional=offered[professional_id],
        expertise=declined.expertise,
        replaces=declined,
    )
    Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    meeting.refresh_from_db()
    queue_people_change(meeting, substitute)
    return substitute
