"""The family's side in the API: the guidance service's contact inbox and
its handovers, the family's links (state, re-send, revoke), feedback from
workers and the feedback totals. The family's own page is not an API for
third parties: it has no endpoint here."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt

from yhdessa import access
from yhdessa.api.reference import CodeOut
from yhdessa.api.schemas import ErrorOut, Flag, Id
from yhdessa.families import contacts as rules
from yhdessa.families.links import resend_link, revoke_links, working_links
from yhdessa.families.models import Contact
from yhdessa.feedback.models import Feedback
from yhdessa.feedback.services import QUESTIONS, give_worker_feedback
from yhdessa.reports.feedback import feedback_totals
from yhdessa.reports.queries import period_errors

router = Router()
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422)}


class ContactOut(Schema):
    id: int
    family: int = Field(description="The family's id (its reference is P-<id>)")
    reference: str
    name: str = Field(description="The first name or alias the family gave")
    children_birth_years: list[int]
    municipality: str
    area: str | None
    channel: str = Field(description="electronic (the contact page) or phone (a call recorded)")
    wants: str = Field(description="help or meeting")
    topics: list[str]
    message: str
    phone: str
    email: str
    language: str
    created_at: datetime
    due_on: date = Field(description="The municipality's promise: contacted by this day")
    overdue: bool
    state: str = Field(description="new, handed_over or closed")
    handed_to: int | None = None
    concern: int | None = None
    close_reason: str = ""

    @staticmethod
    def resolve_family(obj: Contact) -> int:
        return obj.family_id

    @staticmethod
    def resolve_reference(obj: Contact) -> str:
        return obj.family.reference

    @staticmethod
    def resolve_name(obj: Contact) -> str:
        return obj.family.alias

    @staticmethod
    def resolve_children_birth_years(obj: Contact) -> list[int]:
        return obj.family.children_birth_years

    @staticmethod
    def resolve_municipality(obj: Contact) -> str:
        return obj.family.municipality.name

    @staticmethod
    def resolve_area(obj: Contact) -> str | None:
        return obj.area.name if obj.area_id else None

    @staticmethod
    def resolve_topics(obj: Contact) -> list[str]:
        return [t.code for t in obj.topics.all()]

    @staticmethod
    def resolve_phone(obj: Contact) -> str:
        return obj.family.phone

    @staticmethod
    def resolve_email(obj: Contact) -> str:
        return obj.family.email

    @staticmethod
    def resolve_language(obj: Contact) -> str:
        return obj.family.language

    @staticmethod
    def resolve_overdue(obj: Contact) -> bool:
        return obj.state == Contact.State.NEW and obj.due_on < timezone.localdate()

    @staticmethod
    def resolve_handed_to(obj: Contact) -> int | None:
        return obj.handed_to_id

    @staticmethod
    def resolve_concern(obj: Contact) -> int | None:
        return obj.concern_id


class PhoneContactIn(Schema):
    municipality: Id
    area: Id | None = None
    name: str = Field(max_length=rules.NAME_MAX)
    children_ages: list[StrictInt]
    topics: list[str] = []
    message: str = Field("", max_length=rules.MESSAGE_MAX)
    contact_by: str = Field(description="phone, sms or email")
    phone: str = ""
    email: str = ""
    language: str = "fi"
    wants: str = Field("help", description="help or meeting")
    consent: Flag


class HandOverIn(Schema):
    professional: Id


class CloseContactIn(Schema):
    reason: str = Field(description="GET /contact-close-reasons")
    note: str = ""


class FamilyLinkOut(Schema):
    working_links: int
    last_opened_at: datetime | None


class FeedbackIn(Schema):
    heard: str = Field(description="yes, partly or no")
    helped: str
    right_expertise: str
    comment: str = ""


class FeedbackOut(Schema):
    meeting: int
    source: str
    heard: str
    helped: str
    right_expertise: str
    comment: str

    @staticmethod
    def resolve_meeting(obj: Feedback) -> int:
        return obj.meeting_id


class QuestionTotals(Schema):
    question: str = Field(description="heard, helped or right_expertise")
    yes: int
    partly: int
    no: int


class FeedbackTotalsRow(Schema):
    municipality: str
    team: str
    source: str = Field(description="family or worker")
    answers: int
    questions: list[QuestionTotals]


def _inbox(request):
    if not access.handles_contacts(request.user):
        raise PermissionDenied(
            _("Vain ohjaus- ja neuvontapalvelu tai koordinaattori käsittelee yhteydenotot.")
        )
    return (
        access.contacts_visible_to(request.user)
        .select_related("family__municipality", "area")
        .prefetch_related("topics")
    )


@router.get("/contacts", response={200: list[ContactOut], **ERRORS}, tags=["contacts"])
def list_contacts(request: HttpRequest, state: str = "new"):
    """The guidance service's inbox: the families' own contacts of the
    caller's municipalities (new ones by their promise, nearest first).
    ``state``: new, handed_over, closed or all."""
    if state not in [*Contact.State.values, "all"]:
        raise ValidationError({"state": _("Anna tila: new, handed_over, closed tai all.")})
    contacts = _inbox(request)
    if state != "all":
        contacts = contacts.filter(state=state)
    contacts = list(contacts.order_by("due_on", "created_at", "pk")[:500])
    access.log_contacts(request.user, contacts, via_api=True)
    return contacts


@router.post("/contacts", response={201: ContactOut, **ERRORS}, tags=["contacts"])
def create_phone_contact(request: HttpRequest, payload: PhoneContactIn):
    """A call to the one phone number, recorded by the guidance service as
    the family's contact (the family gets its confirmation)."""
    _inbox(request)
    contact = rules.submit_contact(
        municipality_id=payload.municipality,
        area_id=payload.area,
        name=payload.name,
        children_ages=payload.children_ages,
        topic_codes=payload.topics,
        message=payload.message,
        contact_by=payload.contact_by,
        phone=payload.phone,
        email=payload.email,
        language=payload.language,
        wants=payload.wants,
        consent=payload.consent,
        actor=request.user,
    )
    return Status(201, access.read_contact(request.user, contact.pk, via_api=True))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, tags=["contacts"])
def get_contact(request: HttpRequest, contact_id: int):
    return access.read_contact(request.user, contact_id, via_api=True)


@router.post(
    "/contacts/{contact_id}/hand-over", response={200: ContactOut, **ERRORS}, tags=["contacts"]
)
def hand_over(request: HttpRequest, contact_id: int, payload: HandOverIn):
    """Hand the contact to a local worker of the family's municipality: a
    concern is raised for them and the family is told who will call (409
    when the contact was handled already)."""
    contact = access.read_contact(request.user, contact_id, via_api=True)
    rules.hand_over_contact(
        actor=request.user, contact=contact, professional_id=payload.professional, via_api=True
    )
    return _inbox(request).get(pk=contact_id)


@router.post(
    "/contacts/{contact_id}/close", response={200: ContactOut, **ERRORS}, tags=["contacts"]
)
def close(request: HttpRequest, contact_id: int, payload: CloseContactIn):
    """Close the contact with a reason (guidance given, referred, …)."""
    contact = access.read_contact(request.user, contact_id, via_api=True)
    rules.close_contact(
        actor=request.user, contact=contact, reason=payload.reason, note=payload.note
    )
    return _inbox(request).get(pk=contact_id)


@router.get(
    "/contact-close-reasons", response={200: list[CodeOut], 401: ErrorOut}, tags=["reference"]
)
def list_contact_close_reasons(request: HttpRequest):
    return [CodeOut(code=c.value, name=str(c.label)) for c in Contact.CloseReason]


def _link_state(family) -> FamilyLinkOut:
    links = working_links(family)
    opened = [link.last_opened_at for link in links if link.last_opened_at]
    return FamilyLinkOut(working_links=len(links), last_opened_at=max(opened, default=None))


@router.get(
    "/concerns/{concern_id}/family-link",
    response={200: FamilyLinkOut, **ERRORS},
    tags=["family links"],
)
def family_link_state(request: HttpRequest, concern_id: int):
    """How many links to the family's own page work, and when one was last opened."""
    concern = access.read_concern(request.user, concern_id, via_api=True)
    access.require_may_manage_family_links(request.user, concern.family)
    return _link_state(concern.family)


@router.post(
    "/concerns/{concern_id}/family-link/resend",
    response={200: FamilyLinkOut, **ERRORS},
    tags=["family links"],
)
def family_link_resend(request: HttpRequest, concern_id: int):
    """Send the family a new link by its own channel (a lost link); the
    convener, a lead of its plan or the municipality's coordinator (403)."""
    concern = access.read_concern(request.user, concern_id, via_api=True)
    resend_link(actor=request.user, family=concern.family)
    return _link_state(concern.family)


@router.post(
    "/concerns/{concern_id}/family-link/revoke",
    response={200: FamilyLinkOut, **ERRORS},
    tags=["family links"],
)
def family_link_revoke(request: HttpRequest, concern_id: int):
    """Every link of the family stops working at once."""
    concern = access.read_concern(request.user, concern_id, via_api=True)
    revoke_links(actor=request.user, family=concern.family)
    return _link_state(concern.family)


@router.post(
    "/meetings/{meeting_id}/feedback", response={201: FeedbackOut, **ERRORS}, tags=["feedback"]
)
def worker_feedback(request: HttpRequest, meeting_id: int, payload: FeedbackIn):
    """A worker who took part in the held meeting says how it went (once:
    409 the second time)."""
    meeting = access.read_meeting(request.user, meeting_id, via_api=True)
    feedback = give_worker_feedback(
        actor=request.user,
        meeting=meeting,
        answers={q: getattr(payload, q) for q in QUESTIONS},
        comment=payload.comment,
    )
    return Status(201, feedback)


@router.get(
    "/reports/feedback", response={200: list[FeedbackTotalsRow], **ERRORS}, tags=["reports"]
)
def report_feedback(request: HttpRequest, start: date, end: date):
    """Feedback of the meetings held in the period, per municipality, team
    and source (family or worker): how many answered and how many said
    yes / partly / no to each question. No free text, no family."""
    errors = period_errors(start, end)
    if errors:
        raise ValidationError(errors)
    return feedback_totals(request.user, start=start, end=end)
