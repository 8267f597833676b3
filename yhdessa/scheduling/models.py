"""Availability (absences, the professional's own calendar), rooms and
their bookings, and polls of candidate times."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Absence(models.Model):
    """A time a professional is away: a holiday, a training, part-time days.
    Whole days unless times are given; on the given weekdays only when they
    are given (every Friday of the spring: a part-time day off)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("loma")
        TRAINING = "training", _("koulutus")
        PART_TIME = "part_time", _("osa-aikapäivä")
        OTHER = "other", _("muu poissaolo")

    professional = models.ForeignKey(
        "network.Professional",
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name=_("ammattilainen"),
    )
    kind = models.CharField(_("syy"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("alkaen"))
    ends_on = models.DateField(_("päättyen"))
    from_time = models.TimeField(_("kello alkaen"), null=True, blank=True)
    to_time = models.TimeField(_("kello päättyen"), null=True, blank=True)
    # 0 = Monday. Empty: every day of the range.
    weekdays = models.JSONField(_("viikonpäivät"), default=list, blank=True)
    created_at = models.DateTimeField(_("lisätty"), auto_now_add=True)

    class Meta:
        verbose_name = _("poissaolo")
        verbose_name_plural = _("poissaolot")
        ordering = ["starts_on", "from_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="absence_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(from_time__isnull=True, to_time__isnull=True)
                | models.Q(from_time__lt=models.F("to_time")),
                name="absence_times_in_order",
            ),
        ]
        indexes = [models.Index(fields=["professional", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.professional} {self.get_kind_display()} {self.starts_on}–{self.ends_on}"


class CalendarSource(models.Model):
    """A professional's own calendar as busy times: a private calendar URL
    the worker reads on a schedule, or a file they upload. Only free/busy is
    kept: no titles, places or attendees."""

    professional = models.OneToOneField(
        "network.Professional",
        on_delete=models.CASCADE,
        related_name="calendar_source",
        verbose_name=_("ammattilainen"),
    )
    # A secret: whoever has it reads the calendar. Never shown back whole.
    url = models.CharField(_("kalenterin osoite"), max_length=1000, blank=True)
    uploaded_at = models.DateTimeField(_("tiedosto ladattu"), null=True, blank=True)
    read_at = models.DateTimeField(_("luettu"), null=True, blank=True)
    # An error code of the last read (yhdessa.scheduling.feeds), blank when it worked.
    error = models.CharField(_("virhe"), max_length=40, blank=True)
    busy_count = models.PositiveIntegerField(_("varattuja aikoja"), default=0)

    class Meta:
        verbose_name = _("oma kalenteri")
        verbose_name_plural = _("omat kalenterit")

    def __str__(self) -> str:
        return str(self.professional)


class ExternalBusy(models.Model):
    """One busy time from a professional's own calendar."""

    class Source(models.TextChoices):
        URL = "url", _("kalenterilinkki")
        UPLOAD = "upload", _("ladattu tiedosto")

    professional = models.ForeignKey(
        "network.Professional",
        on_delete=models.CASCADE,
        related_name="external_busy",
        verbose_name=_("ammattilainen"),
    )
    source = models.CharField(_("lähde"), max_length=10, choices=Source.choices)
    starts_at = models.DateTimeField(_("alkaa"))
    ends_at = models.DateTimeField(_("päättyy"))

    class Meta:
        verbose_name = _("varattu aika omasta kalenterista")
        verbose_name_plural = _("varatut ajat omasta kalenterista")
        indexes = [models.Index(fields=["professional", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="external_busy_in_order"
            )
        ]


class Room(models.Model):
    """A place a meeting can be booked in."""

    municipality = models.ForeignKey(
        "network.Municipality",
        on_delete=models.PROTECT,
        related_name="rooms",
        verbose_name=_("kunta"),
    )
    name = models.CharField(_("nimi"), max_length=200)
    address = models.CharField(_("osoite"), max_length=300)
    capacity = models.PositiveSmallIntegerField(_("henkilömäärä"))
    accessibility = models.CharField(_("saavutettavuus"), max_length=500, blank=True)
    # Who may book it: members of these teams. Empty: any professional of the
    # municipality.
    teams = models.ManyToManyField(
        "network.FamilyCentreTeam",
        related_name="rooms",
        blank=True,
        verbose_name=_("varattavissa tiimeille"),
    )
    is_active = models.BooleanField(_("käytössä"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("room", "tila")
        verbose_name_plural = pgettext_lazy("room", "tilat")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="room_name_unique"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="room_capacity"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def place_text(self) -> str:
        """What the meeting's place says: the room and its address."""
        return f"{self.name}, {self.address}"


class RoomBooking(models.Model):
    """A meeting's room. Never two overlapping bookings of one room: an
    exclusion constraint on PostgreSQL and a trigger on SQLite (migration
    0002), so that two conveners confirming at once cannot both win."""

    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=pgettext_lazy("room", "tila"),
    )
    meeting = models.OneToOneField(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="room_booking",
        verbose_name=_("tapaaminen"),
    )
    starts_at = models.DateTimeField(_("alkaa"))
    ends_at = models.DateTimeField(_("päättyy"))

    class Meta:
        verbose_name = _("tilavaraus")
        verbose_name_plural = _("tilavaraukset")
        indexes = [models.Index(fields=["room", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="room_booking_in_order"
            )
        ]


class Poll(models.Model):
    """Candidate times (2-5) offered to the invitees and the family; the
    convener picks the winner, which convenes the meeting."""

    class Status(models.TextChoices):
        OPEN = "open", _("avoinna")
        DECIDED = "decided", _("aika valittu")
        CANCELLED = "cancelled", _("peruttu")

    concern = models.ForeignKey(
        "families.Concern", on_delete=models.CASCADE, related_name="polls", verbose_name=_("huoli")
    )
    convener = models.ForeignKey(
        "network.Professional",
        on_delete=models.PROTECT,
        related_name="polls_convened",
        verbose_name=_("koollekutsuja"),
    )
    team = models.ForeignKey(
        "network.FamilyCentreTeam",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("perhekeskustiimi"),
    )
    invitees = models.ManyToManyField(
        "network.Professional", related_name="polls", verbose_name=_("kutsuttavat")
    )
    duration_minutes = models.PositiveSmallIntegerField(_("varattu aika (min)"))
    place = models.CharField(_("paikka"), max_length=200)
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("room", "tila"),
    )
    status = models.CharField(_("tila"), max_length=20, choices=Status.choices, default=Status.OPEN)
    meeting = models.OneToOneField(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="poll",
        verbose_name=_("tapaaminen"),
    )
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)

    class Meta:
        verbose_name = _("aikakysely")
        verbose_name_plural = _("aikakyselyt")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.concern} {self.created_at:%d.%m.%Y}"


class PollOption(models.Model):
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="options", verbose_name=_("aikakysely")
    )
    starts_at = models.DateTimeField(_("alkaa"))

    class Meta:
        verbose_name = _("vaihtoehto")
        verbose_name_plural = _("vaihtoehdot")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "starts_at"], name="poll_option_unique")
        ]


class PollVote(models.Model):
    """One answer to one candidate time: by an invitee, or by the family."""

    class Answer(models.TextChoices):
        YES = "yes", _("sopii")
        MAYBE = "maybe", _("sopii tarvittaessa")
        NO = "no", _("ei sovi")

    option = models.ForeignKey(
        PollOption, on_delete=models.CASCADE, related_name="votes", verbose_name=_("vaihtoehto")
    )
    # Null: the family's own answer.
    professional = models.ForeignKey(
        "network.Professional",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ammattilainen"),
    )
    answer = models.CharField(_("vastaus"), max_length=10, choices=Answer.choices)
    answered_at = models.DateTimeField(_("vastattu"), auto_now=True)

    class Meta:
        verbose_name = _("vastaus")
        verbose_name_plural = _("vastaukset")
        constraints = [
            models.UniqueConstraint(
                fields=["option", "professional"], name="one_vote_per_professional"
            ),
            models.UniqueConstraint(
                fields=["option"],
                condition=models.Q(professional__isnull=True),
                name="one_family_vote",
            ),
        ]
