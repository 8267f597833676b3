from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DURATIONS = [(m, _("%(m)d min") % {"m": m}) for m in (30, 45, 60, 75, 90, 120, 150, 180)]


class MeetingTimeForm(forms.Form):
    """When and where: convening and moving a meeting share these."""

    date = forms.DateField(
        label=_("Päivä"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label=_("Kellonaika"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.TypedChoiceField(
        label=_("Varattu aika"), choices=DURATIONS, coerce=int, initial=90
    )
    place = forms.CharField(
        label=_("Paikka"),
        max_length=200,
        help_text=_("Missä perhe toivoo tapaavansa?"),
        error_messages={"required": _("Kerro paikka (perheen toive).")},
        widget=forms.TextInput(attrs={"list": "places"}),
    )
    acknowledge = forms.BooleanField(
        label=_("Kutsun poikkeuksesta huolimatta (olen sopinut asiasta tiimin kanssa)"),
        required=False,
    )
    confirm_booking = forms.BooleanField(
        label=_(
            "Varaan ajan päällekkäisyydestä huolimatta (olen sopinut asiasta varattujen henkilöiden kanssa)"
        ),
        required=False,
    )
    # A one-time token: sending the same form twice (Back and save again, a
    # double click) does the work once.
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def starts_at(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        )


class ConveneForm(MeetingTimeForm):
    invitees = forms.MultipleChoiceField(
        label=_("Kutsuttavat"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Valitse vähintään yksi kutsuttava asiantuntija.")},
    )

    def __init__(self, *args, professionals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].choices = [(str(p.pk), p.name) for p in professionals]


class RescheduleForm(MeetingTimeForm):
    # The version of the meeting the page showed: a change made meanwhile
    # (another move, a cancel) is not overwritten unseen.
    sequence = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=2**31, required=False
    )


class CancelForm(forms.Form):
    sequence = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=2**31, required=False
    )
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    note = forms.CharField(
        label=_("Viesti kutsutuille ja perheelle (vapaaehtoinen)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Esim. ”Uusi aika sovitaan puhelimessa.” Ei tunnistetietoja."),
    )


class HeldForm(forms.Form):
    attendees = forms.MultipleChoiceField(
        label=_("Paikalla olleet ammattilaiset"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    family_present = forms.BooleanField(label=_("Perhe oli paikalla"), required=False)

    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [
            (str(i.professional_id), i.professional.name) for i in invitations
        ]
