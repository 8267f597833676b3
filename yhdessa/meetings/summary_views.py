"""A participant's summary of a held meeting for their own records."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yhdessa import access
from yhdessa.meetings.summary import summary_pdf, summary_text


@login_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary as text to copy into one's own client system; each taking logged."""
    meeting = access.read_summary(request.user, pk)
    return render(
        request, "meetings/summary.html", {"meeting": meeting, "text": summary_text(meeting)}
    )


@login_required
def summary_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.read_summary(request.user, pk, pdf=True)
    response = HttpResponse(summary_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="yhdessa-yhteenveto-{meeting.pk}.pdf"'
    return response
