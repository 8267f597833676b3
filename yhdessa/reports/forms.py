from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yhdessa.reports.queries import period_errors


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("Alkaen"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Päättyen"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            for field, message in period_errors(data["start"], data["end"]).items():
                self.add_error(field, message)
        return data

    @staticmethod
    def default() -> dict:
        today = timezone.localdate()
        return {"start": today.replace(month=1, day=1), "end": today}
