from django import forms
from django.utils.translation import gettext_lazy as _

from yhdessa.feedback.models import Feedback
from yhdessa.feedback.services import COMMENT_MAX


def question(label) -> forms.ChoiceField:
    """One feedback question: yes / partly / no (the family's form asks the same)."""
    return forms.ChoiceField(
        label=label,
        choices=Feedback.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse vastaus.")},
    )


class WorkerFeedbackForm(forms.Form):
    heard = question(_("Tuliko perhe kuulluksi?"))
    helped = question(_("Oliko tapaamisesta perheelle apua?"))
    right_expertise = question(_("Oliko paikalla oikea osaaminen?"))
    comment = forms.CharField(
        label=_("Muuta palautetta (vapaaehtoinen)"),
        help_text=_("Luetaan raporteissa ilman perheen tai sinun nimeäsi. Ei tunnistetietoja."),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
