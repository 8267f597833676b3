from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.accounts.services import language_of
from yhdessa.network.models import Municipality, Region
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import queue_message


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
    language = forms.ChoiceField(
        label=_("Kutsun kieli"),
        choices=settings.LANGUAGES,
        initial="fi",
        required=False,
        help_text=_("Kun hän valitsee oman kielensä, viestit tulevat sillä."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class RoleForm(forms.Form):
    """A user's role. A coordinator chooses among the roles of their own
    municipality; the system administrator also the municipality, the
    county and the administrator's role."""

    role = forms.ChoiceField(label=_("Rooli"))
    municipality = forms.ModelChoiceField(label=_("Kunta"), queryset=None, required=False)
    county = forms.ModelChoiceField(label=_("Hyvinvointialue"), queryset=None, required=False)
    is_admin = forms.BooleanField(label=_("Järjestelmän pääkäyttäjä"), required=False)

    def __init__(self, *args, admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if admin:
            self.fields["role"].choices = User.Role.choices
            self.fields["municipality"].queryset = Municipality.objects.order_by("name")
            self.fields["county"].queryset = Region.objects.order_by("name")
        else:
            self.fields["role"].choices = [
                (value, User.Role(value).label) for value in access.MUNICIPAL_ROLES
            ]
            for name in ("municipality", "county", "is_admin"):
                del self.fields[name]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Kieli"),
        help_text=_("Sivut ja sinulle lähetettävät viestit ovat tällä kielellä."),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the email written to the outbox instead of
    sent in the request: the worker delivers it (retried if the mail server
    is away), and a known address takes no longer to answer than an
    unknown one, so the page's timing tells nothing either."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        language = language_of(user, translation.get_language())
        with translation.override(language):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
        queue_message(
            kind=OutboxMessage.Kind.ACCOUNT,
            recipient=to_email,
            language=language,
            subject=subject,
            body=body,
            # One message per reset link: the token changes with every request.
            idempotency_key=f"password-reset:{context['uid']}:{context['token']}",
        )
