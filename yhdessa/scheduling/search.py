"""The convener's slot search: from a concern, a team and the expertise the
family needs to the finder's input, and its answer back in words.

The finder itself (``yhdessa.scheduling.finder``) is pure; this module reads
the database once (people, busy times, the room) and writes out the
explanation in the reader's language."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from yhdessa.formats import time_of_day
from yhdessa.network.models import Expertise, FamilyCentreTeam, Professional
from yhdessa.network.practice import earliest_meeting_day, windows_of
from yhdessa.network.working_days import holidays_between
from yhdessa.scheduling import finder
from yhdessa.scheduling.availability import HORIZON_DAYS, busy_by_person, room_busy
from yhdessa.scheduling.rooms import bookable_room

MAX_NEEDS = 10
MAX_FAMILY_TIMES = 10


@dataclass
class SlotRequest:
    """What the convener asks for."""

    needs: list[str]  # expertise codes
    required: set[int] = field(default_factory=set)
    optional: set[int] = field(default_factory=set)
    # The person the family named for an expertise: only they cover it.
    named: dict[str, int] = field(default_factory=dict)
    family_times: list[tuple[datetime, datetime]] | None = None
    room_id: int | None = None
    duration_minutes: int = 90
    waive_deadline: bool = False
    waive_windows: bool = False
    day_from: date | None = None
    day_to: date | None = None
    count: int = 3
    # Explain an empty answer (costs a few more searches).
    why_not: bool = True


@dataclass
class SlotAnswer:
    slots: list[finder.Slot]
    explanation: finder.Explanation | None
    people: dict[int, Professional]
    expertise: dict[str, str]
    # Who may cover each need, and who is asking: the reasons name them.
    candidates: dict[str, tuple[int, ...]] = field(default_factory=dict)
    convener_id: int | None = None

    def cover_rows(self, slot: finder.Slot) -> list[tuple[str, Professional]]:
        """Who covers which expertise at a slot, by name."""
        return [(self.expertise.get(c, c), self.people[p]) for c, p in slot.cover.items()]

    @property
    def slot_rows(self) -> list[dict]:
        """Each slot with who covers what, for the page's chips."""
        return [
            {
                "slot": slot,
                "covers": self.cover_rows(slot),
                "cover_ids": ",".join(str(p) for p in dict.fromkeys(slot.cover.values())),
            }
            for slot in self.slots
        ]

    def reason_texts(self) -> list[str]:
        if self.explanation is None:
            return []
        return [reason_text(r, self) for r in self.explanation.reasons]

    def suggestion_texts(self) -> list[tuple[str, finder.Suggestion]]:
        if self.explanation is None:
            return []
        return [(suggestion_text(s, self), s) for s in self.explanation.suggestions]


def _members_with(people: list[Professional], code: str) -> list[Professional]:
    return [p for p in people if code in {e.code for e in p.expertise.all()}]


def build_search(
    request: SlotRequest,
    *,
    convener: Professional,
    team: FamilyCentreTeam | None,
    invitable: list[Professional],
    municipality_id: int,
    now: datetime | None = None,
    exclude_meeting: int | None = None,
    exclude_poll: int | None = None,
) -> tuple[finder.Search, dict[int, Professional]]:
    """The finder's input for this request, and the people it names."""
    now = now or timezone.now()
    errors = {}
    known = {e.code for e in Expertise.objects.filter(code__in=request.needs)}
    if len(request.needs) > MAX_NEEDS:
        errors["needs"] = _("Enintään %(n)d osaamista kerralla.") % {"n": MAX_NEEDS}
    elif set(request.needs) - known:
        errors["needs"] = _("Tuntematon osaaminen.")
    if not 15 <= request.duration_minutes <= 480:
        errors["duration_minutes"] = _("Varatun ajan pitää olla 15–480 minuuttia.")
    if request.family_times is not None and len(request.family_times) > MAX_FAMILY_TIMES:
        errors["family_times"] = _("Enintään %(n)d perheen aikaa.") % {"n": MAX_FAMILY_TIMES}
    by_id = {p.pk: p for p in invitable}
    asked = request.required | request.optional | set(request.named.values())
    if asked - set(by_id) - {convener.pk}:
        errors["invitees"] = _("Kutsuttavien pitää olla perhekeskustiimin aktiivisia jäseniä.")
    if errors:
        raise ValidationError(errors)
    if request.room_id:
        # Only a room the convener may book: another's bookings are not for probing.
        bookable_room(convener, municipality_id, request.room_id, team)
    # Others of the municipality with the same expertise: suggested when the
    # team's own members cannot make it.
    others = list(
        Professional.objects.filter(
            municipality_id=municipality_id,
            is_active=True,
            expertise__code__in=request.needs,
        )
        .exclude(pk__in=[*by_id, convener.pk])
        .prefetch_related("expertise")
        .distinct()
        .order_by("name", "pk")
    )
    members = sorted(invitable, key=lambda p: (p.name, p.pk))
    needs = []
    for code in dict.fromkeys(request.needs):
        if code in request.named:
            candidates = [request.named[code]]
        else:
            candidates = [p.pk for p in _members_with(members, code)]
            if code in {e.code for e in convener.expertise.all()}:
                candidates.insert(0, convener.pk)
        alternatives = [
            p.pk for p in _members_with(members + others, code) if p.pk not in candidates
        ]
        needs.append(finder.Need(code, tuple(candidates), tuple(alternatives)))
    everyone = {convener.pk, *asked} | {p for n in needs for p in (*n.candidates, *n.alternatives)}
    people = {p.pk: p for p in [*members, *others, convener] if p.pk in everyone}
    horizon_end = now + timedelta(days=HORIZON_DAYS + 1)
    busy = busy_by_person(
        everyone,
        start=now,
        end=horizon_end,
        exclude_meeting=exclude_meeting,
        exclude_team=team.pk if team and team.kind == FamilyCentreTeam.Kind.STANDING else None,
        exclude_poll=exclude_poll,
    )
    practice = getattr(team, "practice", None) if team else None
    today = timezone.localtime(now).date()
    search = finder.Search(
        start=now,
        duration=timedelta(minutes=request.duration_minutes),
        needs=needs,
        required=frozenset({convener.pk, *request.required, *request.named.values()}),
        optional=frozenset(request.optional - request.required),
        fixed=frozenset({convener.pk}),
        windows=windows_of(practice) if practice else [],
        busy=busy,
        earliest_day=earliest_meeting_day(practice, today),
        family_times=request.family_times,
        room_busy=room_busy(
            request.room_id, start=now, end=horizon_end, exclude_meeting=exclude_meeting
        )
        if request.room_id
        else None,
        holidays=holidays_between(today, today + timedelta(days=HORIZON_DAYS + 1)),
        waive_deadline=request.waive_deadline,
        waive_windows=request.waive_windows,
        days=HORIZON_DAYS,
        count=request.count,
        tz=timezone.get_current_timezone(),
    )
    return search, people


def find(request: SlotRequest, **context) -> SlotAnswer:
    """The earliest slots; with a period asked for, the slots of that period
    and, when it has fewer than wanted, why and what would open one."""
    search, people = build_search(request, **context)
    expertise = {e.code: e.name for e in Expertise.objects.filter(code__in=request.needs)}
    if request.day_from:
        day_to = request.day_to or request.day_from + timedelta(days=6)
        explanation = finder.explain(search, day_from=request.day_from, day_to=day_to)
        slots = explanation.slots
        if len(slots) >= request.count:
            explanation = None
    else:
        slots = finder.find_slots(search)
        explanation = None
        if not slots and request.why_not:
            today = timezone.localtime(search.start).date()
            explanation = finder.explain(
                search, day_from=today, day_to=today + timedelta(days=HORIZON_DAYS - 1)
            )
    # The people a suggestion names are needed by name too.
    if explanation is not None:
        wanted = {
            v for s in explanation.suggestions for k, v in s.params.items() if k == "person"
        } | {v for r in explanation.reasons for k, v in r.params.items() if k == "person"}
        missing = wanted - set(people)
        if missing:
            people.update({p.pk: p for p in Professional.objects.filter(pk__in=missing)})
    return SlotAnswer(
        slots=slots,
        explanation=explanation,
        people=people,
        expertise=expertise,
        candidates={n.code: n.candidates for n in search.needs},
        convener_id=context["convener"].pk,
    )


def _when(iso: str) -> str:
    at = timezone.localtime(datetime.fromisoformat(iso))
    return f"{formats.date_format(at, 'D j.n.Y')} {time_of_day(at)}"


def _day(iso: str) -> str:
    return formats.date_format(date.fromisoformat(iso), "D j.n.Y")


def _name(answer: SlotAnswer, pid) -> str:
    person = answer.people.get(pid)
    return person.name if person else "?"


def reason_text(reason: finder.Reason, answer: SlotAnswer) -> str:
    """A reason the period has no slot, in the reader's language."""
    p = reason.params
    share = {"blocked": p.get("blocked", 0), "of": p.get("of", 0)}
    if reason.code == "past":
        return _("Ajanjakso on jo mennyt.")
    if reason.code == "no_window":
        return _("Ajanjaksolla ei ole tiimin kokoontumisaikoja.")
    if reason.code == "holiday":
        return _("%(day)s on arkipyhä.") % {"day": _day(p["day"])}
    if reason.code == "deadline":
        return _("Kutsukäytännön määräaika on mennyt: aikaisin mahdollinen päivä on %(day)s.") % {
            "day": _day(p["earliest_day"])
        }
    everywhere = share["blocked"] == share["of"]
    if reason.code == "need":
        who = ", ".join(_name(answer, pid) for pid in answer.candidates.get(p["need"], ()))
        values = {"need": answer.expertise.get(p["need"], p["need"]), "who": who or "–", **share}
        if everywhere:
            return (
                _("%(need)s (%(who)s): kukaan ei ole vapaana yhtenäkään mahdollisena aikana.")
                % values
            )
        return _("%(need)s (%(who)s): ei vapaana %(blocked)d ajassa %(of)d mahdollisesta.") % values
    if reason.code == "person":
        if p["person"] == answer.convener_id:
            return (
                _("Olet itse varattu kaikkina mahdollisina aikoina.")
                if everywhere
                else _("Olet itse varattu %(blocked)d ajassa %(of)d mahdollisesta.") % share
            )
        values = {"name": _name(answer, p["person"]), **share}
        if everywhere:
            return _("%(name)s on varattu kaikkina mahdollisina aikoina.") % values
        return _("%(name)s on varattu %(blocked)d ajassa %(of)d mahdollisesta.") % values
    if reason.code == "family":
        return (
            _("Perheelle sopivat ajat eivät osu (%(blocked)d/%(of)d mahdollisesta ajasta).") % share
        )
    if reason.code == "room":
        return _("Tila on varattu (%(blocked)d/%(of)d mahdollisesta ajasta).") % share
    return reason.code


def suggestion_text(suggestion: finder.Suggestion, answer: SlotAnswer) -> str:
    """What would open a slot, in the reader's language."""
    p = suggestion.params
    when = _when(p["starts_at"])
    if suggestion.code == "later":
        return _("Myöhemmin: ensimmäinen vapaa aika on %(when)s.") % {"when": when}
    if suggestion.code == "other_member":
        return _("%(name)s (%(need)s) pääsisi: %(when)s.") % {
            "name": _name(answer, p["person"]),
            "need": answer.expertise.get(p["need"], p["need"]),
            "when": when,
        }
    if suggestion.code == "make_optional":
        return _("Ilman kutsuttavaa %(name)s (tai hänet valinnaisena): %(when)s.") % {
            "name": _name(answer, p["person"]),
            "when": when,
        }
    if suggestion.code == "waive_deadline":
        return _("Poikkeamalla kutsukäytännön määräajasta: %(when)s.") % {"when": when}
    if suggestion.code == "waive_windows":
        return _("Tiimin kokoontumisaikojen ulkopuolella (poikkeus): %(when)s.") % {"when": when}
    return suggestion.code
