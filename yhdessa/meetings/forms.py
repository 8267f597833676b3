from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yhdessa.meetings.models import Invitation
from yhdessa.meetings.services import (
    FAMILY_ALWAYS_PRESENT,
    MAX_INVITEES,
    PLACE_MAX_LENGTH,
    check_time_and_place,
)
from yhdessa.web import add_service_errors

# A service names the moment "starts_at"; the page asks for it as a date and a time.
SERVICE_FIELDS = {"starts_at": "date"}


class MultilineField(forms.CharField):
    """A textarea's text with each line break as one character ("\n"), as
    the browser counts it for ``maxlength``: the server's limit and the
    browser's agree (a form sends line breaks as "\r\n")."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


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
        max_length=PLACE_MAX_LENGTH,
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

    def clean(self):
        """The service's own rules for the time and the place, asked here too,
        so that the page shows every error at once, each next to its field."""
        data = super().clean()
        now = timezone.now()
        # What is missing or malformed already has its error: the rest is asked.
        has_time = "date" in data and "time" in data
        _start, _place, errors = check_time_and_place(
            starts_at=self.starts_at() if has_time else now + timedelta(days=1),
            duration_minutes=data.get("duration_minutes") or 90,
            place=data["place"] if "place" in data else "-",
            now=now,
        )
        if errors:
            self.add_service_errors(ValidationError(errors))
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """A service's refusal on the form: each message next to its field
        (a field that already has an error keeps just that one)."""
        if hasattr(error, "error_dict"):
            error = ValidationError(
                {
                    SERVICE_FIELDS.get(field, field): messages
                    for field, messages in error.error_dict.items()
                    if SERVICE_FIELDS.get(field, field) not in self.errors
                }
            )
        add_service_errors(self, error)


class ConveneForm(MeetingTimeForm):
    invitees = forms.MultipleChoiceField(
        label=_("Kutsuttavat"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Valitse vähintään yksi kutsuttava asiantuntija.")},
    )

    room = forms.TypedChoiceField(
        label=pgettext_lazy("room", "Tila"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Varattu tila ei voi mennä päällekkäin. Perheen kotona: jätä tyhjäksi."),
    )

    def __init__(self, *args, professionals=(), rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].choices = [(str(p.pk), p.name) for p in professionals]
        self.fields["room"].choices = [("", _("Ei tilavarausta (esim. perheen koti)"))] + [
            (
                r.pk,
                _("%(name)s (%(address)s, %(n)d hlö)")
                % {"name": r.name, "address": r.address, "n": r.capacity},
            )
            for r in rooms
        ]
        if not rooms:
            del self.fields["room"]
        elif self.data.get("room"):
            # A booked room is the place: the place field may then stay empty.
            self.fields["place"].required = False

    def clean(self):
        if self.cleaned_data.get("room") and not self.cleaned_data.get("place"):
            self.cleaned_data["place"] = "-"  # the service writes the room's name and address
        return super().clean()

    def clean_invitees(self) -> list[str]:
        invitees = self.cleaned_data["invitees"]
        if len(invitees) > MAX_INVITEES:
            raise ValidationError(_("Enintään %(n)d kutsuttavaa.") % {"n": MAX_INVITEES})
        return invitees


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

    note = MultilineField(
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
    # Required here as in the service: refused next to its box together with
    # whatever else is wrong.
    family_present = forms.BooleanField(
        label=_("Perhe oli paikalla"), error_messages={"required": FAMILY_ALWAYS_PRESENT}
    )

    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [
            (str(i.professional_id), i.professional.name) for i in invitations
        ]


class AnswerForm(forms.Form):
    """An invitee's answer: by the link in the message, or in the app."""

    # In the answerer's own words; the meeting page shows them in the third person.
    answer = forms.ChoiceField(
        label=_("Vastauksesi"),
        choices=[
            (Invitation.Answer.ACCEPTED, _("Tulen")),
            (Invitation.Answer.DECLINED, _("En pääse")),
            (Invitation.Answer.PROPOSED, _("Ehdotan toista aikaa")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse vastaus.")},
    )
    proposed_date = forms.DateField(
        label=_("Ehdottamasi päivä"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    proposed_time = forms.TimeField(
        label=_("Kellonaika"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    # The version of the meeting the page showed: an answer to a time since
    # moved is not recorded against the new one.
    sequence = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=2**31, required=False
    )
    note = forms.CharField(
        label=_("Viesti koollekutsujalle (vapaaehtoinen)"),
        max_length=Invitation._meta.get_field("answer_note").max_length,
        required=False,
        help_text=_("Ei perheen tunnistetietoja."),
    )

    def proposed_starts_at(self) -> datetime | None:
        day, at = self.cleaned_data.get("proposed_date"), self.cleaned_data.get("proposed_time")
        if not day or not at:
            return None
        return timezone.make_aware(datetime.combine(day, at))

    def clean(self):
        data = super().clean()
        if data.get("answer") == Invitation.Answer.PROPOSED and not (
            data.get("proposed_date") and data.get("proposed_time")
        ):
            self.add_error("proposed_date", _("Kerro, mikä aika sopisi."))
        return data
