"""Input that every view can pass on: no NUL characters, no oversized bodies.

PostgreSQL refuses a NUL character (U+0000) in text, and psycopg raises as
soon as one is sent in a query: wherever a view or the API passes text on,
that would be a 500. Nobody types one on purpose, so it is refused here,
once, for every page and every endpoint, before any view runs.

A body over DATA_UPLOAD_MAX_MEMORY_SIZE (or a form with more fields than
DATA_UPLOAD_MAX_NUMBER_FIELDS) is refused here too, so that the API answers
JSON with a ``detail`` and a page says what happened in the user's language,
instead of Django's bare "Bad Request (400)".
"""

import json
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _unstorable(text: str) -> bool:
    """A NUL, or a lone surrogate (valid JSON, "\\ud800", yet no UTF-8 text:
    PostgreSQL refuses it and a page showing it cannot be rendered)."""
    if NUL in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _nul_in_json(value: object, where: str = "") -> str | None:
    """Where in a parsed JSON document a NUL is ("family.alias", "matters.0").

    Walked with a stack, not recursion: the document may be nested as deep
    as the parser allows."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _unstorable(item):
                return path or "body"
        elif isinstance(item, dict):
            for key, child in item.items():
                if _unstorable(key):
                    return path or "body"
                key_path = f"{path}.{key}" if path else str(key)
                stack.append((child, key_path))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{i}" if path else str(i)) for i, child in enumerate(item))
    return None


def _pairs(request: HttpRequest) -> Iterator[tuple[str, str]]:
    """The request's text apart from the body: path, query string, headers."""
    yield "URL", request.path
    for key, values in request.GET.lists():
        yield key, key
        for value in values:
            yield key, value
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            yield key[5:].replace("_", "-").title(), value


def _where_nul(request: HttpRequest) -> str | None:
    """The name of the first field holding a NUL character, if any.

    Reading the body here also applies Django's size limits, which raise."""
    for name, text in _pairs(request):
        if NUL in text:
            return name.replace(NUL, "\\x00")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.content_type in FORM_TYPES:
        for key, values in request.POST.lists():
            if NUL in key or any(NUL in value for value in values):
                return key.replace(NUL, "\\x00")
        return None
    body = request.body
    if b"\x00" in body:
        return "body"
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the view or the API's parser answers for it
    return _nul_in_json(document)


def _file_with_nul(request: HttpRequest) -> str | None:
    """The name of the first uploaded file holding a NUL byte, if any: the
    app takes text files only (CSV, JSON), whose text is stored and kept in
    the session. A UTF-16 file is full of NUL bytes, hence the advice."""
    if request.content_type != "multipart/form-data":
        return None
    for key, uploads in request.FILES.lists():
        for upload in uploads:
            data = upload.read()
            upload.seek(0)
            if b"\x00" in data:
                return key
            try:  # a JSON file may spell it \u0000
                if _nul_in_json(json.loads(data)) is not None:
                    return key
            except (ValueError, RecursionError):
                pass
    return None


def _refuse(request: HttpRequest, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=400)
    return render(request, "400.html", {"detail": detail}, status=400)


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            where = _where_nul(request)
        except RequestDataTooBig:
            return _refuse(
                request,
                _(
                    "Lähetetty tieto on liian suuri (enintään %(size)s). "
                    "Lyhennä tekstiä ja lähetä uudelleen."
                )
                % {"size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)},
            )
        except (TooManyFieldsSent, TooManyFilesSent):
            return _refuse(request, _("Lomakkeessa on liian monta kenttää tai tiedostoa."))
        if where is None and (upload := _file_with_nul(request)) is not None:
            return _refuse(
                request,
                _(
                    "Tiedostossa ”%(field)s” on NUL-merkkejä (\\x00), joita ei voi tallentaa. "
                    "Tallenna tiedosto UTF-8-muodossa ja lähetä uudelleen."
                )
                % {"field": upload},
            )
        if where is not None:
            return _refuse(
                request,
                _(
                    "Kentässä ”%(field)s” on NUL-merkki (\\x00) tai rikkinäinen merkki, jota "
                    "ei voi tallentaa. Poista merkki ja lähetä uudelleen."
                )
                % {"field": where.encode("utf-8", "backslashreplace").decode()},
            )
        return self.get_response(request)
