"""Meetings (Yhdessä aika) and the invitations to them."""

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("sovittu")
        HELD = "held", _("pidetty")
        CANCELLED = "cancelled", _("peruttu")

    class FamilyAnswer(models.TextChoices):
        COMING = "coming", _("tulemme")
        OTHER_TIME = "other_time", _("tarvitsemme toisen ajan")

    concern = models.ForeignKey(
        "families.Concern",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("huoli"),
    )
    convener = models.ForeignKey(
        "network.Professional",
        on_delete=models.PROTECT,
        related_name="meetings_convened",
        verbose_name=_("koollekutsuja"),
    )
    team = models.ForeignKey(
        "network.FamilyCentreTeam",
        on_delete=models.PROTECT,
        related_name="meetings",
        null=True,
        blank=True,
        verbose_name=_("perhekeskustiimi"),
    )
    starts_at = models.DateTimeField(_("alkaa"))
    duration_minutes = models.PositiveSmallIntegerField(_("varattu aika (min)"))
    place = models.CharField(_("paikka"), max_length=200)
    status = models.CharField(
        _("tila"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    # Codes and parameters, written out in the reader's language when shown
    # (yhdessa.meetings.warnings), never stored sentences.
    practice_warnings = models.JSONField(
        _("kutsukäytännöstä poikkeaminen"),
        default=list,
        blank=True,
        help_text=_("Varoitukset, jotka koollekutsuja kuittasi."),
    )
    family_present = models.BooleanField(_("perhe paikalla"), null=True, blank=True)
    # A follow-up meeting (seurantatapaaminen): the held meeting it follows.
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("edellinen tapaaminen"),
    )
    held_at = models.DateTimeField(_("kirjattu pidetyksi"), null=True, blank=True)
    # The family's own answer from its page: coming, or needs another time.
    family_answer = models.CharField(
        _("perheen vastaus"), max_length=20, choices=FamilyAnswer.choices, blank=True
    )
    family_answer_note = models.CharField(_("perheen viesti"), max_length=300, blank=True)
    family_answered_at = models.DateTimeField(_("perhe vastasi"), null=True, blank=True)
    # Booked into a standing team's session (its start): one of its places.
    session_starts_at = models.DateTimeField(_("istunto"), null=True, blank=True)
    # iCalendar SEQUENCE: raised whenever the invitation changes.
    sequence = models.PositiveIntegerField(default=0)
    # iCalendar UID: random, so it is unique across every installation, and
    # kept for the meeting's life (moves and the cancel reuse it).
    uid = models.UUIDField(_("kalenteritunniste"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)

    class Meta:
        verbose_name = _("Yhdessä aika")
        verbose_name_plural = _("Yhdessä ajat")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="meeting_duration_sane",
            ),
            # Only held with the family present.
            models.CheckConstraint(
                condition=~models.Q(status="held") | models.Q(family_present=True),
                name="meeting_held_with_family",
            ),
            # A session's place is taken once: two bookers of the same place
            # at the same moment cannot both succeed.
            models.UniqueConstraint(
                fields=["team", "starts_at"],
                condition=models.Q(session_starts_at__isnull=False, status="scheduled"),
                name="one_family_per_session_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.concern.family} {self.starts_at:%d.%m.%Y}"

    @property
    def is_follow_up(self) -> bool:
        return self.follows_id is not None

    @property
    def title(self) -> str:
        """What the meeting is called on its pages, in its messages and in the calendar."""
        return _("Yhdessä ajan seurantatapaaminen") if self.is_follow_up else _("Yhdessä aika")

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def ics_uid(self) -> str:
        """The calendar entry's UID: the meeting's own UUID at this site's domain."""
        return f"{self.uid}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


class Invitation(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("kutsuttu")
        ATTENDED = "attended", _("osallistui")
        ABSENT = "absent", _("ei osallistunut")
        # Declined and replaced by a substitute: no longer at the table.
        WITHDRAWN = "withdrawn", _("korvattu")

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", _("tulee")
        DECLINED = "declined", _("ei pääse")
        PROPOSED = "proposed", _("ehdottaa toista aikaa")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("tapaaminen")
    )
    professional = models.ForeignKey(
        "network.Professional",
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("ammattilainen"),
    )
    expertise = models.ForeignKey(
        "network.Expertise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kutsuttu osaaminen"),
    )
    status = models.CharField(
        _("tila"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    # The practice says "by phone" (or no message reaches them): the
    # convener ticks that the call was made.
    called_at = models.DateTimeField(_("soitettu"), null=True, blank=True)
    # The invitee's own answer: by the signed link in the message, in the
    # app, or by a calendar reply. Cleared when the meeting moves.
    answer = models.CharField(_("vastaus"), max_length=20, choices=Answer.choices, blank=True)
    answer_note = models.CharField(_("viesti"), max_length=300, blank=True)
    proposed_starts_at = models.DateTimeField(_("ehdotettu aika"), null=True, blank=True)
    answered_at = models.DateTimeField(_("vastasi"), null=True, blank=True)
    # A substitute: the declined invitation whose expertise this one covers.
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitutes",
        verbose_name=_("korvaa"),
    )

    class Meta:
        verbose_name = _("kutsu")
        verbose_name_plural = _("kutsut")
        ordering = ["professional__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "professional"], name="one_invitation_each")
        ]

    def __str__(self) -> str:
        return f"{self.professional} → {self.meeting_id}"

    @property
    def holds_time(self) -> bool:
        """Whether the meeting takes the invitee's time: not declined, not
        replaced by a substitute. The double-booking check and the slot
        finder's busy times both ask this."""
        return self.status != self.Status.WITHDRAWN and self.answer != self.Answer.DECLINED


class RunSheet(models.Model):
    """The meeting room page's own record of one meeting (Yhdessä ajan ABC):
    the frame of the discussion, the child's view, the clock and the drafts
    typed on the table, so that a dropped connection loses no text."""

    class Frame(models.TextChoices):
        STAR = "star", _("Hyvinvoinnin tähti")
        LAPSET_PUHEEKSI = "lapset_puheeksi", _("Lapset puheeksi -keskustelu")

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="run_sheet", verbose_name=_("tapaaminen")
    )
    frame = models.CharField(
        _("keskustelun runko"), max_length=20, choices=Frame.choices, default=Frame.STAR
    )
    # The child's view, kept at the centre even when the child is not there.
    child_view = models.TextField(_("lapsen näkökulma"), max_length=2000, blank=True)
    # The notes of a Lapset puheeksi discussion (its materials are not ours:
    # only the name and a link are shown).
    frame_notes = models.TextField(_("keskustelun muistiinpanot"), max_length=4000, blank=True)
    phase = models.CharField(_("vaihe"), max_length=20, blank=True)
    clock_started_at = models.DateTimeField(_("kello käynnistetty"), null=True, blank=True)
    # Field name -> text typed but not yet saved (identity codes never kept).
    draft = models.JSONField(_("luonnokset"), default=dict, blank=True)
    draft_saved_at = models.DateTimeField(_("luonnos tallennettu"), null=True, blank=True)

    class Meta:
        verbose_name = _("tapaamisen kulku")
        verbose_name_plural = _("tapaamisten kulku")

    def __str__(self) -> str:
        return str(self.meeting_id)
