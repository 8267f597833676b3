from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yhdessa.families.models import Concern, ConcernTopic, Family


class ConcernForm(forms.Form):
    # A one-time token: Back and save again, or a double click, records the
    # family once.
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    alias = forms.CharField(
        label=_("Perheen tunnus"),
        max_length=60,
        help_text=_(
            "Lyhyt tunnus, jolla tunnistat perheen, esim. ”Perhe K”. Ei nimiä eikä henkilötunnuksia."
        ),
    )
    children_birth_years = forms.CharField(
        label=_("Lasten syntymävuodet"),
        max_length=100,
        help_text=_("Erota pilkulla, esim. 2019, 2022."),
    )
    email = forms.EmailField(label=_("Perheen sähköposti kutsuja varten"), required=False)
    phone = forms.CharField(label=_("Perheen puhelin"), max_length=40, required=False)
    language = forms.ChoiceField(
        label=_("Perheen asiointikieli"), choices=Family.Language.choices, initial="fi"
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
        max_length=2000,
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
