from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.errors import Conflict, IdentifyingDataFound
from yhdessa.meetings.models import Invitation, Meeting
from yhdessa.meetings.services import lock_as_convener
from yhdessa.network.models import Organisation, Professional
from yhdessa.plans.models import JointPlan, PlanAction, StarArea, StarNote
from yhdessa.privacy import identifying_data_warnings, identity_code_errors

MAX_ITEMS = 20
MAX_TEXT = 1000
PLACE_MAX_LENGTH = PlanAction._meta.get_field("place").max_length
FOLLOW_UP_MAX_LENGTH = JointPlan._meta.get_field("follow_up").max_length
PLAN_AFTER_HELD = gettext_lazy("Yhteinen suunnitelma kirjataan, kun tapaaminen on pidetty.")
ELSEWHERE_NEEDS_PLACE = gettext_lazy("Kerro, missä muualla toimenpide tehdään.")
LEAD_MUST_HAVE_ATTENDED = gettext_lazy(
    "Vastuutyöntekijäksi voi nimetä vain tapaamiseen osallistuneen ammattilaisen, joka toimii "
    "yhä verkostossa."
)
NEW_LEAD_MUST_HAVE_ATTENDED = gettext_lazy(
    "Uudeksi vastuutyöntekijäksi voi nimetä vain perheen tapaamiseen osallistuneen "
    "ammattilaisen, joka toimii yhä verkostossa. Jos kukaan heistä ei voi jatkaa, sopikaa "
    "perheen kanssa seurantatapaaminen."
)


RESPONSIBLE_PERSON_UNKNOWN = gettext_lazy(
    "Toimenpiteen tekijäksi voi nimetä tapaamisen koollekutsujan tai kutsutun ammattilaisen."
)
RESPONSIBLE_ORGANISATION_UNKNOWN = gettext_lazy(
    "Toimenpiteen tekijäksi voi nimetä perheen kunnassa toimivan organisaation."
)


def _one_line_break(text: str) -> str:
    return (text or "").replace("\r\n", "\n")


STAR_NOTE_MAX_LENGTH = StarNote._meta.get_field("strengths").max_length


def star_note_errors(notes: dict[StarArea, tuple[str, str]]) -> dict[str, str]:
    """Every box that cannot be saved, keyed as the page names the box
    (``strengths_3``, ``concerns_3``), its message naming the area and the box."""
    errors = {}
    for area, (strengths, concerns) in notes.items():
        for box, label, text in (
            ("strengths", _("vahvuudet"), strengths),
            ("concerns", _("huolet"), concerns),
        ):
            key = f"{box}_{area.number}"
            if len(text) > STAR_NOTE_MAX_LENGTH:
                problem = _("Teksti on liian pitkä (enintään %(n)d merkkiä).") % {
                    "n": STAR_NOTE_MAX_LENGTH
                }
            else:
                problem = identity_code_errors(**{key: text}).get(key)
            if problem:
                errors[key] = _("%(number)d. %(area)s – %(box)s: %(problem)s") % {
                    "number": area.number,
                    "area": area.name,
                    "box": label,
                    "problem": problem,
                }
    return errors


@transaction.atomic
def record_star_notes(
    *,
    actor: User,
    meeting: Meeting,
    notes: dict[int, tuple[str, str]],
    confirm_identifying: bool = False,
) -> None:
    """Notes per wellbeing star area: strengths and concerns.

    Identity codes are refused; other identifying data (a phone number, an
    address, a birth date) raises IdentifyingDataFound unless the writer has
    confirmed it (``confirm_identifying``)."""
    locked = lock_as_convener(actor, meeting)
    areas = {a.number: a for a in StarArea.objects.all()}
    unknown = set(notes) - set(areas)
    if unknown:
        raise ValidationError({"notes": _("Tuntematon tähden alue.")})
    # A line break is one character, as the browser counts it for maxlength.
    clean = {
        n: (_one_line_break(s).strip(), _one_line_break(c).strip()) for n, (s, c) in notes.items()
    }
    errors = star_note_errors({areas[n]: pair for n, pair in clean.items()})
    if errors:
        raise ValidationError(errors)
    texts = [text for pair in clean.values() for text in pair]
    warnings = [] if confirm_identifying else identifying_data_warnings(texts)
    if warnings:
        raise IdentifyingDataFound(warnings)
    # Read under the meeting's lock, not from the page's earlier load: two
    # open pages saving in turn see each other's notes.
    existing = {n.area_id: n for n in StarNote.objects.filter(meeting=locked)}
    for number, (strengths, concerns) in clean.items():
        area = areas[number]
        note = existing.get(area.pk)
        if note is None:
            if strengths or concerns:
                StarNote.objects.create(
                    meeting=locked, area=area, strengths=strengths, concerns=concerns
                )
        elif strengths or concerns:
            note.strengths, note.concerns = strengths, concerns
            note.save(update_fields=["strengths", "concerns"])
        else:
            note.delete()


def lead_candidates(meeting: Meeting) -> list[Professional]:
    """Who may be named the family's lead professional: those who were at
    the meeting's table (its convener and the invitees recorded as attended)
    and still work in the network. The lead keeps contact with the family, so
    the family has met them."""
    attended = meeting.invitations.filter(status=Invitation.Status.ATTENDED).values(
        "professional_id"
    )
    return list(
        Professional.objects.select_related("organisation")
        .filter(Q(pk=meeting.convener_id) | Q(pk__in=attended), is_active=True)
        .order_by("name")
    )


def new_lead_choices(plans: list[JointPlan], municipality_id: int) -> dict[int, list[Professional]]:
    """For each plan waiting for a new lead, whom the coordinator can name:
    those who attended its meeting, still work in the network, in a public
    service of the municipality. Two queries for the whole list."""
    conveners = {p.meeting_id: p.meeting.convener_id for p in plans}
    at_table = {meeting_id: {convener} for meeting_id, convener in conveners.items()}
    for meeting_id, professional_id in Invitation.objects.filter(
        meeting_id__in=conveners, status=Invitation.Status.ATTENDED
    ).values_list("meeting_id", "professional_id"):
        at_table[meeting_id].add(professional_id)
    people = list(
        Professional.objects.filter(
            pk__in=set().union(*at_table.values()),
            is_active=True,
            municipality_id=municipality_id,
            organisation__sector__in=Organisation.PUBLIC_SECTORS,
        ).order_by("name")
    )
    return {p.pk: [c for c in people if c.pk in at_table[p.meeting_id]] for p in plans}


def responsible_people(meeting: Meeting) -> list[Professional]:
    """Whom an action can name as its doer: the meeting's own people (its
    convener and those invited, not replaced), still in the network."""
    invited = meeting.invitations.exclude(status=Invitation.Status.WITHDRAWN).values(
        "professional_id"
    )
    return list(
        Professional.objects.filter(
            Q(pk=meeting.convener_id) | Q(pk__in=invited), is_active=True
        ).order_by("name")
    )


def responsible_organisations(meeting: Meeting) -> list[Organisation]:
    """The organisations serving the family's municipality, for an action
    that an organisation (rather than a person) takes on."""
    return list(
        Organisation.objects.filter(municipalities=meeting.concern.family.municipality_id).order_by(
            "name"
        )
    )


def _responsible_choices(meeting: Meeting) -> tuple[set[int], set[int]]:
    return (
        {p.pk for p in responsible_people(meeting)},
        {o.pk for o in responsible_organisations(meeting)},
    )


def _responsible(action: dict, choices: tuple[set[int], set[int]]) -> tuple[dict, str]:
    """The action's doer as the model stores it, or the reason it cannot be."""
    kind = action.get("responsible") or ""
    people, organisations = choices
    nobody = {
        "responsible": kind,
        "responsible_professional_id": None,
        "responsible_organisation_id": None,
    }
    if kind in ("", PlanAction.Responsible.FAMILY):
        return nobody, ""
    if kind == PlanAction.Responsible.PROFESSIONAL:
        pk = action.get("professional")
        if pk not in people:
            return nobody, str(RESPONSIBLE_PERSON_UNKNOWN)
        return {**nobody, "responsible_professional_id": pk}, ""
    if kind == PlanAction.Responsible.ORGANISATION:
        pk = action.get("organisation")
        if pk not in organisations:
            return nobody, str(RESPONSIBLE_ORGANISATION_UNKNOWN)
        return {**nobody, "responsible_organisation_id": pk}, ""
    return nobody, _("Toimenpiteen tekijän pitää olla perhe, nimetty työntekijä tai organisaatio.")


def check_plan(
    *,
    meeting: Meeting,
    matters: list[str],
    actions: list[dict],
    follow_up: str,
    lead_ids: list[int],
    next_contact: date | None,
) -> tuple[dict[str, str], dict]:
    """Every rule of the joint plan at once: the errors by field (the page
    shows each next to its field, the API names the field) and the cleaned
    values. Identity codes are errors too; other identifying data is asked
    about separately (IdentifyingDataFound)."""
    errors: dict[str, str] = {}
    matters = [m.strip() for m in matters if m and m.strip()]
    if not matters:
        errors["matters"] = _("Kirjaa vähintään yksi asia, johon tarvitaan muutosta tai ratkaisua.")
    elif len(matters) > MAX_ITEMS or any(len(m) > MAX_TEXT for m in matters):
        errors["matters"] = _("Enintään %(n)d asiaa, kukin enintään %(len)d merkkiä.") % {
            "n": MAX_ITEMS,
            "len": MAX_TEXT,
        }
    clean_actions = []
    responsible = _responsible_choices(meeting)
    meeting_day = timezone.localtime(meeting.starts_at).date()
    for action in actions:
        where = action.get("where")
        text = (action.get("text") or "").strip()
        place = (action.get("place") or "").strip()
        if not text:
            continue
        if where not in PlanAction.Where.values:
            errors["actions"] = _(
                "Toimenpiteen paikan pitää olla kotona, lapsen arjen ympäristössä tai muualla."
            )
        elif where == PlanAction.Where.ELSEWHERE and not place:
            errors["actions"] = str(ELSEWHERE_NEEDS_PLACE)
        elif len(text) > MAX_TEXT or len(place) > PLACE_MAX_LENGTH:
            errors["actions"] = _("Toimenpiteen teksti on liian pitkä.")
        who, who_error = _responsible(action, responsible)
        due_on = action.get("due_on")
        if who_error:
            errors["actions"] = who_error
        elif due_on is not None and not isinstance(due_on, date):
            errors["actions"] = _("Anna toimenpiteen päivä muodossa pp.kk.vvvv.")
        elif due_on is not None and due_on < meeting_day:
            errors["actions"] = _("Toimenpiteen päivä ei voi olla ennen tapaamista.")
        elif due_on is not None and (due_on - meeting_day).days > 2 * 366:
            errors["actions"] = _("Toimenpiteen päivä on yli kahden vuoden päässä.")
        clean_actions.append(
            {
                "where": where,
                "place": place if where == "elsewhere" else "",
                "text": text,
                **who,
                "due_on": due_on,
            }
        )
    if not clean_actions and "actions" not in errors:
        errors["actions"] = _("Kirjaa vähintään yksi toimenpide.")
    elif len(clean_actions) > MAX_ITEMS:
        errors["actions"] = _("Enintään %(n)d toimenpidettä.") % {"n": MAX_ITEMS}
    follow_up = (follow_up or "").strip()
    if not follow_up:
        errors["follow_up"] = _("Sovi, miten yhteydenpito toteutetaan molempiin suuntiin.")
    elif len(follow_up) > FOLLOW_UP_MAX_LENGTH:
        errors["follow_up"] = _("Teksti on liian pitkä (enintään %(n)d merkkiä).") % {
            "n": FOLLOW_UP_MAX_LENGTH
        }
    lead_ids = list(dict.fromkeys(lead_ids))
    candidates = {p.pk: p for p in lead_candidates(meeting)}
    leads = [candidates[pk] for pk in lead_ids if pk in candidates]
    if not 1 <= len(lead_ids) <= 2:
        errors["lead_professionals"] = _("Nimeä yksi vastuutyöntekijä tai vastuutyöntekijäpari.")
    elif len(leads) != len(lead_ids):
        errors["lead_professionals"] = str(LEAD_MUST_HAVE_ATTENDED)
    elif not all(p.organisation.is_public for p in leads):
        errors["lead_professionals"] = _(
            "Vastuutyöntekijäksi nimetään ammattilainen julkisesta palvelusta."
        )
    if not isinstance(next_contact, date):
        errors["next_contact"] = _("Anna seuraavan yhteydenoton päivä.")
    elif next_contact < meeting_day:
        errors["next_contact"] = _("Seuraava yhteydenotto ei voi olla ennen tapaamista.")
    elif (next_contact - meeting_day).days > 366:
        errors["next_contact"] = _("Seuraava yhteydenotto on yli vuoden päässä.")
    action_texts = [a["text"] for a in clean_actions] + [a["place"] for a in clean_actions]
    found = identity_code_errors(matters=matters, actions=action_texts, follow_up=follow_up)
    errors.update({k: v for k, v in found.items() if k not in errors})
    clean = {
        "matters": matters,
        "actions": clean_actions,
        "follow_up": follow_up,
        "leads": leads,
        "next_contact": next_contact,
    }
    return errors, clean


@transaction.atomic
def record_plan(
    *,
    actor: User,
    meeting: Meeting,
    matters: list[str],
    actions: list[dict],
    follow_up: str,
    lead_ids: list[int],
    next_contact: date,
    confirm_identifying: bool = False,
) -> JointPlan:
    """Write (or rewrite) the joint plan of a held meeting.

    The plan is a memo for the family without identifying data: identity
    codes are refused; other identifying data raises IdentifyingDataFound
    unless the writer has confirmed it (``confirm_identifying``). Only those
    who attended the meeting can be named its lead professionals."""
    locked = lock_as_convener(actor, meeting, cancelled_too=True)
    if locked.status != Meeting.Status.HELD:
        raise Conflict(str(PLAN_AFTER_HELD))
    errors, clean = check_plan(
        meeting=locked,
        matters=matters,
        actions=actions,
        follow_up=follow_up,
        lead_ids=lead_ids,
        next_contact=next_contact,
    )
    if errors:
        raise ValidationError(errors)
    clean_actions = clean["actions"]
    texts = [
        *clean["matters"],
        *[a["text"] for a in clean_actions],
        *[a["place"] for a in clean_actions],
        clean["follow_up"],
    ]
    warnings = [] if confirm_identifying else identifying_data_warnings(texts)
    if warnings:
        raise IdentifyingDataFound(warnings)
    plan, _created = JointPlan.objects.update_or_create(
        meeting=locked,
        defaults={
            "matters": clean["matters"],
            "follow_up": clean["follow_up"],
            "next_contact": next_contact,
            "updated_by": actor,
        },
    )
    _rewrite_actions(plan, clean_actions)
    plan.lead_professionals.set(clean["leads"])
    return plan


def _rewrite_actions(plan: JointPlan, clean_actions: list[dict]) -> None:
    """The plan's actions rewritten: an action kept as it was (the same place
    and text) is the same row, so a review at a follow-up stays with it; an
    action whose text changed is a new action, and one struck out goes with
    its review. A result never moves onto another action."""
    existing = list(plan.actions.order_by("position", "id"))
    unused = {a.pk: a for a in existing}
    for position, values in enumerate(clean_actions):
        same = next(
            (
                a
                for a in unused.values()
                if (a.where, a.place, a.text) == (values["where"], values["place"], values["text"])
            ),
            None,
        )
        if same is None:
            PlanAction.objects.create(plan=plan, position=position, **values)
            continue
        del unused[same.pk]
        for field, value in values.items():
            setattr(same, field, value)
        same.position = position
        same.save()
    if unused:
        PlanAction.objects.filter(pk__in=unused).delete()


@transaction.atomic
def replace_lead(*, actor: User, plan: JointPlan, new_lead_id: int) -> JointPlan:
    """A lead professional has left: the coordinator of the family's
    municipality names another, so that no family is left without one. The
    new lead is one of those who attended the meeting (the family has met
    them)."""
    plan = (
        JointPlan.objects.select_for_update(of=("self",))
        .select_related("meeting__concern__family")
        .get(pk=plan.pk)
    )
    family = plan.meeting.concern.family
    access.require_coordinator_of_family(actor, family)
    staying = [p for p in plan.lead_professionals.all() if p.is_active]
    if staying:
        # Checked under the plan's lock: another coordinator (or another tab)
        # named a lead meanwhile.
        raise Conflict(
            _("Perheelle on jo nimetty vastuutyöntekijä: %(names)s.")
            % {"names": ", ".join(p.name for p in staying)}
        )
    new_lead = next((p for p in lead_candidates(plan.meeting) if p.pk == new_lead_id), None)
    if new_lead is None:
        raise ValidationError({"lead": str(NEW_LEAD_MUST_HAVE_ATTENDED)})
    if new_lead.municipality_id != family.municipality_id or not new_lead.organisation.is_public:
        raise ValidationError(
            {
                "lead": _(
                    "Valitse uudeksi vastuutyöntekijäksi kunnan aktiivinen ammattilainen "
                    "julkisesta palvelusta."
                )
            }
        )
    plan.lead_professionals.set([new_lead])
    return plan
