"""Documents as PDF: WeasyPrint renders the same template as the page."""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, {**context, "for_pdf": True})
    # PDF/UA-1: tagged, with the document's language and title, so that a
    # screen reader reads it in the right voice and order.
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")


def plan_pdf(context: dict) -> bytes:
    """The joint plan, for the family to read."""
    return render_pdf("plans/plan_document.html", context)
