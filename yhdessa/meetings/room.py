"""The meeting room mode: the shape of a Yhdessä aika from the handbook
"Yhdessä ajan ABC" (our own words), its clock, and the drafts typed on the
table, saved as one goes so that a dropped connection loses nothing."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdessa.accounts.models import User
from yhdessa.errors import IdentifyingDataFound
from yhdessa.meetings.models import Meeting, RunSheet
from yhdessa.meetings.services import lock_as_convener
from yhdessa.privacy import identifying_data_warnings, identity_code_errors


@dataclass(frozen=True)
class Phase:
    code: str
    title: str
    prompt: str
    next: str = ""  # the code of the phase after it ("" for the last)


# In the handbook's order. The prompts are ours, in its spirit.
_PHASES = [
    (
        "room",
        gettext_lazy("Tila valmiiksi"),
        gettext_lazy(
            "Perhe valitsee paikkansa ensin. Lapsen viereen istuu hänelle turvallinen aikuinen. "
            "Piirustusvälineet ja lelut ovat lasten ulottuvilla."
        ),
    ),
    (
        "welcome",
        gettext_lazy("Tervetuloa ja esittäytyminen"),
        gettext_lazy(
            "Toivota kaikki tervetulleiksi ja kerro, kuka olet. Jokainen kertoo vuorollaan, "
            "mitä osaamista tuo tähän pöytään. Merkitse, ketkä ovat paikalla."
        ),
    ),
    (
        "situation",
        gettext_lazy("Perheen tilanne ja toiveet"),
        gettext_lazy(
            "Perhe kertoo omin sanoin, miksi tähän on kokoonnuttu ja mitä se toivoo tältä "
            "hetkeltä. Auta tarvittaessa tarkentavilla kysymyksillä – perheen tarina on perheen."
        ),
    ),
    (
        "review",
        gettext_lazy("Edellisen suunnitelman arviointi"),
        gettext_lazy(
            "Käykää yhdessä läpi, mitä sovituista toimista on tehty ja miten asiat ovat "
            "muuttuneet perheen omasta mielestä."
        ),
    ),
    (
        "star",
        gettext_lazy("Hyvinvoinnin tähti ja lapsen näkökulma"),
        gettext_lazy(
            "Käykää tähden alueet läpi vahvuuksista alkaen. Pitäkää lapsen näkökulma keskellä, "
            "vaikka lapsi ei olisi paikalla. Suunnatkaa keskustelua voimavaroihin ja ratkaisuihin."
        ),
    ),
    (
        "heard",
        gettext_lazy("Ymmärsimmekö toisemme?"),
        gettext_lazy(
            "Kysy perheeltä, miten se on ymmärtänyt sovitun ja haluaako se vielä sanoa jotain. "
            "Katso, että jokainen on saanut puheenvuoron ja erityisesti perhe on tullut kuulluksi."
        ),
    ),
    (
        "plan",
        gettext_lazy("Yhteenveto ja yhteinen suunnitelma"),
        gettext_lazy(
            "Kootkaa yhteen, mitä arjessa halutaan muuttaa, kuka tekee mitä ja mihin mennessä. "
            "Sopikaa yhteydenpito ja vastuutyöntekijä."
        ),
    ),
    (
        "close",
        gettext_lazy("Palaute, kiitos ja yhdessä lähteminen"),
        gettext_lazy(
            "Tulostakaa suunnitelma perheelle ja arvioikaa yhdessä, miten tapaaminen onnistui. "
            "Kiitä kaikkia. Lähtekää tilasta yhdessä, ettei perheelle jää tunnetta, että "
            "keskustelu jatkuu ilman sitä."
        ),
    ),
]


def phases_for(meeting: Meeting) -> list[Phase]:
    """The phases of this meeting: a follow-up reviews the earlier plan."""
    kept = [p for p in _PHASES if p[0] != "review" or meeting.is_follow_up]
    return [
        Phase(code, str(title), str(prompt), kept[i + 1][0] if i + 1 < len(kept) else "")
        for i, (code, title, prompt) in enumerate(kept)
    ]


# The clock says it is time for the summary and the plan when this share of
# the reserved time is left (at least SUMMARY_MINUTES_MIN minutes).
SUMMARY_SHARE = 0.25
SUMMARY_MINUTES_MIN = 15


@dataclass(frozen=True)
class Clock:
    starts_at: datetime
    summary_at: datetime
    ends_at: datetime


def clock(meeting: Meeting, sheet: RunSheet | None) -> Clock:
    """The reserved time, from when the convener started the clock (or the
    meeting's start), and the moment to move to the summary and the plan."""
    start = (sheet.clock_started_at if sheet else None) or meeting.starts_at
    reserved = timedelta(minutes=meeting.duration_minutes)
    before_end = max(reserved * SUMMARY_SHARE, timedelta(minutes=SUMMARY_MINUTES_MIN))
    before_end = min(before_end, reserved)
    return Clock(
        starts_at=start, summary_at=start + reserved - before_end, ends_at=start + reserved
    )


def lapset_puheeksi_url() -> str:
    return settings.LAPSET_PUHEEKSI_URL


def _sheet(meeting: Meeting) -> RunSheet:
    sheet, _created = RunSheet.objects.get_or_create(meeting=meeting)
    return RunSheet.objects.select_for_update().get(pk=sheet.pk)


def _lock(actor: User, meeting: Meeting) -> tuple[Meeting, RunSheet]:
    locked = lock_as_convener(actor, meeting)
    return locked, _sheet(locked)


@transaction.atomic
def start_clock(*, actor: User, meeting: Meeting, now: datetime | None = None) -> RunSheet:
    """The convener starts the reserved time's clock (again, if it was started)."""
    _locked, sheet = _lock(actor, meeting)
    sheet.clock_started_at = now or timezone.now()
    sheet.save(update_fields=["clock_started_at"])
    return sheet


CHILD_VIEW_MAX = RunSheet._meta.get_field("child_view").max_length
FRAME_NOTES_MAX = RunSheet._meta.get_field("frame_notes").max_length


@transaction.atomic
def record_discussion(
    *,
    actor: User,
    meeting: Meeting,
    frame: str,
    child_view: str,
    frame_notes: str = "",
    confirm_identifying: bool = False,
) -> RunSheet:
    """The frame of the discussion (the star or Lapset puheeksi), the
    child's view and, for Lapset puheeksi, its notes."""
    child_view = (child_view or "").replace("\r\n", "\n").strip()
    frame_notes = (frame_notes or "").replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    if frame not in RunSheet.Frame.values:
        errors["frame"] = _("Valitse keskustelun runko: Hyvinvoinnin tähti tai Lapset puheeksi.")
    for name, text, limit in (
        ("child_view", child_view, CHILD_VIEW_MAX),
        ("frame_notes", frame_notes, FRAME_NOTES_MAX),
    ):
        if len(text) > limit:
            errors[name] = _("Teksti on liian pitkä (enintään %(n)d merkkiä).") % {"n": limit}
    errors.update(identity_code_errors(child_view=child_view, frame_notes=frame_notes))
    _locked, sheet = _lock(actor, meeting)
    if errors:
        raise ValidationError(errors)
    warnings = [] if confirm_identifying else identifying_data_warnings([child_view, frame_notes])
    if warnings:
        raise IdentifyingDataFound(warnings)
    sheet.frame, sheet.child_view, sheet.frame_notes = frame, child_view, frame_notes
    sheet.draft = {
        k: v for k, v in sheet.draft.items() if k not in ("child_view", "frame_notes", "frame")
    }
    sheet.save(update_fields=["frame", "child_view", "frame_notes", "draft"])
    return sheet


# A draft is what the page's fields hold: their names, their texts.
DRAFT_KEY = re.compile(r"\A[a-z][a-z_]{0,40}(_\d{1,19})?\Z")
DRAFT_MAX_FIELDS = 200
DRAFT_MAX_TEXT = 4000


@dataclass
class DraftResult:
    saved_at: datetime
    # Fields not kept, with the reason (an identity code is never stored).
    refused: dict[str, str]


@transaction.atomic
def save_draft(*, actor: User, meeting: Meeting, fields: dict) -> DraftResult:
    """The texts typed so far, merged field by field into the meeting's
    draft (two tabs each keep their own fields). A field holding an identity
    code is not stored: its reason comes back for the page to show."""
    if not isinstance(fields, dict) or len(fields) > DRAFT_MAX_FIELDS:
        raise ValidationError({"fields": _("Luonnoksen kentät puuttuvat tai niitä on liikaa.")})
    clean: dict[str, str] = {}
    for key, value in fields.items():
        if not isinstance(key, str) or not DRAFT_KEY.match(key) or not isinstance(value, str):
            raise ValidationError({"fields": _("Luonnoksessa on tuntematon kenttä.")})
        if len(value) > DRAFT_MAX_TEXT:
            raise ValidationError(
                {key: _("Teksti on liian pitkä (enintään %(n)d merkkiä).") % {"n": DRAFT_MAX_TEXT}}
            )
        clean[key] = value.replace("\r\n", "\n")
    refused = identity_code_errors(**clean)
    _locked, sheet = _lock(actor, meeting)
    draft = dict(sheet.draft)
    for key, value in clean.items():
        if key in refused:
            draft.pop(key, None)
        else:
            draft[key] = value
    if len(draft) > DRAFT_MAX_FIELDS:
        raise ValidationError({"fields": _("Luonnoksen kentät puuttuvat tai niitä on liikaa.")})
    sheet.draft = draft
    sheet.draft_saved_at = timezone.now()
    sheet.save(update_fields=["draft", "draft_saved_at"])
    return DraftResult(saved_at=sheet.draft_saved_at, refused=refused)


def clear_drafts(meeting: Meeting, keys) -> None:
    """Drafts of fields just saved for real are no longer drafts."""
    sheet = RunSheet.objects.select_for_update().filter(meeting=meeting).first()
    if sheet is None:
        return
    keys = set(keys)
    kept = {
        k: v
        for k, v in sheet.draft.items()
        if k not in keys and not any(k.startswith(p) for p in keys if p.endswith("_"))
    }
    if kept != sheet.draft:
        sheet.draft = kept
        sheet.save(update_fields=["draft"])
