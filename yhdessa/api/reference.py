"""Reference lists: every code a client sends, with its name in the caller's
language (Accept-Language; see locale_middleware.py).

Editable lists (expertise, concern topics, star areas) are read from the
database; fixed ones (channels, action places, family languages) from the
model's choices, so the list and the validation never disagree.
"""

from django.db.models import Choices
from django.http import HttpRequest
from ninja import Field, Router, Schema

from yhdessa.api.schemas import ErrorOut
from yhdessa.families.models import Concern, ConcernTopic, Family
from yhdessa.network.models import Expertise
from yhdessa.plans.models import PlanAction, StarArea

router = Router(tags=["reference"])


class CodeOut(Schema):
    code: str
    name: str = Field(description="In the caller's language (Accept-Language: fi, sv or en)")


class StarAreaOut(Schema):
    code: str = Field(description="The area's number as text")
    number: int
    name: str
    description: str

    @staticmethod
    def resolve_code(obj: StarArea) -> str:
        return str(obj.number)


def _choices(choices: type[Choices]) -> list[CodeOut]:
    return [CodeOut(code=member.value, name=str(member.label)) for member in choices]


LIST = {200: list[CodeOut], 401: ErrorOut}


@router.get("/expertise", response=LIST)
def list_expertise(request: HttpRequest):
    """The expertise codes of professionals and team roles."""
    return Expertise.objects.all()


@router.get("/topics", response=LIST)
def list_topics(request: HttpRequest):
    """The concern topics a concern's `topics` takes."""
    return ConcernTopic.objects.all()


@router.get("/channels", response=LIST)
def list_channels(request: HttpRequest):
    """How the concern came in: a concern's `channel`."""
    return _choices(Concern.Channel)


@router.get("/action-places", response=LIST)
def list_action_places(request: HttpRequest):
    """Where a plan's action happens: an action's `where` (`elsewhere` needs a `place`)."""
    return _choices(PlanAction.Where)


@router.get("/languages", response=LIST)
def list_languages(request: HttpRequest):
    """The languages a family is served in: a family's `language`."""
    return _choices(Family.Language)


@router.get("/star-areas", response={200: list[StarAreaOut], 401: ErrorOut})
def list_star_areas(request: HttpRequest):
    """The areas of THL's wellbeing star, in order."""
    return StarArea.objects.all()
