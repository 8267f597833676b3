"""The outbox: every message to a person is a row, written in the same
transaction as the change that caused it and delivered by the worker.

The outbox is a leaf: the sender (e.g. a meeting) writes the texts and the
attachment and hands over plain data; the row owns its delivery state and its
lease, so a worker killed mid-send loses nothing (see services.py).
"""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Where a message's secret goes in its body, and what the app shows there.
SECRET_MARK = "{{secret}}"
SECRET_SHOWN = _("[henkilökohtainen linkki]")


def site_domain() -> str:
    """The host of SITE_URL: the right-hand side of our Message-IDs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("odottaa lähetystä")
        SENDING = "sending", _("lähettämässä")
        SENT = "sent", _("lähetetty")
        FAILED = "failed", _("lähetys epäonnistui")
        # A newer message to the same person (a moved time, a cancellation)
        # took its place before it was sent: it is never sent.
        REPLACED = "replaced", _("korvattu uudemmalla viestillä")

    class Channel(models.TextChoices):
        EMAIL = "email", _("sähköposti")
        SMS = "sms", _("tekstiviesti")

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("kutsu")
        UPDATE = "update", _("muuttunut kutsu")
        CANCELLATION = "cancellation", _("peruutus")
        ACCOUNT = "account", _("kirjautumisviesti")
        REMINDER = "reminder", _("muistutus")
        # To a worker: something needs them (a family needs another time).
        NOTICE = "notice", _("ilmoitus")
        # To a family: the link to its own page, sent again.
        FAMILY_LINK = "family_link", _("perheen linkki")
        # About a family's own contact: its confirmation, who will call.
        CONTACT = "contact", _("yhteydenotto")
        # Candidate times offered to the invitees and the family to answer.
        POLL = "poll", _("aikakysely")

    # Stable across retries: the Message-ID of every try of an email and the
    # reference of every try of an SMS, so a rare repeat (a worker killed
    # between the server's reply and recording it) is recognisable.
    uuid = models.UUIDField(_("tunniste"), default=uuid.uuid4, unique=True, editable=False)
    # The sender's name for this message: the same key again is the same row.
    idempotency_key = models.CharField(_("toistotunniste"), max_length=200, unique=True)
    channel = models.CharField(
        _("kanava"), max_length=20, choices=Channel.choices, default=Channel.EMAIL
    )
    kind = models.CharField(_("laji"), max_length=20, choices=Kind.choices)
    language = models.CharField(
        _("kieli"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="messages",
        null=True,
        blank=True,
        verbose_name=_("tapaaminen"),
    )
    professional = models.ForeignKey(
        "network.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ammattilainen"),
    )
    to_family = models.BooleanField(_("perheelle"), default=False)
    # The family the message is about, when no meeting says it (a contact's
    # confirmation, a link sent again): those who see the family see it.
    family = models.ForeignKey(
        "families.Family",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("perhe"),
    )
    # An email address, or for an SMS a phone number in E.164 (+358401234567).
    recipient = models.CharField(_("vastaanottaja"), max_length=254)
    # For an SMS only a short title shown in the app; the body is what is sent.
    subject = models.CharField(_("aihe"), max_length=200)
    body = models.TextField(_("viesti"))
    # A personal link's secret part (a family's token): the body holds
    # SECRET_MARK in its place, the sender puts it in at each try, and it is
    # wiped once the message is sent or will never be. So nobody who reads
    # the messages in the app, nor a copy of the table, opens a family's page.
    secret = models.CharField(_("salainen osa"), max_length=100, blank=True)
    attachment = models.TextField(_("liite"), blank=True)
    attachment_name = models.CharField(_("liitteen nimi"), max_length=100, blank=True)
    # A text MIME type with its parameters, e.g. "text/calendar; method=REQUEST".
    attachment_type = models.CharField(_("liitteen tyyppi"), max_length=100, blank=True)
    status = models.CharField(
        _("tila"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("yrityksiä"), default=0)
    next_attempt_at = models.DateTimeField(_("seuraava yritys"), null=True, blank=True)
    # While SENDING: the worker that claimed the message owns it until then;
    # after it the sweep gives the message to another worker.
    leased_until = models.DateTimeField(_("varattu asti"), null=True, blank=True)
    # Set when the sender withdrew the message while a try was under way: that
    # try may still reach the server, but no retry or sweep sends it again.
    stopped_at = models.DateTimeField(_("pysäytetty"), null=True, blank=True)
    last_error = models.CharField(_("viimeisin virhe"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("lähetetty"), null=True, blank=True)
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)

    class Meta:
        verbose_name = _("lähtevä viesti")
        verbose_name_plural = _("lähtevät viestit")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["status", "leased_until"], name="notify_outbox_lease_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sending") | models.Q(leased_until__isnull=False),
                name="outbox_sending_has_lease",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="pending") | models.Q(next_attempt_at__isnull=False),
                name="outbox_pending_has_due_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"

    @property
    def text(self) -> str:
        """The body as the recipient gets it (the secret put in)."""
        return self.body.replace(SECRET_MARK, self.secret) if self.secret else self.body

    @property
    def shown_body(self) -> str:
        """The body as the app shows it: never the secret."""
        return self.body.replace(SECRET_MARK, str(SECRET_SHOWN))

    @property
    def message_id(self) -> str:
        """The RFC 5322 Message-ID of every delivery try of this message."""
        return f"<{self.uuid}@{site_domain()}>"


class ScheduledRun(models.Model):
    """One period of one periodic job, claimed by the worker that runs it.

    However many workers run, the unique (name, period_start) lets exactly
    one of them insert the row, and only that one runs the job for that
    period (see yhdessa/notify/schedule.py).
    """

    name = models.CharField(_("tehtävä"), max_length=100)
    period_start = models.DateTimeField(_("jakson alku"))
    worker = models.CharField(_("työprosessi"), max_length=200)
    started_at = models.DateTimeField(_("aloitettu"))

    class Meta:
        verbose_name = _("ajastettu ajo")
        verbose_name_plural = _("ajastetut ajot")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "period_start"], name="scheduled_run_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.period_start:%Y-%m-%d %H:%M:%S}"


class WorkerHeartbeat(models.Model):
    """A running worker process (host:pid), seen at ``seen_at``: /healthz
    reports the age of the newest one."""

    name = models.CharField(_("työprosessi"), max_length=200, unique=True)
    started_at = models.DateTimeField(_("käynnistetty"))
    seen_at = models.DateTimeField(_("viimeksi elossa"), db_index=True)

    class Meta:
        verbose_name = _("työprosessin elonmerkki")
        verbose_name_plural = _("työprosessien elonmerkit")

    def __str__(self) -> str:
        return self.name
