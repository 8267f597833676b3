"""SMS, the outbox's second channel: queued to an E.164 number, delivered
through a backend (a real HTTP gateway on localhost, the demo's files),
retried and failed exactly as email is."""

import logging
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import strategies as st

from conftest import _free_port, meeting_for
from yhdessa.notify.models import OutboxMessage
from yhdessa.notify.services import Attachment, deliver, lease, queue_message, sweep
from yhdessa.notify.sms import ELLIPSIS, fit_sms

TEXT = "Yhdessä aika to 4.12. klo 8.00, Järvelän perhekeskus. Tiedot ja vastaus:"


def sms(key: str = "sms-1", **overrides) -> OutboxMessage:
    data = {
        "channel": OutboxMessage.Channel.SMS,
        "kind": OutboxMessage.Kind.INVITATION,
        "recipient": "040 123 4567",
        "language": "fi",
        "subject": "Kutsu: Yhdessä aika",
        "body": TEXT,
        "idempotency_key": key,
    }
    return queue_message(**(data | overrides))


def later(message: OutboxMessage) -> timedelta:
    """Just past the message's next due time."""
    message.refresh_from_db()
    return message.next_attempt_at + timedelta(seconds=1)


# ---- queueing ------------------------------------------------------------------


def test_an_sms_is_queued_to_the_number_in_e164_once_per_key(db):
    message = sms()
    assert (message.channel, message.recipient) == ("sms", "+358401234567")
    assert sms(recipient="050 765 4321").pk == message.pk  # the same key: the same row
    abroad = sms("sms-2", recipient="+46 70 123 45 67")
    assert abroad.recipient == "+46701234567"
    assert OutboxMessage.objects.count() == 2
    assert DBTaskResult.objects.count() == 2
    message.refresh_from_db()
    assert (message.status, message.recipient, message.body) == ("pending", "+358401234567", TEXT)


def test_a_bad_number_an_attachment_or_an_overlong_text_is_refused(db, settings):
    settings.SMS_MAX_CHARS = 100
    with pytest.raises(ValueError, match="phone number"):
        sms(recipient="040 123")
    with pytest.raises(ValueError, match="phone number"):
        sms(recipient="perhe@koti.example")
    with pytest.raises(ValueError, match="attachment"):
        sms(attachment=Attachment("kutsu.ics", "text/calendar; method=REQUEST", "BEGIN:VCALENDAR"))
    with pytest.raises(ValueError, match="SMS_MAX_CHARS"):
        sms(body="x" * 101)
    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert len(sms(body="x" * 100).body) == 100  # exactly the limit is fine


# ---- the HTTP gateway ------------------------------------------------------------


def test_the_gateway_gets_json_with_its_own_field_names_and_basic_auth(db, sms_gateway, settings):
    settings.SMS_GATEWAY_FIELDS = {
        "to": "msisdn",
        "text": "message",
        "sender": "from",
        "reference": "ref",
    }
    settings.SMS_GATEWAY_USER, settings.SMS_GATEWAY_PASSWORD = "yhdessa", "pass:wörd"
    settings.SMS_SENDER = "Jarvela"
    message = sms()
    assert deliver(message.pk) == "sent"
    (request,) = sms_gateway.requests
    assert (request.path, request.content_type) == ("/v1/send", "application/json")
    assert request.fields() == {
        "msisdn": "+358401234567",
        "message": TEXT,
        "from": "Jarvela",
        "ref": str(message.uuid),
    }
    assert request.basic_auth() == "yhdessa:pass:wörd"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None


def test_the_gateway_gets_a_form_with_a_bearer_token(db, sms_gateway, settings):
    settings.SMS_GATEWAY_FORMAT = "form"
    settings.SMS_GATEWAY_TOKEN = "t0ken"
    # This gateway sets the sender itself: an empty name leaves the field out.
    settings.SMS_GATEWAY_FIELDS = {"to": "to", "text": "body", "sender": "", "reference": "id"}
    message = sms()
    assert deliver(message.pk) == "sent"
    (request,) = sms_gateway.requests
    assert request.content_type == "application/x-www-form-urlencoded"
    assert request.fields() == {"to": "+358401234567", "body": TEXT, "id": str(message.uuid)}
    assert request.authorization == "Bearer t0ken"


@pytest.mark.parametrize("status", [500, 503, 400, 302])
def test_any_answer_but_2xx_is_retried_later_with_the_same_reference(
    db, sms_gateway, settings, status
):
    settings.OUTBOX_FIRST_RETRY_SECONDS = 60
    settings.SMS_GATEWAY_USER, settings.SMS_GATEWAY_PASSWORD = "yhdessa", "s3cret-pass"
    sms_gateway.answers = [status]
    message = sms()
    now = timezone.now()
    assert deliver(message.pk, now=now) == "retry"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.leased_until) == ("pending", 1, None)
    assert message.next_attempt_at == now + timedelta(seconds=60)
    assert str(status) in message.last_error
    assert "s3cret-pass" not in message.last_error
    assert deliver(message.pk, now=now + timedelta(seconds=30)) == "skipped"  # not due yet
    assert deliver(message.pk, now=now + timedelta(seconds=61)) == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")
    assert sms_gateway.references() == [str(message.uuid)] * 2


def test_a_gateway_that_does_not_answer_in_time_is_tried_again(db, sms_gateway, settings):
    settings.SMS_GATEWAY_TIMEOUT = 0.5
    sms_gateway.stall = {1}  # the first request gets no answer
    message = sms()
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "ReadTimeout" in message.last_error
    assert deliver(message.pk, now=later(message)) == "sent"
    assert sms_gateway.references() == [str(message.uuid)] * 2


def test_after_the_last_attempt_the_sms_is_failed(db, sms_gateway, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    sms_gateway.answers = [500, 500]
    message = sms()
    assert deliver(message.pk) == "retry"
    assert deliver(message.pk, now=later(message)) == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 2, None)
    assert "500" in message.last_error
    assert deliver(message.pk, now=timezone.now() + timedelta(days=1)) == "skipped"
    assert len(sms_gateway.requests) == 2


def test_an_unreachable_gateway_is_retried_and_neither_its_address_nor_credentials_kept(
    db, settings, caplog
):
    settings.SMS_BACKEND = "yhdessa.notify.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{_free_port()}/send?apikey=k3y-in-the-url"
    settings.SMS_GATEWAY_USER, settings.SMS_GATEWAY_PASSWORD = "yhdessa", "s3cret-pass"
    message = sms()
    with caplog.at_level(logging.DEBUG):
        assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert "ConnectionError" in message.last_error
    # The stored error (shown on the failed messages page) names no address at all.
    for secret in ("k3y-in-the-url", "s3cret-pass", "127.0.0.1"):
        assert secret not in message.last_error
    for secret in ("k3y-in-the-url", "s3cret-pass"):
        assert secret not in caplog.text


# ---- the demo backend ----------------------------------------------------------------


def test_the_demo_backend_keeps_one_file_per_message_even_when_sent_twice(db, sms_dir):
    first, second = sms("sms-1"), sms("sms-2", recipient="050 765 4321", body="Toinen")
    assert deliver(first.pk) == "sent" and deliver(second.pk) == "sent"
    # A repeat: the first message is given back (as after a killed try) and sent again.
    OutboxMessage.objects.filter(pk=first.pk).update(
        status="pending", next_attempt_at=timezone.now()
    )
    assert deliver(first.pk) == "sent"
    # Every entry, hidden ones too: no draft is left behind.
    assert sorted(p.name for p in sms_dir.iterdir()) == sorted(
        [f"{first.uuid}.txt", f"{second.uuid}.txt"]
    )
    assert (sms_dir / f"{first.uuid}.txt").read_text(encoding="utf-8") == (
        f"To: +358401234567\nReference: {first.uuid}\n\n{TEXT}\n"
    )
    assert (sms_dir / f"{second.uuid}.txt").read_text().startswith("To: +358507654321\n")


def test_an_sms_left_sending_by_a_killed_worker_is_swept_and_sent_once(db, sms_dir):
    message = sms()
    now = timezone.now()
    # A worker claimed it and was killed before it reached the backend.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", leased_until=now + lease(), attempts=1, next_attempt_at=None
    )
    assert deliver(message.pk, now=now) == "skipped"
    assert sweep(now=now + lease() - timedelta(seconds=1)) == 0
    assert list(sms_dir.glob("*")) == []
    assert sweep(now=now + lease() + timedelta(seconds=1)) == 1
    assert deliver(message.pk, now=now + lease() + timedelta(seconds=2)) == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert [p.name for p in sms_dir.iterdir()] == [f"{message.uuid}.txt"]


# ---- fitting a text ---------------------------------------------------------------------

links = st.one_of(
    st.just(""),
    st.from_regex(r"https://[a-z]{1,10}\.example/p/[A-Za-z0-9_-]{0,40}", fullmatch=True),
)
# Mostly words and spaces (so that cuts between words are tried), and any text too.
texts = st.one_of(
    st.lists(st.text(st.characters(categories=["L", "N", "P"]), min_size=1, max_size=14)).flatmap(
        lambda words: st.sampled_from([" ", "\n", "  "]).map(lambda gap: gap.join(words))
    ),
    st.text(max_size=600),
)


@given(text=texts, link=links, data=st.data())
def test_a_fitted_text_fits_and_ends_with_the_whole_link(text, link, data):
    # Mostly a limit near the text's length, where cuts happen; sometimes any.
    near = st.integers(min_value=max(len(link), 1), max_value=len(text) + len(link) + 2)
    limit = data.draw(st.one_of(near, st.integers(min_value=max(len(link), 1), max_value=500)))
    with override_settings(SMS_MAX_CHARS=limit):
        fitted = fit_sms(text, link)
    whole = " ".join(part for part in (text, link) if part)
    assert len(fitted) <= limit
    assert fitted.endswith(link)
    kept = fitted.removesuffix(link).removesuffix(" ") if link else fitted
    if len(whole) <= limit:
        assert fitted == whole  # a short text is unchanged
        return
    room = limit - len(ELLIPSIS) - (len(link) + 1 if link else 0)
    if room <= 0:  # no room for any of the text: the link alone
        assert fitted == link
        return
    # Shortened: the beginning of the text, and "..." to say so.
    assert kept.endswith(ELLIPSIS)
    kept = kept.removesuffix(ELLIPSIS)
    assert text.startswith(kept) and kept == kept.rstrip()
    if any(ch.isspace() for ch in text[1 : room + 1]):
        # Cut between words, never inside one.
        assert text[len(kept)].isspace()


def test_a_long_text_is_cut_between_words_and_the_link_kept(settings):
    settings.SMS_MAX_CHARS = 40
    link = "https://y.example/p/abc"  # 23 characters: 16 left for the text
    assert fit_sms("Tapaaminen on torstaina kello kahdeksan", link) == (
        "Tapaaminen on... https://y.example/p/abc"
    )
    assert fit_sms("Lyhyt.", link) == "Lyhyt. https://y.example/p/abc"
    assert fit_sms("Lyhyt.") == "Lyhyt."
    with pytest.raises(ValueError, match="link"):
        fit_sms("Hei", "https://y.example/" + "x" * 23)  # 41 characters
    assert fit_sms("Hei", "https://y.example/" + "x" * 22) == "https://y.example/" + "x" * 22


# ---- the pages ------------------------------------------------------------------------


def test_the_message_pages_show_the_channel_and_the_sms_text(client, network):
    meeting = meeting_for(network)
    message = sms(meeting_id=meeting.pk, to_family=True)
    client.force_login(network.convener)
    listing = client.get(reverse("notify:list")).content.decode()
    assert "tekstiviesti" in listing and "sähköposti" in listing
    assert "+358401234567" in listing
    detail = client.get(reverse("notify:detail", args=[message.pk])).content.decode()
    assert "tekstiviesti" in detail and "Tekstiviestin teksti" in detail
    assert TEXT in detail
    assert f"{len(TEXT)} merkkiä" in detail
    assert "kalenterikutsu" not in detail
    email = OutboxMessage.objects.filter(channel="email").first()
    detail = client.get(reverse("notify:detail", args=[email.pk])).content.decode()
    assert "sähköposti" in detail and "Tekstiviestin teksti" not in detail
