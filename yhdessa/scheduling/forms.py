from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from yhdessa.scheduling.models import Absence

MAX_UPLOAD_BYTES = 2_000_000


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Syy"), choices=Absence.Kind.choices)
    starts_on = forms.DateField(
        label=_("Alkaen"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Päättyen"),
        required=False,
        help_text=_("Tyhjä: sama päivä."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    from_time = forms.TimeField(
        label=_("Kello alkaen"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    to_time = forms.TimeField(
        label=_("Kello päättyen"),
        required=False,
        help_text=_("Tyhjät kellonajat: koko päivä."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Vain näinä viikonpäivinä (toistuva, esim. osa-aikapäivä)"),
        required=False,
        coerce=int,
        choices=[(i, WEEKDAYS[i]) for i in range(7)],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and not data.get("ends_on"):
            data["ends_on"] = data["starts_on"]
        return data


class CalendarUrlForm(forms.Form):
    url = forms.CharField(
        label=_("Kalenterisi yksityinen osoite (iCal)"),
        max_length=1000,
        required=False,
        help_text=_(
            "Esim. Outlookin ”Julkaise kalenteri” -toiminnon ICS-linkki. Luemme siitä vain "
            "varatut ajat, emme otsikoita. Tyhjä: linkki poistetaan."
        ),
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Kalenteritiedosto (.ics)"),
        help_text=_("Vie kalenterisi tiedostoksi ja lataa se tähän. Luemme vain varatut ajat."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tiedosto on liian suuri (enintään 2 Mt)."))
        return upload


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Nimi"), max_length=200)
    address = forms.CharField(label=_("Osoite"), max_length=300)
    capacity = forms.IntegerField(label=_("Henkilömäärä"), min_value=1, max_value=500)
    accessibility = forms.CharField(
        label=_("Saavutettavuus"),
        max_length=500,
        required=False,
        help_text=_("Esim. esteetön sisäänkäynti, induktiosilmukka, lastenhoitonurkkaus."),
    )
    teams = forms.TypedMultipleChoiceField(
        label=_("Varattavissa vain näille tiimeille"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tyhjä: kaikki kunnan ammattilaiset voivat varata."),
    )
    is_active = forms.BooleanField(label=_("Käytössä"), required=False, initial=True)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].choices = [(t.pk, t.name) for t in teams]
