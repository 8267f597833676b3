"""The plan reviewed at a follow-up meeting, and the family's own placement
on the wellbeing star (optional, its own view), side by side between the
first meeting and the follow-up."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yhdessa.accounts.models import User
from yhdessa.errors import Conflict, IdentifyingDataFound
from yhdessa.meetings.models import Meeting
from yhdessa.meetings.services import lock_as_convener
from yhdessa.plans.models import (
    ActionReview,
    JointPlan,
    MatterReview,
    PlanAction,
    PlanReview,
    StarArea,
    StarPlacement,
)
from yhdessa.privacy import identifying_data_warnings, identity_code_errors

WORDS_MAX_LENGTH = MatterReview._meta.get_field("family_words").max_length


def reviewed_plan(meeting: Meeting) -> JointPlan | None:
    """The plan a follow-up meeting reviews: the plan of the meeting it
    follows (or of the meeting that one follows, back to the first with a plan)."""
    earlier = meeting.follows
    while earlier is not None:
        plan = JointPlan.objects.filter(meeting=earlier).first()
        if plan is not None:
            return plan
        earlier = earlier.follows
    return None


def _lock_follow_up(actor: User, meeting: Meeting) -> Meeting:
    locked = lock_as_convener(actor, meeting, cancelled_too=True)
    if locked.status != Meeting.Status.HELD:
        raise Conflict(_("Suunnitelma arvioidaan, kun seurantatapaaminen on kirjattu pidetyksi."))
    return locked


def placement_errors(placements: dict[int, int | None]) -> dict[str, str]:
    numbers = set(StarArea.objects.values_list("number", flat=True))
    errors = {}
    for number, value in placements.items():
        if number not in numbers:
            errors["placements"] = _("Tuntematon tähden alue.")
        elif value is not None and not (
            isinstance(value, int) and StarPlacement.LOWEST <= value <= StarPlacement.HIGHEST
        ):
            errors[f"placement_{number}"] = _("Perheen oma arvio on 1–10 tai tyhjä.")
    return errors


def _write_placements(meeting: Meeting, placements: dict[int, int | None]) -> None:
    areas = {a.number: a for a in StarArea.objects.all()}
    for number, value in placements.items():
        if value is None:
            StarPlacement.objects.filter(meeting=meeting, area=areas[number]).delete()
        else:
            StarPlacement.objects.update_or_create(
                meeting=meeting, area=areas[number], defaults={"value": value}
            )


@transaction.atomic
def record_placements(*, actor: User, meeting: Meeting, placements: dict[int, int | None]) -> None:
    """The family places itself on the star areas it wants to (never
    required); an empty value removes the area's placement."""
    locked = lock_as_convener(actor, meeting)
    errors = placement_errors(placements)
    if errors:
        raise ValidationError(errors)
    _write_placements(locked, placements)


@transaction.atomic
def record_review(
    *,
    actor: User,
    meeting: Meeting,
    actions: dict[int, str],
    matters: dict[int, tuple[str, str]],
    placements: dict[int, int | None] | None = None,
    confirm_identifying: bool = False,
) -> PlanReview:
    """At a held follow-up meeting its convener reviews the earlier plan:
    each action done / partly / not / no longer needed, each matter better /
    same / worse with the family's own words. Actions and matters left out
    are left unreviewed."""
    locked = _lock_follow_up(actor, meeting)
    plan = reviewed_plan(locked)
    if plan is None:
        raise Conflict(_("Tällä tapaamisella ei ole arvioitavaa suunnitelmaa."))
    plan_actions = {a.pk: a for a in plan.actions.all()}
    errors: dict[str, str] = {}
    for action_id, result in actions.items():
        if action_id not in plan_actions:
            errors["actions"] = _("Toimenpide ei kuulu arvioitavaan suunnitelmaan.")
        elif result and result not in ActionReview.Result.values:
            errors[f"action_{action_id}"] = _(
                "Valitse tehty, osittain, ei tehty tai ei enää tarpeen."
            )
    clean_matters = {}
    for position, (trend, words) in matters.items():
        words = (words or "").replace("\r\n", "\n").strip()
        if not isinstance(position, int) or not 0 <= position < len(plan.matters):
            errors["matters"] = _("Asia ei kuulu arvioitavaan suunnitelmaan.")
            continue
        if trend and trend not in MatterReview.Trend.values:
            errors[f"trend_{position}"] = _("Valitse paremmin, ennallaan tai huonommin.")
        elif words and not trend:
            errors[f"trend_{position}"] = _(
                "Valitse myös suunta: paremmin, ennallaan vai huonommin."
            )
        if len(words) > WORDS_MAX_LENGTH:
            errors[f"words_{position}"] = _("Teksti on liian pitkä (enintään %(n)d merkkiä).") % {
                "n": WORDS_MAX_LENGTH
            }
        errors.update(identity_code_errors(**{f"words_{position}": words}))
        clean_matters[position] = (trend, words)
    if placements:
        errors.update(placement_errors(placements))
    if errors:
        raise ValidationError(errors)
    words = [w for _t, w in clean_matters.values() if w]
    warnings = [] if confirm_identifying else identifying_data_warnings(words)
    if warnings:
        raise IdentifyingDataFound(warnings)
    review, _created = PlanReview.objects.update_or_create(
        meeting=locked, defaults={"plan": plan, "updated_by": actor}
    )
    for action_id, result in actions.items():
        if result:
            ActionReview.objects.update_or_create(
                review=review, action=plan_actions[action_id], defaults={"result": result}
            )
        else:
            ActionReview.objects.filter(review=review, action_id=action_id).delete()
    for position, (trend, words) in clean_matters.items():
        if trend:
            MatterReview.objects.update_or_create(
                review=review,
                position=position,
                defaults={"matter": plan.matters[position], "trend": trend, "family_words": words},
            )
        else:
            MatterReview.objects.filter(review=review, position=position).delete()
    if placements:
        _write_placements(locked, placements)
    return review


@dataclass
class StarRow:
    area: StarArea
    first: int | None
    now: int | None

    @property
    def change(self) -> int | None:
        if self.first is None or self.now is None:
            return None
        return self.now - self.first


def star_side_by_side(meeting: Meeting) -> tuple[Meeting | None, list[StarRow]]:
    """The family's own placements at this meeting beside those at the
    first meeting of the same concern (when that is another meeting)."""
    first = (
        Meeting.objects.filter(concern_id=meeting.concern_id, status=Meeting.Status.HELD)
        .order_by("starts_at")
        .first()
    )
    if first is not None and first.pk == meeting.pk:
        first = None
    values = {
        (p.meeting_id, p.area_id): p.value
        for p in StarPlacement.objects.filter(
            meeting_id__in=[meeting.pk, *([first.pk] if first else [])]
        )
    }
    rows = [
        StarRow(
            area=area,
            first=values.get((first.pk, area.pk)) if first else None,
            now=values.get((meeting.pk, area.pk)),
        )
        for area in StarArea.objects.all()
    ]
    return first, rows


@dataclass
class ActionRow:
    action: PlanAction
    result: str

    @property
    def result_label(self) -> str:
        return str(ActionReview.Result(self.result).label) if self.result else ""


@dataclass
class MatterRow:
    position: int
    matter: str
    trend: str
    family_words: str

    @property
    def trend_label(self) -> str:
        return str(MatterReview.Trend(self.trend).label) if self.trend else ""


@dataclass
class ReviewState:
    """The earlier plan as reviewed so far at this follow-up: every action
    with its result, every matter with its direction and the family's words
    ("" when not yet reviewed). A result stays with the matter it was given
    for: if the plan's matters were rewritten since, it is not moved onto
    another matter at the same place."""

    plan: JointPlan
    review: PlanReview | None
    actions: list[ActionRow]
    matters: list[MatterRow]


def review_state(meeting: Meeting) -> ReviewState | None:
    plan = reviewed_plan(meeting)
    if plan is None:
        return None
    saved = (
        PlanReview.objects.filter(meeting=meeting, plan=plan)
        .prefetch_related("actions", "matters")
        .first()
    )
    results = {a.action_id: a.result for a in saved.actions.all()} if saved else {}
    trends = {m.position: m for m in saved.matters.all()} if saved else {}
    actions = plan.actions.select_related("responsible_professional", "responsible_organisation")
    matters = []
    for position, text in enumerate(plan.matters):
        given = trends.get(position)
        if given is not None and given.matter != text:
            given = None
        matters.append(
            MatterRow(
                position=position,
                matter=text,
                trend=given.trend if given else "",
                family_words=given.family_words if given else "",
            )
        )
    return ReviewState(
        plan=plan,
        review=saved,
        actions=[ActionRow(action=a, result=results.get(a.pk, "")) for a in actions],
        matters=matters,
    )
