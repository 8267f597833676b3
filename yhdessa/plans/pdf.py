"""The joint plan as a PDF (WeasyPrint renders the same template as the page)."""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML


def plan_pdf(context: dict) -> bytes:
    html = render_to_string("plans/plan_document.html", {**context, "for_pdf": True})
    # PDF/UA-1: tagged, with the document's language and title, so that a
    # screen reader reads the family its plan in the right voice and order.
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")
