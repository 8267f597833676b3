"""What every page's <head> gives the browser: an icon, and htmx set up so
that it needs nothing the content security policy refuses."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def test_it_names_an_icon_that_loads(client):
    page = client.get("/accounts/login/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon, "no <link rel=icon> on the page"
    response = client.get(icon.group(1))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(response.streaming_content)


def test_it_answers_a_browser_that_asks_for_favicon_ico(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/static/yhdessa/favicon.svg")


def test_htmx_adds_no_inline_style(client):
    """htmx's default indicator style is an inline <style>, which style-src
    'self' refuses (an error in the console on every page); the config comes
    before htmx itself, which reads it once when it loads."""
    page = client.get("/accounts/login/").content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page)
    assert meta, "no htmx-config on the page"
    assert json.loads(meta.group(1))["includeIndicatorStyles"] is False
    assert meta.start() < page.index("htmx-2.min.js")
    css = client.get("/static/yhdessa/site.css")
    assert ".htmx-indicator" in b"".join(css.streaming_content).decode()
