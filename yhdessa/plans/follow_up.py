"""The lead professional's work after the meeting: keeping contact with the
family, sharing the plan with the family's consent, handing the lead over
to a colleague and closing the family's Yhdessä aika with its outcome."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.errors import Conflict, IdentifyingDataFound
from yhdessa.families.links import family_address
from yhdessa.families.models import Concern, Family
from yhdessa.families.services import close_concern
from yhdessa.meetings.messages import queue_professional_notice
from yhdessa.network.models import Organisation, Professional
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import queue_message
from yhdessa.notify.sms import fit_sms
from yhdessa.plans.models import FollowUpContact, JointPlan, PlanShare
from yhdessa.privacy import identifying_data_warnings, identity_code_errors

NOTE_MAX_LENGTH = FollowUpContact._meta.get_field("note").max_length
# The outcomes a lead chooses from when the family's Yhdessä aika ends.
OUTCOMES = [
    Concern.CloseReason.EVERYDAY_SMOOTH,
    Concern.CloseReason.IN_SERVICE,
    Concern.CloseReason.PLAN_COMPLETED,
    Concern.CloseReason.MOVED_AWAY,
    Concern.CloseReason.DECLINED,
    Concern.CloseReason.OTHER,
]
NOT_OPEN = gettext_lazy(
    "Perheen Yhdessä aika on päättynyt tai perhe on perunut suostumuksensa: seurantaa ei enää "
    "kirjata."
)


def _lock_as_lead(actor: User, plan: JointPlan) -> tuple[JointPlan, Professional]:
    """The plan locked for this transaction, read afresh, the actor one of
    its leads, and the family's Yhdessä aika still open."""
    lead = access.require_lead(actor, plan)
    locked = (
        JointPlan.objects.select_for_update(of=("self",))
        .select_related("meeting__concern__family")
        .get(pk=plan.pk)
    )
    if not locked.lead_professionals.filter(pk=lead.pk).exists():
        raise Conflict(_("Et ole enää perheen vastuutyöntekijä."))
    _lock_open_concern(locked)
    return locked, lead


def _lock_open_concern(plan: JointPlan) -> None:
    """The concern's row locked and read afresh: a withdrawal of consent (or
    a closing) committed meanwhile is seen here, and one sent now waits for
    this transaction, so no message to the family is left after it."""
    concern = Concern.objects.select_for_update().get(pk=plan.meeting.concern_id)
    if not concern.is_open:
        raise Conflict(str(NOT_OPEN))
    plan.meeting.concern = concern


def check_next_contact(next_contact, *, today: date) -> str:
    if not isinstance(next_contact, date):
        return _("Anna seuraavan yhteydenoton päivä.")
    if next_contact < today:
        return _("Seuraava yhteydenotto ei voi olla menneisyydessä.")
    if (next_contact - today).days > 366:
        return _("Seuraava yhteydenotto on yli vuoden päässä.")
    return ""


@transaction.atomic
def log_contact(
    *,
    actor: User,
    plan: JointPlan,
    on: date | None,
    how: str,
    note: str = "",
    next_contact: date | None,
    confirm_identifying: bool = False,
) -> FollowUpContact:
    """The lead records a contact with the family and the next one agreed.
    The note is short and holds no identifying data (identity codes are
    refused, other identifying data asked about)."""
    today = timezone.localdate()
    note = (note or "").replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    if not isinstance(on, date):
        errors["on"] = _("Anna yhteydenoton päivä.")
    elif on > today:
        errors["on"] = _("Yhteydenoton päivä ei voi olla tulevaisuudessa.")
    elif (today - on).days > 366:
        errors["on"] = _("Yhteydenotto on yli vuoden takaa.")
    if how not in FollowUpContact.How.values:
        errors["how"] = _("Valitse, miten olitte yhteydessä.")
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Teksti on liian pitkä (enintään %(n)d merkkiä).") % {
            "n": NOTE_MAX_LENGTH
        }
    errors.update(identity_code_errors(note=note))
    if problem := check_next_contact(next_contact, today=today):
        errors["next_contact"] = problem
    locked, lead = _lock_as_lead(actor, plan)
    if errors:
        raise ValidationError(errors)
    warnings = [] if confirm_identifying else identifying_data_warnings([note])
    if warnings:
        raise IdentifyingDataFound(warnings)
    contact = FollowUpContact.objects.create(
        plan=locked, on=on, how=how, note=note, professional=lead
    )
    locked.next_contact = next_contact
    locked.save(update_fields=["next_contact", "updated_at"])
    return contact


def handover_candidates(plan: JointPlan) -> list[Professional]:
    """Who can take the lead over: an active professional of a public
    service in the family's municipality, not already a lead."""
    family = plan.meeting.concern.family
    return list(
        Professional.objects.select_related("organisation")
        .filter(
            is_active=True,
            municipality_id=family.municipality_id,
            organisation__sector__in=Organisation.PUBLIC_SECTORS,
        )
        .exclude(pk__in=plan.lead_professionals.values("pk"))
        .order_by("name")
    )


@transaction.atomic
def hand_over_lead(*, actor: User, plan: JointPlan, to_id: int | None) -> JointPlan:
    """The lead hands the family over to a colleague (e.g. on leaving). The
    colleague and the family are told; the family hears the new name and
    that its plan and agreements stay as they are."""
    locked, lead = _lock_as_lead(actor, plan)
    new_lead = next((p for p in handover_candidates(locked) if p.pk == to_id), None)
    if new_lead is None:
        raise ValidationError(
            {
                "to": _(
                    "Valitse uusi vastuutyöntekijä: perheen kunnan aktiivinen ammattilainen "
                    "julkisesta palvelusta, joka ei vielä ole perheen vastuutyöntekijä."
                )
            }
        )
    locked.lead_professionals.remove(lead)
    locked.lead_professionals.add(new_lead)
    locked.save(update_fields=["updated_at"])
    _tell_of_handover(locked, lead, new_lead)
    return locked


def _tell_of_handover(plan: JointPlan, old: Professional, new: Professional) -> None:
    family = plan.meeting.concern.family
    key = f"lead:{plan.pk}:{old.pk}:{new.pk}:{timezone.now():%Y%m%d%H%M%S%f}"
    address = family_address(family)
    if address is not None:
        channel, recipient = address
        with override(family.language):
            subject = _("Vastuutyöntekijänne vaihtuu")
            body = _(
                "Hei,\n\nvastuutyöntekijänne Yhdessä ajan jälkeen on nyt %(new)s (%(org)s). "
                "%(old)s ei enää jatka. Yhteinen suunnitelmanne ja sovitut asiat pysyvät "
                "ennallaan. Uusi vastuutyöntekijä on teihin yhteydessä sovitusti.\n\n"
                "Ystävällisin terveisin\n%(old)s"
            ) % {"new": new.name, "org": new.organisation.local_name, "old": old.name}
            if channel == Family.MessageChannel.SMS:
                # One SMS, however long the names (cut on a word, never over the limit).
                body = fit_sms(
                    _(
                        "Vastuutyöntekijänne on nyt %(new)s (%(org)s). Suunnitelmanne pysyy "
                        "ennallaan. T. %(old)s"
                    )
                    % {"new": new.name, "org": new.organisation.local_name, "old": old.name}
                )
        queue_message(
            channel=channel,
            kind=OutboxMessage.Kind.NOTICE,
            recipient=recipient,
            language=family.language,
            subject=subject,
            body=body,
            idempotency_key=key + ":family",
            meeting_id=plan.meeting_id,
            to_family=True,
        )
    queue_professional_notice(
        plan.meeting,
        new,
        key=key + ":lead",
        texts=lambda: (
            _("Sinut on nimetty perheen vastuutyöntekijäksi"),
            [
                _(
                    "Hei %(new)s,\n\n%(old)s antoi sinulle perheen %(family)s "
                    "vastuutyöntekijyyden. Perheelle on kerrottu. Yhteinen suunnitelma ja "
                    "seuraava yhteydenotto (%(next)s) ovat Yhdessä-palvelussa:\n%(url)s\n"
                )
                % {
                    "new": new.name,
                    "old": old.name,
                    "family": family.alias,
                    "next": plan.next_contact.strftime("%d.%m.%Y"),
                    "url": _plan_url(plan),
                }
            ],
        ),
    )


def _plan_url(plan: JointPlan) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("plans:view", args=[plan.meeting_id])


def share_candidates(plan: JointPlan) -> list[Professional]:
    """Whom the plan can be shared with: active professionals of the
    family's municipality who cannot read it yet."""
    meeting = plan.meeting
    at_table = set(meeting.invitations.values_list("professional_id", flat=True))
    at_table |= {meeting.convener_id, *plan.lead_professionals.values_list("pk", flat=True)}
    at_table |= set(plan.shares.values_list("professional_id", flat=True))
    return list(
        Professional.objects.select_related("organisation")
        .filter(is_active=True, municipality_id=meeting.concern.family.municipality_id)
        .exclude(pk__in=at_table)
        .order_by("name")
    )


@transaction.atomic
def share_plan(
    *, actor: User, plan: JointPlan, professional_id: int | None, family_consents: bool
) -> PlanShare:
    """With the family's consent to whom, the lead (or the convener) lets one
    professional outside the meeting read the plan; they are told by email."""
    errors: dict[str, str] = {}
    if family_consents is not True:
        errors["family_consents"] = _(
            "Suunnitelman saa jakaa vain perheen luvalla: kysy perheeltä ja merkitse lupa."
        )
    access.require_may_share_plan(actor, plan)
    locked = (
        JointPlan.objects.select_for_update(of=("self",))
        .select_related("meeting__concern__family")
        .get(pk=plan.pk)
    )
    _lock_open_concern(locked)
    person = next((p for p in share_candidates(locked) if p.pk == professional_id), None)
    if (
        person is None
        and PlanShare.objects.filter(plan=locked, professional_id=professional_id).exists()
    ):
        raise Conflict(_("Suunnitelma on jo jaettu hänelle."))
    if person is None:
        errors["professional"] = _(
            "Valitse perheen kunnan aktiivinen ammattilainen, joka ei vielä näe suunnitelmaa."
        )
    if errors:
        raise ValidationError(errors)
    share = PlanShare.objects.create(plan=locked, professional=person, recorded_by=actor)
    queue_professional_notice(
        plan.meeting,
        person,
        key=f"share:{share.pk}",
        texts=lambda: (
            _("Perhe jakoi kanssasi yhteisen suunnitelman"),
            [
                _(
                    "Hei %(name)s,\n\nperhe %(family)s antoi luvan, että näet sen Yhdessä "
                    "ajan yhteisen suunnitelman. Suunnitelma on Yhdessä-palvelussa:\n%(url)s\n"
                )
                % {
                    "name": person.name,
                    "family": plan.meeting.concern.family.alias,
                    "url": _plan_url(plan),
                }
            ],
        ),
    )
    return share


@transaction.atomic
def unshare_plan(*, actor: User, plan: JointPlan, share_id: int | None) -> None:
    """The family takes its consent back: the professional no longer reads the plan."""
    access.require_may_share_plan(actor, plan)
    deleted, _rows = PlanShare.objects.filter(plan=plan, pk=share_id).delete()
    if not deleted:
        raise Conflict(_("Lupa on jo peruttu tai sitä ei löydy."))


def close_outcome_errors(outcome: str) -> dict[str, str]:
    if outcome not in [str(o) for o in OUTCOMES]:
        return {"outcome": _("Valitse, miten perheen Yhdessä aika päättyy.")}
    return {}


def close_with_outcome(*, actor: User, plan: JointPlan, outcome: str, note: str = "") -> Concern:
    """The family's Yhdessä aika ends with its outcome: the family leaves the
    lead's worklist, and the retention clocks start from this moment."""
    errors = close_outcome_errors(outcome)
    if errors:
        raise ValidationError(errors)
    return close_concern(actor=actor, concern=plan.meeting.concern, reason=outcome, note=note)


class WorklistState(models.TextChoices):
    """Where a family's next contact stands on the lead's worklist."""

    OVERDUE = "overdue", gettext_lazy("myöhässä")
    TODAY = "today", gettext_lazy("tänään")
    SOON = "soon", gettext_lazy("viikon sisällä")
    LATER = "later", gettext_lazy("myöhemmin")


def worklist_state(plan: JointPlan, today: date) -> WorklistState:
    if plan.next_contact < today:
        return WorklistState.OVERDUE
    if plan.next_contact == today:
        return WorklistState.TODAY
    if plan.next_contact <= today + timedelta(days=7):
        return WorklistState.SOON
    return WorklistState.LATER
