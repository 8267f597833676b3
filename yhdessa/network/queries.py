from django.db.models import Prefetch, QuerySet

from yhdessa.accounts.models import User
from yhdessa.families.models import Concern
from yhdessa.network.models import Expertise, FamilyCentreTeam, Professional


def team_for(municipality_id: int) -> FamilyCentreTeam | None:
    """The family centre team that convenes in a municipality."""
    return (
        FamilyCentreTeam.objects.filter(municipality_id=municipality_id)
        .select_related("practice")
        .order_by("pk")
        .first()
    )


def _professionals_with_expertise() -> QuerySet[Professional]:
    return Professional.objects.select_related("organisation").prefetch_related(
        Prefetch("expertise", queryset=Expertise.objects.order_by("position"))
    )


def invitable_professionals(*, concern: Concern) -> QuerySet[Professional]:
    """Whom the convener may invite for this concern: the family centre team,
    or, when the family already has support, the network of the municipality."""
    people = _professionals_with_expertise().filter(is_active=True)
    if concern.existing_support:
        return people.filter(municipality_id=concern.family.municipality_id)
    return people.filter(teams__municipality_id=concern.family.municipality_id).distinct()


def teams_invitable_by(user: User) -> QuerySet[FamilyCentreTeam]:
    professional = getattr(user, "professional", None)
    municipality_id = professional.municipality_id if professional else user.municipality_id
    if municipality_id is None:
        return FamilyCentreTeam.objects.none()
    return (
        FamilyCentreTeam.objects.filter(municipality_id=municipality_id)
        .select_related("municipality", "practice")
        .prefetch_related(
            Prefetch("members", queryset=_professionals_with_expertise().filter(is_active=True)),
            "practice__slots",
        )
    )
