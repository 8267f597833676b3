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
