"""Logs as JSON lines, each with the id of the request it belongs to.

Log only ids and states (a meeting id, a status code), never a family's
alias, an email address or a summary: logs leave the system for monitoring
and are kept outside the access log's rules.
"""

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

# "-" outside a request (the worker, commands).
request_id: ContextVar[str] = ContextVar("request_id", default="-")

# A proxy's or load balancer's id is kept when it is short and plain; any
# other value (too long, spaces, quotes, control characters) is replaced.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestIdMiddleware:
    """Give every request an id (X-Request-ID when sane, else a new uuid4),
    return it in the response header and put it on every log line.

    The id is not reset at the end of the middleware: Django logs a 4xx/5xx
    response (django.request) after the whole middleware chain, and that line
    needs the id too. It ends when the response is closed (request_finished),
    so that later lines of the same thread do not carry it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request_id.set(rid)
        request.request_id = rid
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


def _forget_request_id(**kwargs) -> None:
    request_id.set("-")


request_finished.connect(_forget_request_id, dispatch_uid="yhdessa.ops.logs.request_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id
    (and status and exception when there are)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        if status := getattr(record, "status_code", None):
            line["status"] = status
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)
