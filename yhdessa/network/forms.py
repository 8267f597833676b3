from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from yhdessa.network.models import (
    LANGUAGES_OF_SERVICE,
    Expertise,
    FamilyCentreArea,
    FamilyCentreTeam,
    InvitationPractice,
    Municipality,
    Organisation,
    Professional,
    TaskArea,
)
from yhdessa.network.services import PRACTICE_FIELDS

WEEKDAY_CHOICES = [("", "–")] + [(str(k), v) for k, v in WEEKDAYS.items()]
SLOT_ROWS = 3


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Nimi, nimike tai organisaatio"), required=False)
    expertise = forms.ModelChoiceField(
        label=_("Osaaminen"),
        queryset=Expertise.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("kaikki"),
    )
    municipality = forms.ModelChoiceField(
        label=_("Kunta"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("kaikki"),
    )
    area = forms.ModelChoiceField(
        label=_("Perhekeskusalue"),
        required=False,
        queryset=FamilyCentreArea.objects.select_related("municipality"),
        empty_label=_("kaikki"),
    )
    language = forms.ChoiceField(
        label=_("Kieli"), required=False, choices=[("", _("kaikki")), *LANGUAGES_OF_SERVICE]
    )
    sector = forms.ChoiceField(
        label=_("Sektori"),
        required=False,
        choices=[("", _("kaikki")), *Organisation.Sector.choices],
    )


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Verkkosivu"), required=False, assume_scheme="https")
    languages = forms.MultipleChoiceField(
        label=_("Palvelukielet"),
        choices=LANGUAGES_OF_SERVICE,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Toimii kunnissa"),
        queryset=Municipality.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Perhekeskusalueet"),
        queryset=FamilyCentreArea.objects.select_related("municipality"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    task_areas = forms.ModelMultipleChoiceField(
        label=_("Perhekeskuksen tehtäväalueet, joilla organisaatio tarjoaa palveluja"),
        queryset=TaskArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Näkyy palvelukartalla kaikissa kunnissa, joissa organisaatio toimii."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "sector", "business_id", "email", "phone", "address", "website"]

    def _post_clean(self):
        """Skip ModelForm's model step: it would copy the posted values into the
        instance before the service snapshots it for the change log (which
        would then record nothing). The service validates and saves."""


class ProfessionalForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Kielet"),
        choices=LANGUAGES_OF_SERVICE,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("Osaaminen"),
        queryset=Expertise.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Professional
        fields = ["name", "title", "organisation", "municipality", "email", "phone", "is_active"]

    def _post_clean(self):
        """Skip ModelForm's model step: it would copy the posted values into the
        instance before the service snapshots it for the change log (which
        would then record nothing). The service validates and saves."""


class PracticeForm(forms.ModelForm):
    class Meta:
        model = InvitationPractice
        fields = PRACTICE_FIELDS
        widgets = {
            "deadline_weekday": forms.Select(choices=WEEKDAY_CHOICES[1:]),
            "instructions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(SLOT_ROWS):
            self.fields[f"slot_{n}_weekday"] = forms.ChoiceField(
                label=_("Viikonpäivä"), choices=WEEKDAY_CHOICES, required=False
            )
            self.fields[f"slot_{n}_starts"] = forms.TimeField(
                label=_("Alkaa"),
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"slot_{n}_ends"] = forms.TimeField(
                label=_("Päättyy"),
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )

    def _post_clean(self):
        """Skip ModelForm's model step: it would copy the posted values into the
        instance before the service snapshots it for the change log (which
        would then record nothing). The service validates and saves."""

    def slots(self) -> list[tuple]:
        rows = []
        for n in range(SLOT_ROWS):
            weekday = self.cleaned_data.get(f"slot_{n}_weekday")
            if weekday != "" and weekday is not None:
                rows.append(
                    (
                        int(weekday),
                        self.cleaned_data.get(f"slot_{n}_starts"),
                        self.cleaned_data.get(f"slot_{n}_ends"),
                    )
                )
        return rows

    def slot_rows(self):
        return [
            (self[f"slot_{n}_weekday"], self[f"slot_{n}_starts"], self[f"slot_{n}_ends"])
            for n in range(SLOT_ROWS)
        ]

    @staticmethod
    def initial_slots(practice) -> dict:
        initial = {}
        for n, slot in enumerate(list(practice.slots.all())[:SLOT_ROWS]):
            initial.update(
                {
                    f"slot_{n}_weekday": str(slot.weekday),
                    f"slot_{n}_starts": slot.starts,
                    f"slot_{n}_ends": slot.ends,
                }
            )
        return initial


class ServiceMapForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Kunta"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("kaikki alueen kunnat"),
    )
    sector = forms.ChoiceField(
        label=_("Sektori"),
        required=False,
        choices=[("", _("kaikki")), *Organisation.Sector.choices],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        home = user.municipality or getattr(
            getattr(user, "professional", None), "municipality", None
        )
        towns = Municipality.objects.all()
        if home is not None and home.region_id:
            towns = towns.filter(region_id=home.region_id)
        elif home is not None:
            towns = towns.filter(pk=home.pk)
        self.fields["municipality"].queryset = towns


class TeamModelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tiimin malli"), choices=FamilyCentreTeam.Kind.choices)
    target_max_child_age = forms.IntegerField(
        label=_("Kohderyhmä: lapset alle (v)"),
        required=False,
        min_value=1,
        max_value=29,
        help_text=_("Esim. 8: alle 8-vuotiaat ja heidän perheensä. Tyhjä: ei rajausta."),
    )
    area = forms.ModelChoiceField(
        label=_("Perhekeskusalue"),
        queryset=FamilyCentreArea.objects.none(),
        required=False,
        empty_label=_("koko kunta"),
    )
    core = forms.ModelMultipleChoiceField(
        label=_("Kutsutaan aina"),
        queryset=Expertise.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    per_family = forms.ModelMultipleChoiceField(
        label=_("Kutsutaan perhekohtaisesti (perheen omasta verkostosta)"),
        queryset=Expertise.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    optional = forms.ModelMultipleChoiceField(
        label=_("Kutsutaan tarvittaessa"),
        queryset=Expertise.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, team, **kwargs):
        roles = list(team.roles.all())
        kwargs.setdefault(
            "initial",
            {
                "kind": team.kind,
                "area": team.area_id,
                "target_max_child_age": team.target_max_child_age,
                **{
                    k: [r.expertise_id for r in roles if r.kind == k]
                    for k in ("core", "per_family", "optional")
                },
            },
        )
        super().__init__(*args, prefix="team", **kwargs)
        self.fields["area"].queryset = FamilyCentreArea.objects.filter(
            municipality_id=team.municipality_id
        )

    def model(self) -> dict:
        return {
            "kind": self.cleaned_data["kind"],
            "area": self.cleaned_data["area"],
            "target_max_child_age": self.cleaned_data["target_max_child_age"],
        }

    def roles(self) -> dict[str, list[int]]:
        return {k: [e.pk for e in self.cleaned_data[k]] for k in ("core", "per_family", "optional")}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV-tiedosto"))


class ReferenceForm(forms.Form):
    code = forms.SlugField(
        label=_("Koodi"),
        max_length=50,
        required=False,
        help_text=_("Vain uudelle: esim. family_guide. Ei muutu myöhemmin."),
    )
    name_fi = forms.CharField(label=_("Nimi suomeksi"), max_length=200)
    name_sv = forms.CharField(label=_("Nimi ruotsiksi"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Nimi englanniksi"), max_length=200, required=False)
    position = forms.IntegerField(label=_("Järjestys"), min_value=0, max_value=999, initial=100)
