from datetime import date, datetime
from typing import Annotated

from django.utils import timezone
from ninja import Schema
from pydantic import Field, StrictBool, StrictInt

# An id as the database keeps it, a positive 64-bit integer. A larger one
# (10**20) cannot even be sent to SQLite, and true, 1.0 or "1" is not an id.
Id = Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]
# Every boolean the API takes is strict: "true", 1 or "yes" is not consent.
Flag = StrictBool


class MemberOut(Schema):
    id: int
    name: str
    title: str
    email: str
    phone: str
    organisation: str
    expertise: list[str]

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.local_name

    @staticmethod
    def resolve_expertise(obj) -> list[str]:
        return [e.code for e in obj.expertise.all()]


class SlotOut(Schema):
    weekday: int = Field(description="0 = Monday … 6 = Sunday")
    starts: str
    ends: str


class PracticeOut(Schema):
    channels: list[str]
    slots: list[SlotOut]
    deadline_rule: str
    deadline_weekday: int
    deadline_working_days: int
    default_duration_minutes: int
    default_place: str
    instructions: str
    description: list[str] = Field(description="The practice explained in words")


class RoleOut(Schema):
    expertise: str
    kind: str = Field(description="core, per_family or optional")


class TeamOut(Schema):
    id: int
    name: str
    municipality: str
    members: list[MemberOut]
    invitation_practice: PracticeOut | None
    kind: str = Field(description="on_call (convened per family) or standing (Yhdessä-tiimi)")
    target_max_child_age: int | None = None
    roles: list[RoleOut] = []


class FamilyIn(Schema):
    alias: str = Field(max_length=60)
    children_birth_years: list[int]
    email: str | None = None
    phone: str | None = None
    language: str | None = "fi"
    message_channel: str | None = Field(
        "email", description="email or sms: how the family gets its messages and its link"
    )


class ConcernIn(Schema):
    family: FamilyIn
    channel: str
    topics: list[str]
    summary: str
    consent: Flag
    existing_support: Flag = False
    area: Id | None = Field(
        None,
        description="The family's family centre area (GET /areas), one of the convener's "
        "municipality; left out: no area",
    )


class FamilyOut(Schema):
    id: int
    reference: str
    alias: str
    children_birth_years: list[int]
    email: str
    phone: str
    language: str
    message_channel: str
    municipality: str

    @staticmethod
    def resolve_municipality(obj) -> str:
        return obj.municipality.name


class PersonRef(Schema):
    id: int
    name: str


class AreaRef(Schema):
    id: int
    name: str


class AreaOut(Schema):
    id: int
    name: str
    municipality: str

    @staticmethod
    def resolve_municipality(obj) -> str:
        return obj.municipality.name


class CloseIn(Schema):
    reason: str = Field(description="One of GET /close-reasons")
    note: str = Field("", description="A short reason in words; needed when reason is other")


class ConcernOut(Schema):
    id: int
    family: FamilyOut
    channel: str
    raised_by: str = Field(description="worker, family or guidance: who named the worry first")
    topics: list[str]
    summary: str
    consent: bool
    existing_support: bool
    convener: PersonRef
    created_at: datetime
    meetings: list[int]
    area: AreaRef | None = None
    closed_at: datetime | None = Field(None, description="When the concern was closed")
    close_reason: str = Field("", description="Why it was closed (GET /close-reasons)")
    close_note: str = ""
    consent_withdrawn_at: datetime | None = Field(
        None,
        description="When the family withdrew its consent: from then on nobody contacts the "
        "family and its meetings send nothing",
    )

    @staticmethod
    def resolve_topics(obj) -> list[str]:
        return [t.code for t in obj.topics.all()]

    @staticmethod
    def resolve_closed_at(obj) -> datetime | None:
        return timezone.localtime(obj.closed_at) if obj.closed_at else None

    @staticmethod
    def resolve_consent_withdrawn_at(obj) -> datetime | None:
        return timezone.localtime(obj.consent_withdrawn_at) if obj.consent_withdrawn_at else None

    @staticmethod
    def resolve_meetings(obj) -> list[int]:
        return [m.pk for m in obj.meetings.all()]

    @staticmethod
    def resolve_created_at(obj) -> datetime:
        return timezone.localtime(obj.created_at)


class MeetingIn(Schema):
    concern: Id
    starts_at: datetime
    duration_minutes: int
    place: str
    invitees: list[Id]
    team: Id | None = Field(
        None, description="The team to convene from; the municipality's first team when left out"
    )
    confirm_double_booking: Flag = Field(
        False,
        description="Book even though someone already has a meeting then (else 409 with warnings)",
    )


class InvitationOut(Schema):
    professional: int
    name: str
    status: str
    delivery: str = Field(description="pending, sent, failed or none (no email address)")


class MeetingOut(Schema):
    id: int
    concern: int
    status: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    place: str
    convener: PersonRef
    team: int | None
    invitations: list[InvitationOut]
    family_invited: bool
    practice_warnings: list[str]
    sequence: int = Field(description="Raised at every change of time, place or status")
    family_present: bool | None
    has_plan: bool
    follows: int | None = Field(
        None,
        description="A follow-up meeting (seurantatapaaminen): the held meeting of the same "
        "concern it follows. POST /meetings for a concern with a held meeting makes one.",
    )
    is_follow_up: bool = Field(False, description="Whether the meeting follows an earlier one")


class RescheduleIn(Schema):
    starts_at: datetime
    duration_minutes: int
    place: str
    confirm_double_booking: Flag = False
    sequence: int | None = Field(
        None, description="The meeting's sequence as you saw it: 409 if it has changed since"
    )


class CancelIn(Schema):
    note: str = ""
    sequence: int | None = Field(
        None, description="The meeting's sequence as you saw it: 409 if it has changed since"
    )


class HeldIn(Schema):
    attendees: list[Id]
    family_present: Flag


class ActionIO(Schema):
    where: str = Field(description="GET /action-places")
    place: str | None = Field(None, description="Where, when `where` is elsewhere")
    text: str
    responsible: str = Field(
        "",
        description="Who does it (GET /action-responsibles): family, professional (then "
        "`professional`), organisation (then `organisation`); empty or left out: nobody named",
    )
    professional: Id | None = Field(
        None,
        description="With responsible professional: one of the meeting's people "
        "(GET /meetings/{id}/plan/responsible)",
    )
    organisation: Id | None = Field(
        None,
        description="With responsible organisation: one serving the family's municipality "
        "(GET /meetings/{id}/plan/responsible)",
    )
    due_on: date | None = Field(
        None, description="By when; not before the meeting, at most two years after it"
    )


class ActionOut(ActionIO):
    id: int = Field(description="The action's id (a follow-up's review names it)")
    responsible_name: str = Field(
        "", description="Who does it, as the plan prints it; empty when nobody was named"
    )


class PlanIn(Schema):
    matters: list[str]
    actions: list[ActionIO] = Field(
        description="The whole list: a PUT replaces the plan's actions, so an action sent "
        "without `responsible` and `due_on` has no doer or date named"
    )
    follow_up: str
    lead_professionals: list[Id]
    next_contact: date
    confirm_identifying: Flag = Field(
        False,
        description="Save although the text seems to hold a phone number, an address, an email "
        "or a birth date (else 409 with warnings). Identity codes are refused always.",
    )


class PlanOut(Schema):
    meeting: int
    matters: list[str]
    actions: list[ActionOut]
    follow_up: str
    lead_professionals: list[int]
    leads: list[PersonRef]
    next_contact: date
    updated_at: datetime


class ReportRow(Schema):
    municipality: str
    held: int = Field(description="Held Yhdessä ajat (first meetings; follow-ups not counted)")
    follow_ups: int = Field(0, description="Held follow-up meetings (seurantatapaamiset)")


class ErrorOut(Schema):
    detail: str
