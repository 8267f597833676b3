import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from yhdessa.reports.feedback import feedback_comments, feedback_totals
from yhdessa.reports.forms import PeriodForm
from yhdessa.reports.queries import meetings_held, meetings_held_by_area


@login_required
def meetings_report(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET if "start" in request.GET else None, initial=PeriodForm.default())
    period = (
        form.cleaned_data
        if form.is_bound and form.is_valid()
        else (None if form.is_bound else PeriodForm.default())
    )
    rows = meetings_held(request.user, **period) if period else []
    if period and request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="yhdessa-ajat-{period["start"]}-{period["end"]}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Kunta"),
                _("Pidettyjä Yhdessä aikoja"),
                _("Pidettyjä seurantatapaamisia"),
                _("Alkaen"),
                _("Päättyen"),
            ]
        )
        for row in rows:
            writer.writerow(
                [
                    row["municipality"],
                    row["held"],
                    row["follow_ups"],
                    period["start"],
                    period["end"],
                ]
            )
        return response
    return render(
        request,
        "reports/meetings.html",
        {
            "form": form,
            "rows": rows,
            "period": period,
            "total": sum(r["held"] for r in rows),
            "follow_up_total": sum(r["follow_ups"] for r in rows),
            "by_area": meetings_held_by_area(request.user, **period) if period else [],
            "feedback": feedback_totals(request.user, **period) if period else [],
            "comments": feedback_comments(request.user, **period) if period else [],
        },
    )
