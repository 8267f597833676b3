"""Text messages (SMS): one small interface, several backends.

The outbox hands a backend an ``Sms`` (an E.164 number, the text, and a
reference: the outbox row's UUID, the same on every try of the message, so a
gateway that keeps references can drop a repeat) and calls ``send``. A
backend returns when the message is accepted and raises on any failure; the
outbox then retries with back-off as for email (yhdessa.notify.services).

``settings.SMS_BACKEND`` names the backend class by dotted path:

- ``DemoBackend`` (the default) writes each message as a file
  ``<reference>.txt`` under ``SMS_DIR``, as the demo's SMTP sink keeps mail.
- ``HttpGatewayBackend`` POSTs the message to an operator's HTTP gateway
  (``SMS_GATEWAY_*`` settings): a JSON or form body whose field names are
  configured, HTTP basic or Bearer credentials.

Suomi.fi Messages (Suomi.fi-viestit; the City of Helsinki publishes a
Django client for it) can be added later as one more backend class with the
same ``send``, without changing the outbox.
"""

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings
from django.utils.module_loading import import_string

# Marks where a text was shortened. Three dots, not "…": the ellipsis is no
# GSM-7 character, and one of it would turn the whole SMS into UCS-2 (67
# characters a segment, not 153).
ELLIPSIS = "..."
# The body's fields and the part of the message each carries.
GATEWAY_FIELDS = ("to", "text", "sender", "reference")
_SAFE_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


@dataclass(frozen=True)
class Sms:
    """One text message: ``to`` in E.164 (+358401234567); ``reference`` is
    stable across retries of the same message."""

    to: str
    text: str
    reference: str


class SmsError(Exception):
    """The message was not accepted; the outbox tries again later."""


class SmsBackend(Protocol):
    def send(self, sms: Sms) -> None:
        """Hand the message over; return once it is accepted, raise otherwise."""


def get_backend() -> SmsBackend:
    """The backend that ``settings.SMS_BACKEND`` names (read at each call,
    so a changed setting takes effect at once)."""
    return import_string(settings.SMS_BACKEND)()


def fit_sms(text: str, link: str = "") -> str:
    """``text`` and ``link`` as one SMS of at most ``SMS_MAX_CHARS``
    characters: the text, a space and the link. A text too long for the
    room left by the link is cut on a word boundary and ends with "…"; the
    link is never cut (a link longer than the whole SMS is a ValueError)."""
    limit = settings.SMS_MAX_CHARS
    if len(link) > limit:
        raise ValueError(f"The link is {len(link)} characters, more than SMS_MAX_CHARS ({limit})")
    room = limit - (len(link) + 1 if link else 0)
    if len(text) <= room:
        return " ".join(part for part in (text, link) if part)
    room -= len(ELLIPSIS)
    if room <= 0:
        return link
    # text[room] exists (the text is longer than room + the ellipsis): keep
    # the words before the last whitespace at or before it; a single word
    # longer than the room is cut where the room ends.
    cut = next((i for i in range(room, 0, -1) if text[i].isspace()), room)
    shortened = text[:cut].rstrip() + ELLIPSIS
    return f"{shortened} {link}" if link else shortened


class DemoBackend:
    """Keeps every message as a file under ``SMS_DIR``, named by its
    reference: a repeat of the same message replaces the file."""

    def send(self, sms: Sms) -> None:
        # The reference names the file: it must not name another place.
        if not _SAFE_REFERENCE.fullmatch(sms.reference):
            raise SmsError("The SMS reference is not a plain name")
        directory = Path(settings.SMS_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        content = f"To: {sms.to}\nReference: {sms.reference}\n\n{sms.text}\n"
        # Written in full under a temporary name, then renamed over the final
        # one: a reader never sees half a message, and a repeat overwrites.
        descriptor, draft = tempfile.mkstemp(dir=directory, prefix=f".{sms.reference}.")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(content)
            os.replace(draft, directory / f"{sms.reference}.txt")
        except BaseException:
            Path(draft).unlink(missing_ok=True)
            raise


class HttpGatewayBackend:
    """POSTs each message to ``SMS_GATEWAY_URL``.

    The body is JSON or a form (``SMS_GATEWAY_FORMAT``) with the field names
    of ``SMS_GATEWAY_FIELDS``; credentials are ``SMS_GATEWAY_TOKEN``
    (Bearer) or ``SMS_GATEWAY_USER`` and ``SMS_GATEWAY_PASSWORD`` (basic).
    Any answer but 2xx, and any network error or timeout, raises SmsError.
    The error names neither the address (it may carry a key) nor the
    credentials, since it is stored and shown as the message's last error.
    """

    def send(self, sms: Sms) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise SmsError("SMS_GATEWAY_URL is not set")
        fields = settings.SMS_GATEWAY_FIELDS
        values = {"to": sms.to, "text": sms.text, "sender": settings.SMS_SENDER}
        values["reference"] = sms.reference
        # A field mapped to an empty name is left out of the body.
        body = {fields[part]: values[part] for part in GATEWAY_FIELDS if fields.get(part)}
        headers = {}
        auth = None
        if settings.SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
        elif settings.SMS_GATEWAY_USER:
            # As bytes: UTF-8 (RFC 7617), where requests would send a str as Latin-1.
            auth = (settings.SMS_GATEWAY_USER.encode(), settings.SMS_GATEWAY_PASSWORD.encode())
        as_json = settings.SMS_GATEWAY_FORMAT == "json"
        try:
            response = requests.post(
                settings.SMS_GATEWAY_URL,
                json=body if as_json else None,
                data=None if as_json else body,
                headers=headers,
                auth=auth,
                timeout=settings.SMS_GATEWAY_TIMEOUT,
                # A redirect is not an acceptance (and would carry the body elsewhere).
                allow_redirects=False,
            )
        except requests.RequestException as error:
            # "from None": the chained error's text holds the address.
            raise SmsError(f"The SMS gateway did not answer ({type(error).__name__})") from None
        if not 200 <= response.status_code < 300:
            raise SmsError(
                f"The SMS gateway answered {response.status_code} {response.reason or ''}".rstrip()
            )
