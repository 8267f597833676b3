from django import forms
from django.utils.translation import gettext_lazy as _

from yhdessa.meetings.forms import MultilineField
from yhdessa.meetings.models import Meeting
from yhdessa.plans.services import (
    ELSEWHERE_NEEDS_PLACE,
    FOLLOW_UP_MAX_LENGTH,
    MAX_ITEMS,
    MAX_TEXT,
    PLACE_MAX_LENGTH,
    PLAN_AFTER_HELD,
    check_plan,
    lead_candidates,
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
    home = MultilineField(
        label=_("a) Kotona"),
        max_length=LINES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=LINES_HELP,
    )
    everyday = MultilineField(
        label=_("b) Lapsen arjen ympäristössä (esim. varhaiskasvatuksessa tai koulussa)"),
        max_length=LINES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=LINES_HELP,
    )
    elsewhere_place_1 = forms.CharField(
        label=_("c) Muualla – missä?"), max_length=PLACE_MAX_LENGTH, required=False
    )
    elsewhere_text_1 = MultilineField(
        label=_("Mitä tehdään"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    elsewhere_place_2 = forms.CharField(
        label=_("Muualla – missä? (toinen paikka)"), max_length=PLACE_MAX_LENGTH, required=False
    )
    elsewhere_text_2 = MultilineField(
        label=_("Mitä tehdään"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
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

    def __init__(self, *args, meeting=None, candidates=None, **kwargs):
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

    def clean(self):
        """The plan's rules (the service's own) asked here too, so that the
        page shows every error at once, each next to its field."""
        data = super().clean()
        for n in (1, 2):
            if (
                data.get(f"elsewhere_text_{n}", "").strip()
                and not data.get(f"elsewhere_place_{n}", "").strip()
            ):
                self.add_error(f"elsewhere_place_{n}", str(ELSEWHERE_NEEDS_PLACE))
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
        return any(
            name in self.errors
            for name in (
                "home",
                "everyday",
                *(f"elsewhere_{k}_{n}" for k in ("place", "text") for n in (1, 2)),
            )
        )

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
        actions = [{"where": "home", "text": line} for line in data.get("home", "").splitlines()]
        actions += [
            {"where": "everyday_environment", "text": line}
            for line in data.get("everyday", "").splitlines()
        ]
        for n in (1, 2):
            text = data.get(f"elsewhere_text_{n}", "")
            place = data.get(f"elsewhere_place_{n}", "")
            if text.strip() or place.strip():
                actions.append({"where": "elsewhere", "place": place, "text": text})
        return actions

    @staticmethod
    def initial_from(plan) -> dict:
        actions = list(plan.actions.all())
        elsewhere = [a for a in actions if a.where == "elsewhere"]
        initial = {
            "matters": "\n".join(plan.matters),
            "follow_up": plan.follow_up,
            "next_contact": plan.next_contact,
            "lead_professionals": [str(p.pk) for p in plan.lead_professionals.all()],
            "home": "\n".join(a.text for a in actions if a.where == "home"),
            "everyday": "\n".join(a.text for a in actions if a.where == "everyday_environment"),
        }
        for n, action in enumerate(elsewhere[:2], start=1):
            initial[f"elsewhere_place_{n}"] = action.place
            initial[f"elsewhere_text_{n}"] = action.text
        return initial
