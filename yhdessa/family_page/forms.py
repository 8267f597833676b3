from django import forms
from django.utils.translation import gettext_lazy as _

from yhdessa.family_page.services import NOTE_MAX
from yhdessa.feedback.forms import question
from yhdessa.feedback.services import COMMENT_MAX
from yhdessa.meetings.models import Meeting


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Vastauksenne"),
        choices=[
            (Meeting.FamilyAnswer.COMING, _("Tulemme")),
            (Meeting.FamilyAnswer.OTHER_TIME, _("Tarvitsemme toisen ajan")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse, tuletteko vai tarvitsetteko toisen ajan.")},
    )
    note = forms.CharField(
        label=_("Viesti työntekijälle (vapaaehtoinen)"),
        help_text=_("Esimerkiksi mikä aika sopisi paremmin. Älkää kirjoittako henkilötunnuksia."),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedbackForm(forms.Form):
    heard = question(_("Tulitteko kuulluksi?"))
    helped = question(_("Oliko tapaamisesta apua?"))
    right_expertise = question(_("Oliko paikalla oikeaa osaamista teidän asiaanne?"))
    comment = forms.CharField(
        label=_("Mitä muuta haluatte sanoa? (vapaaehtoinen)"),
        help_text=_("Palaute luetaan ilman nimeänne tai perheenne tunnusta."),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AccessibilityFeedbackForm(forms.Form):
    """The accessibility statement's feedback channel (required by law)."""

    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    message = forms.CharField(
        label=_("Mikä ei toiminut?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Kertokaa, millä sivulla ja mitä yrititte tehdä."),
        error_messages={"required": _("Kertokaa lyhyesti, mikä ei toiminut.")},
    )
    email = forms.EmailField(
        label=_("Sähköposti vastausta varten (vapaaehtoinen)"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Sähköpostiosoite ei ole kelvollinen. Tarkistakaa se.")},
    )
    homepage = forms.CharField(
        label=_("Jätä tämä kenttä tyhjäksi"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
