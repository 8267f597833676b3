"""Raising a concern with a family, closing it, and the family withdrawing its consent."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.errors import Conflict
from yhdessa.families.links import revoke_all
from yhdessa.families.models import Concern, ConcernTopic, Family
from yhdessa.network.models import FamilyCentreArea
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import withdraw_keyed, withdraw_waiting
from yhdessa.privacy import identity_code_errors, normalise_phone_number

MAX_CHILDREN = 12
# Each length is stated once, by the model field; the forms, these checks
# and the API read it from there.
ALIAS_MAX = Family._meta.get_field("alias").max_length
EMAIL_MAX = Family._meta.get_field("email").max_length
PHONE_MAX = Family._meta.get_field("phone").max_length
SUMMARY_MAX = Concern._meta.get_field("summary").max_length
CLOSE_NOTE_MAX = Concern._meta.get_field("close_note").max_length


def validate_birth_years(years: list[int]) -> list[int]:
    this_year = timezone.localdate().year
    if not years:
        raise ValidationError(
            {"children_birth_years": _("Anna vähintään yhden lapsen syntymävuosi.")}
        )
    if len(years) > MAX_CHILDREN:
        raise ValidationError(
            {"children_birth_years": _("Enintään %(n)d lasta.") % {"n": MAX_CHILDREN}}
        )
    for year in years:
        # Up to 29-year-olds (youth services), and next year for an expected child.
        if not isinstance(year, int) or not (this_year - 29 <= year <= this_year + 1):
            raise ValidationError(
                {
                    "children_birth_years": _(
                        "Syntymävuoden pitää olla vuosien %(low)d ja %(high)d välillä."
                    )
                    % {"low": this_year - 29, "high": this_year + 1}
                }
            )
    return sorted(years)


@dataclass
class ConcernInput:
    """A concern's input as checked: every error by field, and the clean values."""

    errors: dict[str, str] = field(default_factory=dict)
    alias: str = ""
    years: list[int] = field(default_factory=list)
    email: str = ""
    phone: str = ""
    summary: str = ""
    topics: list[ConcernTopic] = field(default_factory=list)
    area: FamilyCentreArea | None = None


def check_concern_input(
    *,
    municipality_id: int,
    alias: str,
    children_birth_years: list[int],
    email: str,
    phone: str,
    language: str,
    channel: str,
    topic_codes: list[str],
    summary: str,
    consent: bool,
    area_id: int | None = None,
    message_channel: str = Family.MessageChannel.EMAIL,
) -> ConcernInput:
    """Check everything at once, so that the page can show every error next
    to its field in one go (and the API name them all in one answer)."""
    result = ConcernInput()
    errors = result.errors
    alias, summary = (alias or "").strip(), (summary or "").strip()
    email, phone = (email or "").strip(), (phone or "").strip()
    if consent is not True:
        errors["consent"] = _(
            "Ilman perheen suostumusta huolta ei kirjata eikä Yhdessä aikaa kutsuta koolle."
        )
    if not alias:
        errors["alias"] = _("Anna perheelle tunnus, esim. ”Perhe K”.")
    elif len(alias) > ALIAS_MAX:
        errors["alias"] = _("Tunnus on liian pitkä (enintään %(n)d merkkiä).") % {"n": ALIAS_MAX}
    if not summary:
        errors["summary"] = _("Kirjoita lyhyt kuvaus huolesta.")
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = _("Kuvaus on liian pitkä (enintään %(n)d merkkiä).") % {
            "n": SUMMARY_MAX
        }
    if channel not in Concern.Channel.values:
        errors["channel"] = _("Valitse yhteydenottotapa.")
    if language not in Family.Language.values:
        errors["language"] = _("Valitse kieli: suomi, ruotsi tai englanti.")
    if message_channel not in Family.MessageChannel.values:
        errors["message_channel"] = _(
            "Valitse, lähetetäänkö perheelle viestit sähköpostilla vai tekstiviestillä."
        )
    elif message_channel == Family.MessageChannel.SMS and not phone:
        errors["phone"] = _("Perhe haluaa viestit tekstiviestillä: kirjoita perheen puhelinnumero.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Sähköpostiosoite ei ole kelvollinen.")
        if len(email) > EMAIL_MAX:
            errors["email"] = _("Sähköpostiosoite on liian pitkä (enintään %(n)d merkkiä).") % {
                "n": EMAIL_MAX
            }
    # An identity code in any text is named as such, whatever else is wrong there.
    errors.update(identity_code_errors(alias=alias, summary=summary, email=email, phone=phone))
    if phone and "phone" not in errors:
        try:
            phone = normalise_phone_number(phone)  # E.164
        except ValidationError as error:
            errors["phone"] = error.messages[0]
    topics = list(ConcernTopic.objects.filter(code__in=set(topic_codes)))
    if not topic_codes:
        errors["topics"] = _("Valitse vähintään yksi aihe.")
    elif len(topics) != len(set(topic_codes)):
        errors["topics"] = _("Tuntematon aihe: %(codes)s.") % {
            "codes": ", ".join(sorted(set(topic_codes) - {t.code for t in topics}))
        }
    try:
        result.years = validate_birth_years(children_birth_years)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if area_id is not None:
        result.area = FamilyCentreArea.objects.filter(
            pk=area_id, municipality_id=municipality_id
        ).first()
        if result.area is None:
            errors["area"] = _("Valitse perhekeskusalue perheen kunnasta.")
    result.alias, result.summary, result.email, result.phone = alias, summary, email, phone
    result.topics = topics
    return result


@transaction.atomic
def raise_concern(
    *,
    actor: User,
    alias: str,
    children_birth_years: list[int],
    email: str = "",
    phone: str = "",
    language: str = "fi",
    channel: str,
    topic_codes: list[str],
    summary: str,
    consent: bool,
    existing_support: bool,
    area_id: int | None = None,
    message_channel: str = Family.MessageChannel.EMAIL,
) -> Concern:
    """Record a concern raised with a family, with the family's consent.
    The family belongs to the convener's municipality, and to one of its
    family centre areas when given."""
    convener = access.require_professional(
        actor, _("Vain verkoston ammattilainen voi kirjata huolen.")
    )
    checked = check_concern_input(
        municipality_id=convener.municipality_id,
        alias=alias,
        children_birth_years=children_birth_years,
        email=email,
        phone=phone,
        language=language,
        channel=channel,
        topic_codes=topic_codes,
        summary=summary,
        consent=consent,
        area_id=area_id,
        message_channel=message_channel,
    )
    if checked.errors:
        raise ValidationError(checked.errors)
    family = Family.objects.create(
        alias=checked.alias,
        children_birth_years=checked.years,
        email=checked.email,
        phone=checked.phone,
        language=language,
        message_channel=message_channel,
        municipality_id=convener.municipality_id,
    )
    concern = Concern.objects.create(
        family=family,
        convener=convener,
        channel=channel,
        summary=checked.summary,
        consent=True,
        existing_support=existing_support,
        area=checked.area,
        created_by=actor,
    )
    concern.topics.set(checked.topics)
    return concern


# ---- the end of the work with a family ----------------------------------------


def _lock(actor: User, concern: Concern) -> Concern:
    """The concern locked for this transaction, after the access check."""
    access.require_may_close_concern(actor, concern)
    return (
        Concern.objects.select_for_update(of=("self",)).select_related("family").get(pk=concern.pk)
    )


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


@transaction.atomic
def close_concern(*, actor: User, concern: Concern, reason: str, note: str = "") -> Concern:
    """The convener (or the coordinator) closes the concern and says why.
    A meeting still scheduled is first cancelled or recorded."""
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if reason not in Concern.CloseReason.values:
        errors["reason"] = _("Valitse syy, miksi huoli suljetaan.")
    elif reason == Concern.CloseReason.OTHER and not note:
        errors["note"] = _("Kerro lyhyesti, miksi huoli suljetaan.")
    if len(note) > CLOSE_NOTE_MAX:
        errors["note"] = _("Lisätieto on liian pitkä (enintään %(n)d merkkiä).") % {
            "n": CLOSE_NOTE_MAX
        }
    errors.update(identity_code_errors(note=note))
    locked = _lock(actor, concern)
    if locked.closed_at is not None:
        raise Conflict(
            _("Huoli on jo suljettu %(date)s. Sitä ei tarvitse sulkea uudelleen.")
            % {"date": _when(locked.closed_at)}
        )
    if errors:
        raise ValidationError(errors)
    # (The meeting model is reached through the relation: families import
    # nothing from the apps above them.)
    scheduled_status = locked.meetings.model.Status.SCHEDULED
    scheduled = (
        locked.meetings.filter(status=scheduled_status).order_by("starts_at").first()
        if locked.consent_withdrawn_at is None
        else None
    )
    if scheduled is not None:
        raise Conflict(
            _(
                "Huolella on sovittu Yhdessä aika %(date)s. Peru se tai kirjaa se pidetyksi "
                "ennen kuin suljet huolen."
            )
            % {"date": _when(scheduled.starts_at)}
        )
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.close_reason = reason
    locked.close_note = note
    locked.save(update_fields=["closed_at", "closed_by", "close_reason", "close_note"])
    _end_open_polls(locked)
    return locked


def _end_open_polls(concern: Concern) -> None:
    """A closed concern or a withdrawn consent ends its open polls: their held
    times are released, and their messages still waiting are never sent.
    (Reached through the relation: families import nothing from scheduling.)"""
    polls = concern.polls.filter(status="open")
    for poll_id in list(polls.values_list("pk", flat=True)):
        withdraw_keyed(key_prefix=f"poll:{poll_id}:")
    polls.update(status="cancelled")


# Never the start of a meeting message's key: withdraw_waiting keeps none of them.
_KEEP_NONE = "consent-withdrawn:"


@transaction.atomic
def withdraw_consent(*, actor: User, concern: Concern) -> Concern:
    """The family withdrew its consent: from now on nobody contacts the
    family about this concern. Messages of its meetings still waiting to be
    sent are withdrawn, and its meetings can no longer be convened, moved or
    send anything. The concern keeps ``consent`` as it was given (a concern
    is only ever raised with consent); the withdrawal is recorded beside it."""
    locked = _lock(actor, concern)
    if locked.consent_withdrawn_at is not None:
        raise Conflict(
            _("Perheen suostumuksen peruminen on jo kirjattu %(date)s.")
            % {"date": _when(locked.consent_withdrawn_at)}
        )
    locked.consent_withdrawn_at = timezone.now()
    locked.consent_withdrawn_by = actor
    locked.save(update_fields=["consent_withdrawn_at", "consent_withdrawn_by"])
    # The family's page closes with it: no link of the family opens anything.
    revoke_all(family=locked.family, actor=actor)
    waiting = OutboxMessage.objects.filter(
        meeting__concern=locked,
        # SENDING too: a try under way may arrive, but is never tried again.
        status__in=[
            OutboxMessage.Status.PENDING,
            OutboxMessage.Status.FAILED,
            OutboxMessage.Status.SENDING,
        ],
    )
    # The outbox's own rule, once per meeting of the concern (a handful at most).
    for meeting_id in set(waiting.values_list("meeting_id", flat=True)):
        withdraw_waiting(meeting_id=meeting_id, keep_prefix=_KEEP_NONE)
    _end_open_polls(locked)
    return locked


def refuse_if_not_open(concern_id: int) -> Concern:
    """For the meetings' writes (convene, move, send): the concern locked,
    refused with a clear message when it is closed or consent was withdrawn.
    Call inside the write's transaction."""
    concern = Concern.objects.select_for_update().get(pk=concern_id)
    if concern.consent_withdrawn_at is not None:
        raise Conflict(
            _(
                "Perhe on perunut suostumuksensa %(date)s: perheeseen ei oteta yhteyttä eikä "
                "tapaamisista lähetetä viestejä."
            )
            % {"date": _when(concern.consent_withdrawn_at)}
        )
    if concern.closed_at is not None:
        raise Conflict(
            _("Huoli on suljettu %(date)s: sille ei kutsuta uusia tapaamisia.")
            % {"date": _when(concern.closed_at)}
        )
    return concern
