"""The network: municipalities, organisations, professionals, expertise and
family centre teams with their invitation practices."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from yhdessa.i18n import ReferenceItem

LANGUAGES_OF_SERVICE = [
    ("fi", _("suomi")),
    ("sv", _("ruotsi")),
    ("en", _("englanti")),
    ("se", _("saame")),
    ("ru", _("venäjä")),
    ("et", _("viro")),
    ("uk", _("ukraina")),
    ("ar", _("arabia")),
    ("so", _("somali")),
    ("fa", _("persia")),
    ("fse", _("suomalainen viittomakieli")),
]
LANGUAGE_CODES = {code for code, _label in LANGUAGES_OF_SERVICE}


class Region(models.Model):
    """A wellbeing services county (hyvinvointialue)."""

    name = models.CharField(_("nimi"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("hyvinvointialue")
        verbose_name_plural = _("hyvinvointialueet")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    name = models.CharField(_("nimi"), max_length=200, unique=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("hyvinvointialue"),
        null=True,
        blank=True,
    )
    # The promise to a family that asks for help: someone calls within this
    # many working days (the contact page says so, the inbox counts from it).
    contact_promise_working_days = models.PositiveSmallIntegerField(
        _("yhteydenottolupaus (arkipäivää)"), default=2
    )

    class Meta:
        verbose_name = _("kunta")
        verbose_name_plural = _("kunnat")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FamilyCentreArea(models.Model):
    """A family centre area (perhekeskusalue) within a municipality."""

    name = models.CharField(_("nimi"), max_length=200)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="areas", verbose_name=_("kunta")
    )

    class Meta:
        verbose_name = _("perhekeskusalue")
        verbose_name_plural = _("perhekeskusalueet")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="area_unique_in_town")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"


class Organisation(models.Model):
    class Sector(models.TextChoices):
        COUNTY_SOCIAL = "county_social", _("hyvinvointialue, sosiaalipalvelut")
        COUNTY_HEALTH = "county_health", _("hyvinvointialue, terveyspalvelut")
        MUNICIPAL_EDUCATION = "municipal_education", _("kunta, kasvatus ja opetus")
        NGO = "ngo", _("järjestö")
        PARISH = "parish", _("seurakunta tai muu uskonnollinen yhteisö")
        OTHER = "other", _("muu")

    PUBLIC_SECTORS = {Sector.COUNTY_SOCIAL, Sector.COUNTY_HEALTH, Sector.MUNICIPAL_EDUCATION}

    name = models.CharField(_("nimi"), max_length=200)
    # The organisation's own names in Swedish and English (from PTV, or as
    # the coordinator writes them); empty: the Finnish name is used.
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=200, blank=True)
    name_en = models.CharField(_("nimi englanniksi"), max_length=200, blank=True)
    sector = models.CharField(_("sektori"), max_length=30, choices=Sector.choices)
    business_id = models.CharField(
        _("y-tunnus"), max_length=9, blank=True, help_text=_("Muodossa 1234567-8.")
    )
    municipalities = models.ManyToManyField(
        Municipality, related_name="organisations", blank=True, verbose_name=_("toimii kunnissa")
    )
    areas = models.ManyToManyField(
        FamilyCentreArea,
        related_name="organisations",
        blank=True,
        verbose_name=_("perhekeskusalueet"),
    )
    email = models.EmailField(_("sähköposti"), blank=True)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    address = models.CharField(_("osoite"), max_length=300, blank=True)
    website = models.URLField(_("verkkosivu"), blank=True)
    languages = models.JSONField(_("palvelukielet"), default=list, blank=True)
    ptv_id = models.CharField(_("PTV-tunniste"), max_length=36, blank=True)

    class Meta:
        verbose_name = _("organisaatio")
        verbose_name_plural = _("organisaatiot")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_id"],
                condition=~models.Q(business_id=""),
                name="organisation_business_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the reader's language, if the organisation has one."""
        lang = (get_language() or "fi")[:2]
        return (getattr(self, f"name_{lang}", "") if lang in ("sv", "en") else "") or self.name

    @property
    def is_public(self) -> bool:
        return self.sector in self.PUBLIC_SECTORS


class Expertise(ReferenceItem):
    """An area of expertise a professional brings to a meeting."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("osaaminen")
        verbose_name_plural = _("osaamiset")


class Professional(models.Model):
    """A person of the network who can be invited, convene or lead."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="professional",
        verbose_name=_("käyttäjätunnus"),
    )
    name = models.CharField(_("nimi"), max_length=200)
    title = models.CharField(_("nimike"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="professionals",
        verbose_name=_("organisaatio"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="professionals",
        verbose_name=_("kunta"),
    )
    email = models.EmailField(_("sähköposti"), blank=True)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    expertise = models.ManyToManyField(
        Expertise, related_name="professionals", blank=True, verbose_name=_("osaaminen")
    )
    languages = models.JSONField(_("kielet"), default=list, blank=True)
    is_active = models.BooleanField(_("aktiivinen"), default=True)

    class Meta:
        verbose_name = _("ammattilainen")
        verbose_name_plural = _("ammattilaiset")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FamilyCentreTeam(models.Model):
    """Perhekeskustiimi: the experts ready to come when invited; or a standing
    Yhdessä-tiimi (Kymenlaakso) with fixed roles that meets at fixed times."""

    class Kind(models.TextChoices):
        ON_CALL = "on_call", _("kutsuttava perhekeskustiimi")
        STANDING = "standing", _("Yhdessä-tiimi (kiinteä tiimi, säännölliset ajat)")

    name = models.CharField(_("nimi"), max_length=200)
    kind = models.CharField(
        _("tiimin malli"), max_length=20, choices=Kind.choices, default=Kind.ON_CALL
    )
    target_max_child_age = models.PositiveSmallIntegerField(
        _("kohderyhmä: lapset alle (v)"),
        null=True,
        blank=True,
        help_text=_("Esim. 8: alle 8-vuotiaat ja heidän perheensä. Tyhjä: ei rajausta."),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="teams", verbose_name=_("kunta")
    )
    area = models.ForeignKey(
        FamilyCentreArea,
        on_delete=models.PROTECT,
        related_name="teams",
        null=True,
        blank=True,
        verbose_name=_("perhekeskusalue"),
    )
    members = models.ManyToManyField(
        Professional, related_name="teams", blank=True, verbose_name=_("jäsenet")
    )
    # A standing team's sessions (its practice's windows) are bookable units:
    # so many families a session, each given so many minutes in turn.
    session_capacity = models.PositiveSmallIntegerField(
        _("perheitä istuntoa kohden"),
        null=True,
        blank=True,
        help_text=_("Esim. 2. Tyhjä: istuntoja ei varata paikoittain."),
    )
    session_family_minutes = models.PositiveSmallIntegerField(
        _("aika perhettä kohden (min)"), null=True, blank=True
    )
    # The team's own words on which families benefit, a line each: shown as
    # a checklist when a family is booked; it guides, it does not block.
    benefit_criteria = models.TextField(
        _("kenelle tiimi sopii"),
        blank=True,
        max_length=2000,
        help_text=_("Yksi kohta riville, esim. ”Perhe tunnistaa ongelman”."),
    )

    class Meta:
        verbose_name = _("perhekeskustiimi")
        verbose_name_plural = _("perhekeskustiimit")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def books_sessions(self) -> bool:
        """A standing team whose sessions are booked a family at a time."""
        return bool(
            self.kind == self.Kind.STANDING
            and self.session_capacity
            and self.session_family_minutes
        )

    @property
    def benefit_checklist(self) -> list[str]:
        return [line.strip() for line in self.benefit_criteria.splitlines() if line.strip()]


class TeamRole(models.Model):
    """A role of a standing team: who is always, per family or optionally invited."""

    class Kind(models.TextChoices):
        CORE = "core", _("kutsutaan aina")
        PER_FAMILY = "per_family", _("kutsutaan perhekohtaisesti")
        OPTIONAL = "optional", _("kutsutaan tarvittaessa")

    team = models.ForeignKey(
        FamilyCentreTeam, on_delete=models.CASCADE, related_name="roles", verbose_name=_("tiimi")
    )
    expertise = models.ForeignKey(
        Expertise, on_delete=models.PROTECT, related_name="+", verbose_name=_("osaaminen")
    )
    kind = models.CharField(_("rooli"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("tiimin rooli")
        verbose_name_plural = _("tiimin roolit")
        ordering = ["kind", "expertise__position"]
        constraints = [
            models.UniqueConstraint(fields=["team", "expertise"], name="one_role_per_expertise")
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.expertise} ({self.kind})"


class InvitationPractice(models.Model):
    """Kutsukäytäntö: how a team is convened (channel and timing)."""

    class DeadlineRule(models.TextChoices):
        NONE = "none", _("ei määräaikaa")
        WEEKDAY_OF_PREVIOUS_WEEK = "weekday_prev_week", _("edellisen viikon viikonpäivään mennessä")
        WORKING_DAYS_BEFORE = "working_days_before", _("arkipäivää ennen")

    team = models.OneToOneField(
        FamilyCentreTeam,
        on_delete=models.CASCADE,
        related_name="practice",
        verbose_name=_("tiimi"),
    )
    by_email = models.BooleanField(_("sähköpostilla"), default=True)
    by_sms = models.BooleanField(_("tekstiviestillä"), default=False)
    by_phone = models.BooleanField(_("puhelimitse"), default=False)
    deadline_rule = models.CharField(
        _("pyynnön määräaika"),
        max_length=30,
        choices=DeadlineRule.choices,
        default=DeadlineRule.NONE,
    )
    deadline_weekday = models.PositiveSmallIntegerField(
        _("määräajan viikonpäivä"), default=0, help_text=_("0 = maanantai … 6 = sunnuntai")
    )
    deadline_working_days = models.PositiveSmallIntegerField(_("arkipäiviä ennen"), default=5)
    default_duration_minutes = models.PositiveSmallIntegerField(_("oletuskesto (min)"), default=90)
    default_place = models.CharField(
        _("oletuspaikat"),
        max_length=500,
        blank=True,
        help_text=_("Yksi tai useampi paikka puolipisteellä erotettuna; ensimmäinen on oletus."),
    )
    instructions = models.TextField(_("ohjeet"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("kutsukäytäntö")
        verbose_name_plural = _("kutsukäytännöt")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline_weekday__lte=6), name="practice_weekday_valid"
            )
        ]

    def __str__(self) -> str:
        return str(self.team)

    @property
    def places(self) -> list[str]:
        return [p.strip() for p in self.default_place.split(";") if p.strip()]


class SlotWindow(models.Model):
    """A weekly window in which the team can meet, e.g. Thursdays 8-10."""

    practice = models.ForeignKey(
        InvitationPractice,
        on_delete=models.CASCADE,
        related_name="slots",
        verbose_name=_("kutsukäytäntö"),
    )
    weekday = models.PositiveSmallIntegerField(_("viikonpäivä"))
    starts = models.TimeField(_("alkaa"))
    ends = models.TimeField(_("päättyy"))

    class Meta:
        verbose_name = _("aikaikkuna")
        verbose_name_plural = _("aikaikkunat")
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="slot_weekday_valid"),
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts:%H:%M}-{self.ends:%H:%M}"


class TaskArea(ReferenceItem):
    """A task area of the family centre (THL), for the service map."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("perhekeskuksen tehtäväalue")
        verbose_name_plural = _("perhekeskuksen tehtäväalueet")


class ServiceOffer(models.Model):
    """An organisation offers something of a task area in a municipality."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("organisaatio"),
    )
    task_area = models.ForeignKey(
        TaskArea, on_delete=models.PROTECT, related_name="offers", verbose_name=_("tehtäväalue")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="offers", verbose_name=_("kunta")
    )
    description = models.CharField(_("kuvaus"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("palvelu")
        verbose_name_plural = _("palvelut")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "task_area", "municipality"],
                name="one_offer_per_task_and_town",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.task_area}"


class ImportedService(models.Model):
    """A service read from PTV whose task area the import could not tell.
    It is kept, not dropped: the coordinator of its municipality classifies
    it (or says it is no family centre service), and a later import of the
    same service follows that choice."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="imported_services",
        verbose_name=_("organisaatio"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="imported_services",
        verbose_name=_("kunta"),
    )
    name = models.CharField(_("palvelun nimi"), max_length=300)
    ptv_id = models.CharField(_("PTV-tunniste"), max_length=36, blank=True)
    task_area = models.ForeignKey(
        TaskArea,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("tehtäväalue"),
    )
    not_family_service = models.BooleanField(_("ei perhekeskuksen palvelu"), default=False)
    imported_at = models.DateTimeField(_("tuotu"), auto_now_add=True)

    class Meta:
        verbose_name = _("tuotu palvelu")
        verbose_name_plural = _("tuodut palvelut")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "municipality", "name"], name="imported_service_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.name}"

    @property
    def is_classified(self) -> bool:
        return self.task_area_id is not None or self.not_family_service


class DirectoryChange(models.Model):
    """Who changed what in the directory, and when."""

    class Action(models.TextChoices):
        CREATED = "created", _("lisätty")
        UPDATED = "updated", _("muutettu")
        DEACTIVATED = "deactivated", _("poistettu käytöstä")
        IMPORTED = "imported", _("tuotu")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("muuttaja"),
    )
    at = models.DateTimeField(_("milloin"), auto_now_add=True, db_index=True)
    action = models.CharField(_("muutos"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("kohde"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("kohteen tunniste"))
    object_repr = models.CharField(_("kohteen nimi"), max_length=200)
    changes = models.JSONField(_("muutokset"), default=dict, blank=True)
    source = models.CharField(_("lähde"), max_length=100, blank=True)
    # Whose directory changed: the coordinator of this municipality reads it.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("kunta"),
    )

    class Meta:
        verbose_name = _("hakemiston muutos")
        verbose_name_plural = _("hakemiston muutokset")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.action} {self.object_repr}"
