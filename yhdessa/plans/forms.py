from django import forms
from django.utils.translation import gettext_lazy as _

LINES_HELP = _("Yksi asia riville.")
CONFIRM_IDENTIFYING = _("Tiedot kuuluvat tähän: tallenna ne silti")


class PlanForm(forms.Form):
    matters = forms.CharField(
        label=_(
            "Konkreettiset asiat lapsen tai perheen arjessa, joihin tarvitaan muutosta tai ratkaisuja"
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=LINES_HELP,
    )
    home = forms.CharField(
        label=_("a) Kotona"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=LINES_HELP,
    )
    everyday = forms.CharField(
        label=_("b) Lapsen arjen ympäristössä (esim. varhaiskasvatuksessa tai koulussa)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=LINES_HELP,
    )
    elsewhere_place_1 = forms.CharField(
        label=_("c) Muualla – missä?"), max_length=200, required=False
    )
    elsewhere_text_1 = forms.CharField(
        label=_("Mitä tehdään"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    elsewhere_place_2 = forms.CharField(
        label=_("Muualla – missä? (toinen paikka)"), max_length=200, required=False
    )
    elsewhere_text_2 = forms.CharField(
        label=_("Mitä tehdään"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.CharField(
        label=_("Miten yhteydenpito toteutetaan"),
        help_text=_(
            "Miten työntekijä on yhteydessä perheeseen ja miten perhe voi olla yhteydessä työntekijään."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_professionals = forms.MultipleChoiceField(
        label=_("Vastuutyöntekijä (yksi tai pari)"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Ammattilainen julkisesta palvelusta; pitää yhteyttä perheeseen ja verkostoon."
        ),
    )
    next_contact = forms.DateField(
        label=_("Seuraava yhteydenotto (sovittu perheen kanssa)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Shown only when the text seems to hold identifying data (see privacy.py).
    confirm_identifying = forms.BooleanField(label=CONFIRM_IDENTIFYING, required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_professionals"].choices = [
            (str(p.pk), f"{p.name}, {p.title}" if p.title else p.name) for p in candidates
        ]

    def actions(self) -> list[dict]:
        data = self.cleaned_data
        actions = [{"where": "home", "text": line} for line in data["home"].splitlines()]
        actions += [
            {"where": "everyday_environment", "text": line}
            for line in data["everyday"].splitlines()
        ]
        for n in (1, 2):
            if data[f"elsewhere_text_{n}"].strip() or data[f"elsewhere_place_{n}"].strip():
                actions.append(
                    {
                        "where": "elsewhere",
                        "place": data[f"elsewhere_place_{n}"],
                        "text": data[f"elsewhere_text_{n}"],
                    }
                )
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
