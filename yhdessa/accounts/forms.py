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
