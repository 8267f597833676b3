"""A family's own contact and the guidance service's handling of it.

A parent asks for help or for a Yhdessä aika on the public contact page, or
calls the one phone number and the guidance service writes the call down.
Either way the family is stored at once with the minimum, the family is told
what happens next and by when (the municipality's promise in working days),
and the contact waits in the guidance service's inbox until it is handed to
a local worker (who continues to the concern and convening; the family is
told who will call) or closed with a reason.
"""

import hashlib
import hmac
import ipaddress
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.accounts.services import language_of
from yhdessa.errors import Conflict
from yhdessa.families.links import family_address
from yhdessa.families.models import Concern, ConcernTopic, Contact, Family
from yhdessa.network.models import FamilyCentreArea, Municipality, Professional
from yhdessa.network.working_days import add_working_days
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import queue_message
from yhdessa.notify.sms import fit_sms
from yhdessa.privacy import identity_code_errors, normalise_phone_number

NAME_MAX = Family._meta.get_field("alias").max_length
MESSAGE_MAX = Contact._meta.get_field("message").max_length
EMAIL_MAX = Family._meta.get_field("email").max_length
PHONE_MAX = Family._meta.get_field("phone").max_length
CLOSE_NOTE_MAX = Contact._meta.get_field("close_note").max_length
MAX_CHILDREN = 12
MAX_AGE = 18


class TooManyContacts(Exception):
    """The same address sent more contacts than the flood limit allows."""


ContactBy = Contact.ContactBy


def sender_hash(address: str) -> str:
    """A keyed hash of the sender's IP address (of its /64 network for IPv6,
    where one household holds a whole /64): enough to count one sender's
    contacts, never the address itself."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        key = address
    else:
        key = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    return hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()


@dataclass
class ContactInput:
    errors: dict[str, str] = field(default_factory=dict)
    municipality: Municipality | None = None
    area: FamilyCentreArea | None = None
    topics: list[ConcernTopic] = field(default_factory=list)
    phone: str = ""
    birth_years: list[int] = field(default_factory=list)


def check_contact_input(
    *,
    municipality_id: int | None,
    area_id: int | None,
    name: str,
    children_ages: list[int],
    topic_codes: list[str],
    message: str,
    contact_by: str,
    phone: str,
    email: str,
    language: str,
    wants: str,
    consent: bool,
) -> ContactInput:
    """Every problem at once, by field, in words a tired parent understands."""
    result = ContactInput()
    errors = result.errors
    if consent is not True:
        errors["consent"] = _(
            "Tarvitsemme luvan, jotta voimme tallentaa tiedot ja ottaa teihin yhteyttä."
        )
    if not name:
        errors["name"] = _("Kirjoittakaa etunimi tai nimimerkki, jolla voimme puhutella teitä.")
    elif any(unicodedata.category(c).startswith("C") for c in name):
        errors["name"] = _("Kirjoittakaa nimi yhdelle riville, ilman erikoismerkkejä.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Nimi on liian pitkä (enintään %(n)d merkkiä).") % {"n": NAME_MAX}
    if len(message) > MESSAGE_MAX:
        errors["message"] = _("Teksti on liian pitkä (enintään %(n)d merkkiä).") % {
            "n": MESSAGE_MAX
        }
    result.topics = list(ConcernTopic.objects.filter(code__in=set(topic_codes)))
    if len(result.topics) != len(set(topic_codes)):
        errors["topics"] = _("Valitkaa aiheet luettelosta.")
    elif not topic_codes and not message:
        errors["message"] = _("Kertokaa lyhyesti, mikä huolettaa, tai valitkaa aihe.")
    if not children_ages:
        errors["children_ages"] = _("Kertokaa ainakin yhden lapsen ikä.")
    elif len(children_ages) > MAX_CHILDREN:
        errors["children_ages"] = _("Enintään %(n)d lasta.") % {"n": MAX_CHILDREN}
    elif any(not isinstance(a, int) or not 0 <= a <= MAX_AGE for a in children_ages):
        errors["children_ages"] = _("Lapsen iän pitää olla 0–%(n)d vuotta.") % {"n": MAX_AGE}
    else:
        year = timezone.localdate().year
        result.birth_years = sorted(year - age for age in children_ages)
    result.municipality = (
        Municipality.objects.filter(pk=municipality_id).first() if municipality_id else None
    )
    if result.municipality is None:
        errors["municipality"] = _("Valitkaa kuntanne.")
    elif area_id is not None:
        result.area = FamilyCentreArea.objects.filter(
            pk=area_id, municipality=result.municipality
        ).first()
        if result.area is None:
            errors["area"] = _("Valitkaa alue kuntanne alueista, tai jättäkää valitsematta.")
    if contact_by not in ContactBy.values:
        errors["contact_by"] = _("Valitkaa, miten otamme yhteyttä.")
    if contact_by in (ContactBy.PHONE, ContactBy.SMS) and not phone:
        errors["phone"] = _(
            "Kirjoittakaa puhelinnumero, johon voimme soittaa tai lähettää viestin."
        )
    if contact_by == ContactBy.EMAIL and not email:
        errors["email"] = _("Kirjoittakaa sähköpostiosoite, johon voimme vastata.")
    if email:
        try:
            validate_email(email)
            if len(email) > EMAIL_MAX:
                raise ValidationError("too long")
        except ValidationError:
            errors["email"] = _("Sähköpostiosoite ei ole kelvollinen. Tarkistakaa se.")
    if phone:
        try:
            result.phone = normalise_phone_number(phone[: PHONE_MAX * 2])
        except ValidationError as error:
            errors["phone"] = error.messages[0]
    if language not in Family.Language.values:
        errors["language"] = _("Valitkaa kieli.")
    if wants not in Contact.Wants.values:
        errors["wants"] = _("Valitkaa, mitä toivotte.")
    errors.update(identity_code_errors(name=name, message=message))
    return result


@transaction.atomic
def submit_contact(
    *,
    municipality_id: int | None,
    name: str,
    children_ages: list[int],
    message: str = "",
    topic_codes: list[str] = (),
    contact_by: str,
    phone: str = "",
    email: str = "",
    language: str = "fi",
    wants: str = Contact.Wants.HELP,
    consent: bool,
    area_id: int | None = None,
    sender: str = "",
    actor: User | None = None,
    now=None,
) -> Contact:
    """Record a family's contact: from the public page (no actor; ``sender``
    the address, for the flood limit), or a phone call written down by the
    guidance service (``actor``)."""
    now = now or timezone.now()
    name, message = (name or "").strip(), (message or "").strip()
    email, phone = (email or "").strip(), (phone or "").strip()
    checked = check_contact_input(
        municipality_id=municipality_id,
        area_id=area_id,
        name=name,
        children_ages=list(children_ages),
        topic_codes=list(topic_codes),
        message=message,
        contact_by=contact_by,
        phone=phone,
        email=email,
        language=language,
        wants=wants,
        consent=consent,
    )
    if actor is not None and checked.municipality is not None:
        access.require_handles_contacts_of(actor, checked.municipality.pk)
    if checked.errors:
        raise ValidationError(checked.errors)
    hashed = ""
    town = checked.municipality
    if actor is None:
        # The municipality's row orders contacts sent at the same moment, so
        # that the count below sees every one of them.
        Municipality.objects.select_for_update().filter(pk=town.pk).first()
        hashed = sender_hash(sender)
        window = now - timedelta(seconds=settings.CONTACT_RATE_WINDOW_SECONDS)
        recent = Contact.objects.filter(sender_hash=hashed, created_at__gte=window).count()
        if recent >= settings.CONTACT_RATE_LIMIT:
            raise TooManyContacts
    wants_sms = contact_by in (ContactBy.SMS, ContactBy.PHONE)
    family = Family.objects.create(
        alias=name,
        children_birth_years=checked.birth_years,
        email=email,
        phone=checked.phone,
        language=language,
        message_channel=Family.MessageChannel.SMS if wants_sms else Family.MessageChannel.EMAIL,
        municipality=town,
    )
    contact = Contact.objects.create(
        family=family,
        channel=Concern.Channel.PHONE if actor else Concern.Channel.ELECTRONIC,
        wants=wants,
        contact_by=contact_by,
        area=checked.area,
        message=message,
        consent=True,
        recorded_by=actor,
        due_on=add_working_days(timezone.localdate(now), town.contact_promise_working_days),
        sender_hash=hashed,
    )
    contact.topics.set(checked.topics)
    # Not the name the sender typed: the page is public, and the message goes
    # to whatever number it was given. One confirmation a day per address.
    _tell_family(
        contact,
        key=f"received:{checked.phone or email}:{timezone.localdate(now).isoformat()}",
        text=gettext_lazy(
            "Hei, kiitos yhteydenotostanne perhekeskukseen. Otamme teihin yhteyttä viimeistään "
            "%(date)s. Jos tilanne on kiireellinen, soittakaa 112."
        ),
    )
    return contact


def promise_text(contact: Contact) -> str:
    return formats.date_format(contact.due_on, "l j.n.Y")


def _tell_family(contact: Contact, *, key: str, text: str, extra: dict | None = None) -> None:
    """A short message to the family by its own channel, in its language."""
    family = contact.family
    address = family_address(family)
    if address is None:
        return
    channel, recipient = address
    with translation.override(family.language):
        body = str(text) % {"name": family.alias, "date": promise_text(contact), **(extra or {})}
        subject = _("Yhteydenottonne perhekeskukseen")
    if channel == Family.MessageChannel.SMS:
        body = fit_sms(body)
    queue_message(
        channel=channel,
        kind=OutboxMessage.Kind.CONTACT,
        recipient=recipient,
        language=family.language,
        subject=subject,
        body=body,
        idempotency_key=key if key.startswith("received:") else f"contact:{contact.pk}:{key}",
        to_family=True,
        family_id=family.pk,
    )


def reachable_workers(municipality_id: int):
    """Whom a contact may be handed to: active professionals of the
    municipality who log in and have an email (they are told, and open the
    family's concern)."""
    return Professional.objects.filter(
        municipality_id=municipality_id, is_active=True, user__is_active=True
    ).exclude(email="")


def _lock_new(actor: User, contact: Contact) -> Contact:
    access.require_handles_contacts_of(actor, contact.family.municipality_id)
    locked = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("family__municipality")
        .get(pk=contact.pk)
    )
    if locked.state != Contact.State.NEW:
        raise Conflict(
            _("Yhteydenotto on jo käsitelty (%(state)s).") % {"state": locked.get_state_display()}
        )
    return locked


@transaction.atomic
def hand_over_contact(
    *, actor: User, contact: Contact, professional_id: int, via_api: bool = False
) -> Contact:
    """Hand the contact to a local worker of the family's municipality: a
    concern is raised for them with the family's own words, the worker is
    told, and the family hears who will call."""
    locked = _lock_new(actor, contact)
    worker = (
        reachable_workers(locked.family.municipality_id)
        .select_related("user", "organisation")
        .filter(pk=professional_id)
        .first()
    )
    if worker is None:
        raise ValidationError(
            {
                "professional": _(
                    "Valitse kunnan aktiivinen ammattilainen, jolla on kirjautuminen ja "
                    "sähköposti: hän saa tiedon ja avaa perheen huolen."
                )
            }
        )
    topics = list(locked.topics.all())
    concern = Concern.objects.create(
        family=locked.family,
        convener=worker,
        channel=locked.channel,
        raised_by=Concern.RaisedBy.FAMILY,
        summary=locked.message or ", ".join(t.name for t in topics),
        consent=True,
        area=locked.area,
        created_by=actor,
    )
    concern.topics.set(topics)
    locked.state = Contact.State.HANDED_OVER
    locked.handed_to, locked.concern = worker, concern
    locked.handled_by, locked.handled_at = actor, timezone.now()
    locked.save(update_fields=["state", "handed_to", "concern", "handled_by", "handled_at"])
    access.record_handover(actor, locked, via_api=via_api)
    late = locked.due_on < timezone.localdate()
    _tell_family(
        locked,
        key="handed",
        text=gettext_lazy("Hei, %(worker)s (%(title)s) ottaa teihin yhteyttä pian.")
        if late
        else gettext_lazy(
            "Hei, %(worker)s (%(title)s) ottaa teihin yhteyttä viimeistään %(date)s."
        ),
        extra={"worker": worker.name, "title": worker.title or worker.organisation.local_name},
    )
    _tell_worker(locked, worker)
    return locked


def _tell_worker(contact: Contact, worker: Professional) -> None:
    if not worker.email:
        return
    language = language_of(worker.user)
    url = settings.SITE_URL.rstrip("/") + reverse("families:detail", args=[contact.concern_id])
    with translation.override(language):
        subject = _("Perhe odottaa yhteydenottoasi: %(family)s") % {"family": contact.family.alias}
        body = _(
            "Hei %(name)s,\n\nohjaus- ja neuvontapalvelu antoi sinulle perheen yhteydenoton "
            "(%(family)s, %(reference)s). Perheelle on luvattu yhteydenotto viimeistään "
            "%(date)s.\n\nPerheen tiedot ja seuraavat askeleet: %(url)s\n"
        ) % {
            "name": worker.name,
            "family": contact.family.alias,
            "reference": contact.family.reference,
            "date": promise_text(contact),
            "url": url,
        }
    queue_message(
        kind=OutboxMessage.Kind.CONTACT,
        recipient=worker.email,
        language=language,
        subject=subject,
        body=body,
        idempotency_key=f"contact:{contact.pk}:worker:{worker.pk}",
        professional_id=worker.pk,
        family_id=contact.family_id,
    )


@transaction.atomic
def close_contact(*, actor: User, contact: Contact, reason: str, note: str = "") -> Contact:
    """Close the contact with a reason: the family got guidance, was referred
    elsewhere, could not be reached, or the contact was a duplicate."""
    note = (note or "").strip()
    errors = {}
    if reason not in Contact.CloseReason.values:
        errors["reason"] = _("Valitse syy.")
    elif reason == Contact.CloseReason.OTHER and not note:
        errors["note"] = _("Kerro lyhyesti syy.")
    if len(note) > CLOSE_NOTE_MAX:
        errors["note"] = _("Lisätieto on liian pitkä (enintään %(n)d merkkiä).") % {
            "n": CLOSE_NOTE_MAX
        }
    errors.update(identity_code_errors(note=note))
    locked = _lock_new(actor, contact)
    if errors:
        raise ValidationError(errors)
    locked.state = Contact.State.CLOSED
    locked.close_reason, locked.close_note = reason, note
    locked.handled_by, locked.handled_at = actor, timezone.now()
    locked.save(update_fields=["state", "close_reason", "close_note", "handled_by", "handled_at"])
    return locked
