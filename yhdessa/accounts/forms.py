from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Kuusinumeroinen koodi"),
        regex=r"^\s*\d{6}\s*$",
        # Room for the spaces a person may type around the six digits.
        max_length=12,
        error_messages={"invalid": _("Anna sovelluksen näyttämä kuusinumeroinen koodi.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class VerifyForm(forms.Form):
    """The second step of logging in: the app's six digits, or one of the
    recovery codes (letters and digits) when the phone is lost."""

    token = forms.RegexField(
        label=_("Kuusinumeroinen koodi tai varakoodi"),
        regex=r"^\s*(\d{6}|[a-zA-Z0-9]{8,16})\s*$",
        max_length=24,
        error_messages={
            "invalid": _(
                "Anna sovelluksen näyttämä kuusinumeroinen koodi tai yksi varakoodeistasi."
            )
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip().lower()


class NewProfessionalForm(forms.Form):
    """A professional not yet in the directory, invited to log in at once."""

    name = forms.CharField(label=_("Nimi"), max_length=200)
    title = forms.CharField(label=_("Nimike"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisaatio"), queryset=None)
    email = forms.EmailField(label=_("Sähköposti"), max_length=254)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
