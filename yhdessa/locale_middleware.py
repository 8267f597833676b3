"""Finnish first: a page is in Finnish unless the user chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a
worker with an English browser would get a half-English page. People choose
with the FI/SV/EN buttons (a cookie) or, once and for all, on their settings
page (``User.language``, which becomes the cookie at each login); API clients
say Accept-Language.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def follow_user_language(sender, request, user, **kwargs) -> None:
    """At login (password, invitation link or single sign-on) the user's own
    language takes over: the response sets it as the cookie."""
    language = getattr(user, "language", "")
    if request is not None and language in {code for code, _name in settings.LANGUAGES}:
        request.user_language = language
        translation.activate(language)
        request.LANGUAGE_CODE = language


class FinnishFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        supported = {code for code, _name in settings.LANGUAGES}
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        if language := getattr(request, "user_language", ""):
            set_language_cookie(response, language)
        return response
