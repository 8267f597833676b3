from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yhdessa.families.models import Concern, ConcernTopic, Family
from yhdessa.families.services import (
    ALIAS_MAX,
    CLOSE_NOTE_MAX,
    EMAIL_MAX,
    PHONE_MAX,
    SUMMARY_MAX,
    check_concern_input,
)
from yhdessa.network.models import FamilyCentreArea


class ConcernForm(forms.Form):
    # A one-time token: Back and save again, or a double click, records the
    # family once.
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    alias = forms.CharField(
        label=_("Perheen tunnus"),
        max_length=ALIAS_MAX,
        help_text=_(
            "Lyhyt tunnus, jolla tunnistat perheen, esim. ”Perhe K”. Ei nimiä eikä henkilötunnuksia."
        ),
    )
    children_birth_years = forms.CharField(
        label=_("Lasten syntymävuodet"),
        max_length=100,
        help_text=_("Erota pilkulla, esim. 2019, 2022."),
    )
    email = forms.EmailField(
        label=_("Perheen sähköposti kutsuja varten"), required=False, max_length=EMAIL_MAX
    )
    phone = forms.CharField(label=_("Perheen puhelin"), max_length=PHONE_MAX, required=False)
    language = forms.ChoiceField(
        label=_("Perheen asiointikieli"), choices=Family.Language.choices, initial="fi"
    )
    area = forms.ModelChoiceField(
        label=_("Perhekeskusalue"),
        queryset=FamilyCentreArea.objects.none(),
        required=False,
        empty_label=_("(ei aluetta)"),
        help_text=_("Alue, jonka perhekeskuksen piiriin perhe kuuluu."),
    )
    channel = forms.ChoiceField(
        label=_("Miten huoli tuli esiin"),
        choices=Concern.Channel.choices,
        initial=Concern.Channel.LOCAL_WORKER,
        widget=forms.RadioSelect,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Aiheet"),
        queryset=ConcernTopic.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Lyhyt kuvaus"),
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vain olennainen, perheen kanssa sovitusti."),
    )
    existing_support = forms.BooleanField(
        label=_("Perheellä on jo tässä asiassa asiakkuus varhaisen tai erityisen tuen palveluissa"),
        required=False,
    )
    consent = forms.BooleanField(
        label=_("Perhe on antanut suostumuksensa Yhdessä ajan koollekutsumiseen"),
        required=False,
    )

    def __init__(self, *args, municipality_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.municipality_id = municipality_id
        areas = list(FamilyCentreArea.objects.filter(municipality_id=municipality_id))
        if not areas:
            del self.fields["area"]  # nothing to choose from
            return
        self.fields["area"].queryset = FamilyCentreArea.objects.filter(
            municipality_id=municipality_id
        )
        self.fields["area"].label_from_instance = lambda area: area.name
        if len(areas) == 1:
            self.fields["area"].initial = areas[0].pk

    def clean_children_birth_years(self) -> list[int]:
        raw = self.cleaned_data["children_birth_years"]
        parts = [p.strip() for p in raw.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
        try:
            return [int(p) for p in parts]
        except ValueError:
            raise forms.ValidationError(
                _("Kirjoita syntymävuodet numeroina, esim. %(year)d.")
                % {"year": timezone.localdate().year - 3}
            ) from None

    def clean(self):
        """The service's own checks, run here too, so that every error shows
        at once next to its field (not one round after another)."""
        data = super().clean()
        area = data.get("area")
        checked = check_concern_input(
            municipality_id=self.municipality_id,
            alias=data.get("alias", ""),
            children_birth_years=data.get("children_birth_years", []),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            language=data.get("language", Family.Language.FI),
            channel=data.get("channel", Concern.Channel.LOCAL_WORKER),
            topic_codes=[t.code for t in data.get("topics", [])],
            summary=data.get("summary", ""),
            consent=data.get("consent") is True,
            area_id=area.pk if area else None,
        )
        for name, message in checked.errors.items():
            # A field that failed its own check already says what is wrong.
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
            elif name not in self.fields:
                self.add_error(None, message)
        return data


class CloseConcernForm(forms.Form):
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    reason = forms.ChoiceField(
        label=_("Miksi huoli suljetaan?"),
        choices=Concern.CloseReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Lisätieto"),
        max_length=CLOSE_NOTE_MAX,
        required=False,
        help_text=_("Pakollinen, jos syy on ”muu syy”. Ei nimiä eikä henkilötunnuksia."),
    )


class WithdrawConsentForm(forms.Form):
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    confirm = forms.BooleanField(
        label=_(
            "Perhe on perunut suostumuksensa. Perheeseen ei enää oteta yhteyttä eikä "
            "tapaamisista lähetetä viestejä."
        ),
        error_messages={"required": _("Vahvista, että perhe on perunut suostumuksensa.")},
    )
