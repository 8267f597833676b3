"""Small helpers shared by the HTML views."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers


def object_id(value) -> int | None:
    """A database id as a form or a URL sends it, or None: ASCII digits only
    ("²" is a digit to isdigit() but no number to int()) and small enough
    for any database's integer key."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 18 else None


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where it can."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def private_page(response: HttpResponse) -> HttpResponse:
    """A page opened by a secret link (the family's page, an answer or poll
    link): never cached, and no other site learns the address with its
    token from a Referer (our own forms still send it: CSRF needs it)."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
