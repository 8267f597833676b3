from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from yhdessa.meetings.forms import MultilineField
from yhdessa.meetings.models import Meeting
from yhdessa.plans.follow_up import NOTE_MAX_LENGTH, OUTCOMES
from yhdessa.plans.models import FollowUpContact
from yhdessa.plans.services import (
    ELSEWHERE_NEEDS_PLACE,
    FOLLOW_UP_MAX_LENGTH,
    MAX_ITEMS,
    MAX_TEXT,
    PLACE_MAX_LENGTH,
    PLAN_AFTER_HELD,
    check_plan,
    lead_candidates,
    responsible_organisations,
    responsible_people,
)
from yhdessa.web import add_service_errors

LINES_HELP = _("Yksi asia riville.")
CONFIRM_IDENTIFYING = _("Tiedot kuuluvat tähän: tallenna ne silti")
# A box of one item a line holds at most MAX_ITEMS lines of MAX_TEXT characters
# (the service checks each line; the browser can only count the whole box).
LINES_MAX_LENGTH = MAX_ITEMS * (MAX_TEXT + 1) - 1


class PlanForm(forms.Form):
    matters = MultilineField(
        label=_(
            "Konkreettiset asiat lapsen tai perheen arjessa, joihin tarvitaan muutosta tai ratkaisuja"
        ),
        max_length=LINES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=LINES_HELP,
    )
    follow_up = MultilineField(
        label=_("Miten yhteydenpito toteutetaan"),
        max_length=FOLLOW_UP_MAX_LENGTH,
        help_text=_(
            "Miten työntekijä on yhteydessä perheeseen ja miten perhe voi olla yhteydessä työntekijään."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_professionals = forms.MultipleChoiceField(
        label=_("Vastuutyöntekijä (yksi tai pari)"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tapaamiseen osallistunut ammattilainen julkisesta palvelusta; pitää yhteyttä "
            "perheeseen ja verkostoon."
        ),
    )
    next_contact = forms.DateField(
        label=_("Seuraava yhteydenotto (sovittu perheen kanssa)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Shown only when the text seems to hold identifying data (see privacy.py).
    confirm_identifying = forms.BooleanField(label=CONFIRM_IDENTIFYING, required=False)

    def __init__(self, *args, meeting=None, candidates=None, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only those who attended the meeting can be named its lead.
        self.meeting = meeting
        if candidates is None:
            candidates = lead_candidates(meeting) if meeting is not None else []
        self.fields["lead_professionals"].choices = [
            (str(p.pk), f"{p.name}, {p.title}" if p.title else p.name) for p in candidates
        ]
        # Errors about the actions as a whole, shown in the actions' section.
        self.action_errors: list[str] = []
        self.rows = self._row_count(rows)
        who = self._who_choices()
        for n in range(1, self.rows + 1):
            self.fields[f"action_where_{n}"] = forms.ChoiceField(
                label=_("Missä"), choices=WHERE_CHOICES, required=False
            )
            self.fields[f"action_place_{n}"] = forms.CharField(
                label=_("Muualla – missä?"), max_length=PLACE_MAX_LENGTH, required=False
            )
            self.fields[f"action_text_{n}"] = MultilineField(
                label=_("Mitä tehdään"),
                max_length=MAX_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"action_who_{n}"] = forms.ChoiceField(
                label=_("Kuka tekee"), choices=who, required=False
            )
            self.fields[f"action_due_{n}"] = forms.DateField(
                label=_("Mihin mennessä"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )

    @property
    def adding_rows(self) -> bool:
        """The writer asked for more action rows: nothing is checked or saved yet."""
        return self.is_bound and bool(self.data.get("more_rows"))

    def full_clean(self):
        if self.adding_rows:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        return not self.adding_rows and super().is_valid()

    def _row_count(self, rows) -> int:
        """As many action rows as the page sent (plus more when asked), or
        the given number; at least one, at most the plan's limit."""
        if self.is_bound:
            try:
                rows = int(self.data.get("action_rows", 0))
            except (TypeError, ValueError):
                rows = 0
            if self.data.get("more_rows"):
                rows += 2
        return max(1, min(rows or DEFAULT_ROWS, MAX_ITEMS))

    def _who_choices(self) -> list[tuple[str, str]]:
        choices = [("", _("– ei nimetty –")), ("family", _("Perhe"))]
        if self.meeting is not None:
            people = [
                (f"p:{p.pk}", f"{p.name}, {p.title}" if p.title else p.name)
                for p in responsible_people(self.meeting)
            ]
            organisations = [
                (f"o:{o.pk}", o.local_name) for o in responsible_organisations(self.meeting)
            ]
            if people:
                choices.append((_("Työntekijä"), people))
            if organisations:
                choices.append((_("Organisaatio"), organisations))
        return choices

    def row_fields(self):
        """The action rows for the template: (number, where, place, text, who, due)."""
        return [
            (n, *(self[f"action_{k}_{n}"] for k in ("where", "place", "text", "who", "due")))
            for n in range(1, self.rows + 1)
        ]

    def clean(self):
        """The plan's rules (the service's own) asked here too, so that the
        page shows every error at once, each next to its field."""
        data = super().clean()
        for n in range(1, self.rows + 1):
            if (
                data.get(f"action_where_{n}") == "elsewhere"
                and data.get(f"action_text_{n}", "").strip()
                and not data.get(f"action_place_{n}", "").strip()
            ):
                self.add_error(f"action_place_{n}", str(ELSEWHERE_NEEDS_PLACE))
        if self.meeting is not None and self.meeting.status != Meeting.Status.HELD:
            self.add_error(None, str(PLAN_AFTER_HELD))
        elif self.meeting is not None:
            errors, _clean = check_plan(
                meeting=self.meeting,
                matters=data.get("matters", "").splitlines(),
                actions=self.actions() if not self._action_field_errors() else [],
                follow_up=data.get("follow_up", ""),
                lead_ids=[int(p) for p in data.get("lead_professionals", [])],
                next_contact=data.get("next_contact"),
            )
            if self._action_field_errors():
                errors.pop("actions", None)
            self.add_service_errors(errors)
        return data

    def _action_field_errors(self) -> bool:
        return any(name.startswith("action_") for name in self.errors)

    def add_service_errors(self, errors) -> None:
        """The service's errors on the form: each next to its field (a field
        that already shows an error keeps just that one); those about the
        actions as a whole in the actions' section."""
        if not isinstance(errors, dict):  # a ValidationError from the service
            if not hasattr(errors, "error_dict"):
                add_service_errors(self, errors)
                return
            errors = {k: " ".join(v) for k, v in errors.message_dict.items()}
        for field, message in errors.items():
            if field == "actions":
                if message not in self.action_errors:
                    self.action_errors.append(message)
            elif field not in self.errors:
                self.add_error(field if field in self.fields else None, message)

    def actions(self) -> list[dict]:
        data = self.cleaned_data
        actions = []
        for n in range(1, self.rows + 1):
            text = data.get(f"action_text_{n}", "")
            place = data.get(f"action_place_{n}", "")
            if not (text.strip() or place.strip()):
                continue
            action = {
                "where": data.get(f"action_where_{n}") or "home",
                "place": place,
                "text": text,
                "due_on": data.get(f"action_due_{n}"),
                **_who(data.get(f"action_who_{n}", "")),
            }
            actions.append(action)
        return actions

    @staticmethod
    def initial_from(plan) -> dict:
        initial = {
            "matters": "\n".join(plan.matters),
            "follow_up": plan.follow_up,
            "next_contact": plan.next_contact,
            "lead_professionals": [str(p.pk) for p in plan.lead_professionals.all()],
        }
        for n, action in enumerate(plan.actions.all(), start=1):
            initial[f"action_where_{n}"] = action.where
            initial[f"action_place_{n}"] = action.place
            initial[f"action_text_{n}"] = action.text
            initial[f"action_due_{n}"] = action.due_on
            initial[f"action_who_{n}"] = (
                f"p:{action.responsible_professional_id}"
                if action.responsible_professional_id
                else f"o:{action.responsible_organisation_id}"
                if action.responsible_organisation_id
                else action.responsible
            )
        return initial

    @staticmethod
    def rows_for(plan) -> int:
        """Room for the plan's actions and two more (three for a new plan)."""
        return len(plan.actions.all()) + 2 if plan else DEFAULT_ROWS


DEFAULT_ROWS = 3
WHERE_CHOICES = [
    ("home", _("a) Kotona")),
    ("everyday_environment", _("b) Lapsen arjen ympäristössä")),
    ("elsewhere", _("c) Muualla")),
]


def _who(value: str) -> dict:
    """A "who does it" choice as the service takes it."""
    kind, _sep, pk = (value or "").partition(":")
    if kind == "p" and pk.isdigit():
        return {"responsible": "professional", "professional": int(pk)}
    if kind == "o" and pk.isdigit():
        return {"responsible": "organisation", "organisation": int(pk)}
    if value == "family":
        return {"responsible": "family"}
    return {"responsible": ""}


class ContactLogForm(forms.Form):
    """The lead's contact with the family, and the next one agreed."""

    on = forms.DateField(
        label=_("Milloin olitte yhteydessä"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    how = forms.ChoiceField(
        label=_("Miten"), choices=FollowUpContact.How.choices, widget=forms.RadioSelect
    )
    note = MultilineField(
        label=_("Lyhyt muistiinpano (vapaaehtoinen)"),
        help_text=_(
            "Vain olennainen seurannan kannalta. Ei tunnistetietoja eikä henkilötunnuksia."
        ),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_contact = forms.DateField(
        label=_("Seuraava yhteydenotto (sovittu perheen kanssa)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    confirm_identifying = forms.BooleanField(label=CONFIRM_IDENTIFYING, required=False)


class HandoverForm(forms.Form):
    to = forms.ChoiceField(label=_("Uusi vastuutyöntekijä"))
    family_told = forms.BooleanField(
        label=_(
            "Perheelle lähtee viesti uudesta vastuutyöntekijästä, ja hänelle itselleen ilmoitus."
        ),
        error_messages={
            "required": _("Vahvista, että perheelle ja uudelle vastuutyöntekijälle kerrotaan.")
        },
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("– valitse –"))] + [
            (str(p.pk), f"{p.name}, {p.organisation.local_name}") for p in candidates
        ]


class ShareForm(forms.Form):
    professional = forms.ChoiceField(label=_("Kenelle"))
    family_consents = forms.BooleanField(
        label=_("Perhe on antanut luvan, että tämä henkilö saa lukea suunnitelman."),
        error_messages={
            "required": _(
                "Suunnitelman saa jakaa vain perheen luvalla: kysy perheeltä ja merkitse lupa."
            )
        },
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professional"].choices = [("", _("– valitse –"))] + [
            (str(p.pk), f"{p.name}, {p.organisation.local_name}") for p in candidates
        ]


class CloseOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Miten perheen Yhdessä aika päättyy"),
        choices=[(o.value, o.label) for o in OUTCOMES],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Lisätieto (vapaaehtoinen, muu syy: pakollinen)"),
        max_length=200,
        required=False,
    )
