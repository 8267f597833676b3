from django import forms
from django.core.exceptions import ValidationError
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
    Region,
    TaskArea,
)
from yhdessa.network.services import (
    DEADLINE_FIELDS,
    ORGANISATION_FIELDS,
    PRACTICE_FIELDS,
    PROFESSIONAL_FIELDS,
    check_organisation,
    check_professional,
    check_reference,
)

WEEKDAY_CHOICES = [("", "–")] + [(str(k), v) for k, v in WEEKDAYS.items()]
SLOT_ROWS = 3


def max_length(model, field: str) -> int:
    """A length stated once, on the model field; the forms read it from there."""
    return model._meta.get_field(field).max_length


def add_problems(form: forms.Form, error: ValidationError) -> None:
    """A service check's problems on the form, each next to its field; a field
    that already shows a problem of its own is not given a second one."""
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        if target is not None and target in form.errors:
            continue
        form.add_error(target, messages)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Nimi, nimike tai organisaatio"), required=False, max_length=200)
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
    website = forms.URLField(
        label=_("Verkkosivu"),
        required=False,
        assume_scheme="https",
        max_length=max_length(Organisation, "website"),
    )
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
        fields = [
            "name",
            "name_sv",
            "name_en",
            "sector",
            "business_id",
            "email",
            "phone",
            "address",
            "website",
        ]

    def clean(self):
        cleaned = super().clean()
        try:
            check_organisation(
                organisation=self.instance if self.instance.pk else None,
                data={k: v for k, v in cleaned.items() if k in ORGANISATION_FIELDS},
            )
        except ValidationError as error:
            add_problems(self, error)
        return cleaned

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

    def clean(self):
        cleaned = super().clean()
        try:
            check_professional(
                professional=self.instance if self.instance.pk else None,
                data={k: v for k, v in cleaned.items() if k in PROFESSIONAL_FIELDS},
            )
        except ValidationError as error:
            add_problems(self, error)
        return cleaned

    def _post_clean(self):
        """Skip ModelForm's model step: it would copy the posted values into the
        instance before the service snapshots it for the change log (which
        would then record nothing). The service validates and saves."""


Rule = InvitationPractice.DeadlineRule


class PracticeForm(forms.ModelForm):
    """The invitation practice. The deadline is one choice of three; each
    choice's own field sits under it (and only it shows, with JavaScript),
    and the field of a rule not chosen is ignored."""

    deadline_rule = forms.ChoiceField(
        label=_("Pyynnön määräaika"),
        widget=forms.RadioSelect,
        choices=[
            (Rule.NONE, _("Ei määräaikaa")),
            (
                Rule.WEEKDAY_OF_PREVIOUS_WEEK,
                _("Tapaamista edeltävän viikon viikonpäivään mennessä"),
            ),
            (Rule.WORKING_DAYS_BEFORE, _("Tietty määrä arkipäiviä ennen tapaamista")),
        ],
    )
    deadline_weekday = forms.TypedChoiceField(
        label=_("Viikonpäivä, johon mennessä aika pyydetään"),
        choices=WEEKDAY_CHOICES[1:],
        coerce=int,
        empty_value=None,
        required=False,
    )
    deadline_working_days = forms.IntegerField(
        label=_("Arkipäiviä ennen tapaamista"), min_value=0, max_value=60, required=False
    )

    class Meta:
        model = InvitationPractice
        fields = PRACTICE_FIELDS
        widgets = {"instructions": forms.Textarea(attrs={"rows": 3})}

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

    def clean(self):
        cleaned = super().clean()
        rule = cleaned.get("deadline_rule")
        for rule_value, field in DEADLINE_FIELDS.items():
            if rule != rule_value:
                # Not the chosen rule: whatever was posted for it is ignored,
                # and the saved value stays (nothing changes, nothing is logged).
                self.errors.pop(field, None)
                cleaned[field] = getattr(self.instance, field)
            elif cleaned.get(field) is None and field not in self.errors:
                self.add_error(
                    field,
                    _("Valitse viikonpäivä.")
                    if field == "deadline_weekday"
                    else _("Anna arkipäivien määrä."),
                )
        for n in range(SLOT_ROWS):
            self._clean_slot(n, cleaned)
        return cleaned

    def _clean_slot(self, n: int, cleaned: dict) -> None:
        weekday, starts, ends = (f"slot_{n}_{part}" for part in ("weekday", "starts", "ends"))
        if any(f in self.errors for f in (weekday, starts, ends)):
            return
        if cleaned.get(weekday) in ("", None):
            if cleaned.get(starts) or cleaned.get(ends):
                self.add_error(weekday, _("Valitse viikonpäivä tai tyhjennä kellonajat."))
            return
        if not cleaned.get(starts):
            self.add_error(starts, _("Anna alkamisaika."))
        if not cleaned.get(ends):
            self.add_error(ends, _("Anna päättymisaika."))
        elif cleaned.get(starts) and cleaned[ends] <= cleaned[starts]:
            self.add_error(ends, _("Aikaikkunan loppu pitää olla sen alun jälkeen samana päivänä."))

    def _post_clean(self):
        """Skip ModelForm's model step: it would copy the posted values into the
        instance before the service snapshots it for the change log (which
        would then record nothing). The service validates and saves."""

    def practice(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in PRACTICE_FIELDS}

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

    def deadline_choices(self):
        """Each deadline choice with the field it reads (or None)."""
        fields = {rule: self[field] for rule, field in DEADLINE_FIELDS.items()}
        return [(choice, fields.get(choice.data["value"])) for choice in self["deadline_rule"]]

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

    def clean(self):
        cleaned = super().clean()
        seen: dict[int, str] = {}
        for kind in ("core", "per_family", "optional"):
            for expertise in cleaned.get(kind) or []:
                if expertise.pk in seen:
                    self.add_error(
                        kind,
                        _("%(expertise)s on jo valittu kohtaan: %(role)s.")
                        % {
                            "expertise": expertise.name,
                            "role": self.fields[seen[expertise.pk]].label,
                        },
                    )
                seen.setdefault(expertise.pk, kind)
        return cleaned

    def model(self) -> dict:
        return {
            "kind": self.cleaned_data["kind"],
            "area": self.cleaned_data["area"],
            "target_max_child_age": self.cleaned_data["target_max_child_age"],
        }

    def roles(self) -> dict[str, list[int]]:
        return {k: [e.pk for e in self.cleaned_data[k]] for k in ("core", "per_family", "optional")}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tiedosto (CSV tai PTV:n JSON)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
    )

    def add_file_problem(self, message: str) -> None:
        """A fault of the whole file, next to the file field: also after a
        preview, when the form shows no upload of its own."""
        self.errors.setdefault("file", self.error_class()).append(message)


class ReferenceForm(forms.Form):
    code = forms.SlugField(
        label=_("Koodi"),
        max_length=max_length(Expertise, "code"),
        required=False,
        help_text=_("Vain uudelle: esim. family_guide. Ei muutu myöhemmin."),
    )
    name_fi = forms.CharField(label=_("Nimi suomeksi"), max_length=max_length(Expertise, "name_fi"))
    name_sv = forms.CharField(
        label=_("Nimi ruotsiksi"), max_length=max_length(Expertise, "name_sv"), required=False
    )
    name_en = forms.CharField(
        label=_("Nimi englanniksi"), max_length=max_length(Expertise, "name_en"), required=False
    )
    position = forms.IntegerField(label=_("Järjestys"), min_value=0, max_value=999, initial=100)

    def __init__(self, *args, model, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model, self.instance = model, instance
        if instance is not None:
            self.fields["code"].disabled = True

    def clean(self):
        cleaned = super().clean()
        try:
            check_reference(model=self.model, instance=self.instance, data=cleaned)
        except ValidationError as error:
            add_problems(self, error)
        return cleaned


class NewAreaForm(forms.Form):
    name = forms.CharField(
        label=_("Uuden alueen nimi"), max_length=max_length(FamilyCentreArea, "name")
    )


class NewTeamForm(forms.Form):
    name = forms.CharField(
        label=_("Uuden tiimin nimi"), max_length=max_length(FamilyCentreTeam, "name")
    )


class RegionForm(forms.Form):
    region = forms.CharField(
        label=_("Hyvinvointialue"),
        max_length=max_length(Region, "name"),
        help_text=_("Palvelukartta näyttää saman hyvinvointialueen kunnat."),
        widget=forms.TextInput(attrs={"list": "regions"}),
    )


class ClassifyServiceForm(forms.Form):
    """The task area of a service an import could not classify."""

    NOT_FAMILY_SERVICE = "none"

    choice = forms.ChoiceField(label=_("Tehtäväalue"))

    def __init__(self, *args, areas: list[TaskArea], **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {str(a.pk): a for a in areas}
        self.fields["choice"].choices = [
            ("", _("valitse")),
            *[(pk, area.name) for pk, area in self.areas.items()],
            (self.NOT_FAMILY_SERVICE, _("ei perhekeskuksen palvelu")),
        ]

    def task_area(self) -> TaskArea | None:
        return self.areas.get(self.cleaned_data["choice"])
