"""The plan speaks the family's language, on the page and in its PDF, and
the PDF is tagged for a screen reader (PDF/UA-1)."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conftest import concern_for, meeting_for, next_thursday_at, plan_for


@pytest.fixture
def swedish_plan(network):
    concern = concern_for(network.convener, language="sv")
    meeting = meeting_for(network, held=True, concern=concern, starts_at=next_thursday_at(weeks=-2))
    plan_for(network, meeting)
    return meeting


def _article(page: str) -> str:
    return re.search(r"<article[^>]*>.*</article>", page, re.S).group(0)


def test_the_plan_page_shows_the_plan_in_the_familys_language(client, network, swedish_plan):
    client.force_login(network.convener)
    page = client.get(reverse("plans:view", args=[swedish_plan.pk])).content.decode()
    article = _article(page)
    assert article.startswith('<article class="card" lang="sv">')
    assert "Gemensam plan" in article and "Vad vi gör" in article
    assert "Mitä teemme" not in article
    # The worker's own site stays in the worker's language.
    assert "Tulosta perheelle" in page and '<html lang="fi">' in page
    pdf = reverse("plans:pdf", args=[swedish_plan.pk])
    assert f'href="{pdf}?lang=sv"' in page
    assert 'href="?lang=sv" lang="sv" hreflang="sv" aria-current="true"' in page
    assert 'href="?lang=en" lang="en" hreflang="en">' in page


@pytest.mark.parametrize(
    "chosen, language, heading",
    [("en", "en", "What we do"), ("fi", "fi", "Mitä teemme"), ("xx", "sv", "Vad vi gör")],
)
def test_the_worker_may_choose_another_language_for_printing(
    client, network, swedish_plan, chosen, language, heading
):
    client.force_login(network.convener)
    url = reverse("plans:view", args=[swedish_plan.pk])
    article = _article(client.get(url, {"lang": chosen}).content.decode())
    assert article.startswith(f'<article class="card" lang="{language}">')
    assert heading in article


def _pdf(client, meeting, **query) -> PdfReader:
    response = client.get(reverse("plans:pdf", args=[meeting.pk]), query)
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_the_pdf_is_tagged_in_the_familys_language(client, network, swedish_plan):
    client.force_login(network.convener)
    pdf = _pdf(client, swedish_plan)
    catalog = pdf.trailer["/Root"]
    assert catalog["/Lang"] == "sv"
    assert "/StructTreeRoot" in catalog  # the tags a screen reader follows
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    date = f"{swedish_plan.starts_at:%-d.%-m.%Y}"
    assert pdf.metadata.title == f"Gemensam plan {date}"
    assert pdf.xmp_metadata.dc_title["x-default"] == f"Gemensam plan {date}"
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Vad vi gör" in text and "Mitä teemme" not in text
    assert "Kuvallinen iltarutiini" in text  # what was written stays as written


def test_the_pdf_follows_the_chosen_language(client, network, swedish_plan):
    client.force_login(network.convener)
    pdf = _pdf(client, swedish_plan, lang="fi")
    assert pdf.trailer["/Root"]["/Lang"] == "fi"
    assert pdf.metadata.title.startswith("Yhteinen suunnitelma ")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Mitä teemme" in text and "Vad vi gör" not in text
