"""Logs are JSON lines with the request id, and name no family."""

import io
import json
import logging
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import next_thursday_at
from yhdessa.families.models import Concern
from yhdessa.ops.logs import JsonFormatter


@pytest.fixture
def log_lines():
    """Everything logged at DEBUG and up, as our JSON lines; returns a
    function giving the lines so far."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield lambda: stream.getvalue()
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_sane_request_id_is_kept_and_returned(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"})
    assert response["X-Request-ID"] == "lb-1234.abc"


@pytest.mark.parametrize("given", [None, "", "x" * 200, "a b", 'a"b', "ä"])
def test_any_other_request_id_is_replaced_by_a_new_one(client, db, given):
    headers = {"X-Request-ID": given} if given is not None else {}
    response = client.get("/healthz", headers=headers)
    assert uuid.UUID(response["X-Request-ID"]).version == 4


def test_a_log_line_is_json_with_the_request_id(client, network, log_lines):
    client.force_login(network.convener2)
    response = client.get("/audit/families/999999/", headers={"X-Request-ID": "req-42"})
    assert response.status_code in (403, 404)
    lines = [json.loads(line) for line in log_lines().splitlines()]
    refused = [line for line in lines if line["logger"] == "django.request"]
    assert refused, lines
    assert refused[-1]["request_id"] == "req-42"
    assert refused[-1]["status"] == response.status_code
    assert set(refused[-1]) >= {"time", "level", "logger", "message", "request_id"}


def test_outside_a_request_the_id_is_a_dash(log_lines):
    logging.getLogger("yhdessa.test").warning("Worker %s", 7)
    line = json.loads(log_lines().splitlines()[-1])
    assert line["message"] == "Worker 7" and line["request_id"] == "-"


def test_raising_a_concern_and_convening_log_no_family_data(client, network, log_lines, dead_smtp):
    """The path that carries the most family data, with refusals and a failed
    delivery on the way: the log names no alias, email or summary."""
    from yhdessa.notify.services import deliver_due

    client.force_login(network.convener)
    form = {
        "alias": "Perhe Salainen",
        "children_birth_years": str(timezone.localdate().year - 4),
        "email": "salainen@koti.example",
        "phone": "",
        "language": "fi",
        "channel": "local_worker",
        "topics": ["daily_rhythm"],
        "summary": "Yksityinen huoli iltaisin.",
        "consent": "on",
    }
    client.post(reverse("families:create"), form | {"consent": ""})  # refused: no consent
    assert client.post(reverse("families:create"), form).status_code == 302
    concern = Concern.objects.get()
    local = timezone.localtime(next_thursday_at(8))
    convene = reverse("meetings:convene", args=[concern.pk])
    data = {
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "duration_minutes": "90",
        "place": "Päiväkoti Satakieli",
        "invitees": [str(network.people["mikko"].pk)],
    }
    assert client.post(convene, data).status_code == 302
    client.force_login(network.member)
    assert client.get(convene).status_code == 403  # logged by django.request
    client.force_login(network.convener2)
    assert client.get(reverse("families:detail", args=[concern.pk])).status_code == 404
    deliver_due()  # every delivery fails: nothing listens

    output = log_lines()
    assert "Forbidden" in output and "Not Found" in output
    for secret in ("Salainen", "salainen@koti.example", "Yksityinen huoli", "@test.example"):
        assert secret not in output
