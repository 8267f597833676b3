from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from yhdessa.families import contacts as contact_rules
from yhdessa.families.models import Concern, ConcernTopic, Contact, Family
from yhdessa.families.services import (
    ALIAS_MAX,
    CLOSE_NOTE_MAX,
    EMAIL_MAX,
    PHONE_MAX,
    SUMMARY_MAX,
    check_concern_input,
)
from yhdessa.formats import time_of_day
from yhdessa.network.models import FamilyCentreArea, Municipality, Professional


class ConcernForm(forms.Form):
    # A one-time token: Back and save again, or a double click, records the
    # family once.
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    alias = forms.CharField(
        label=_("Perheen tunnus"),
        max_length=ALIAS_MAX,
        help_text=_(
            "Lyhyt tunnus, jolla tunnistat perheen, esim. ”Perhe K”. Ei nimiä eikä henkilötunnuksia."
        ),
    )
    children_birth_years = forms.CharField(
        label=_("Lasten syntymävuodet"),
        max_length=100,
        help_text=_("Erota pilkulla, esim. 2019, 2022."),
    )
    email = forms.EmailField(
        label=_("Perheen sähköposti kutsuja varten"), required=False, max_length=EMAIL_MAX
    )
    phone = forms.CharField(label=_("Perheen puhelin"), max_length=PHONE_MAX, required=False)
    language = forms.ChoiceField(
        label=_("Perheen asiointikieli"), choices=Family.Language.choices, initial="fi"
    )
    message_channel = forms.ChoiceField(
        label=_("Viestit perheelle"),
        choices=Family.MessageChannel.choices,
        initial=Family.MessageChannel.EMAIL,
        # Left out: email (as before the choice existed).
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Kutsut, muutokset, muistutukset ja perheen oman sivun linkki."),
    )
    area = forms.ModelChoiceField(
        label=_("Perhekeskusalue"),
        queryset=FamilyCentreArea.objects.none(),
        required=False,
        empty_label=_("(ei aluetta)"),
        help_text=_("Alue, jonka perhekeskuksen piiriin perhe kuuluu."),
    )
    channel = forms.ChoiceField(
        label=_("Miten huoli tuli esiin"),
        choices=Concern.Channel.choices,
        initial=Concern.Channel.LOCAL_WORKER,
        widget=forms.RadioSelect,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Aiheet"),
        queryset=ConcernTopic.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Lyhyt kuvaus"),
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vain olennainen, perheen kanssa sovitusti."),
    )
    existing_support = forms.BooleanField(
        label=_("Perheellä on jo tässä asiassa asiakkuus varhaisen tai erityisen tuen palveluissa"),
        required=False,
    )
    consent = forms.BooleanField(
        label=_("Perhe on antanut suostumuksensa Yhdessä ajan koollekutsumiseen"),
        required=False,
    )

    def __init__(self, *args, municipality_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.municipality_id = municipality_id
        areas = list(FamilyCentreArea.objects.filter(municipality_id=municipality_id))
        if not areas:
            del self.fields["area"]  # nothing to choose from
            return
        self.fields["area"].queryset = FamilyCentreArea.objects.filter(
            municipality_id=municipality_id
        )
        self.fields["area"].label_from_instance = lambda area: area.name
        if len(areas) == 1:
            self.fields["area"].initial = areas[0].pk

    def clean_children_birth_years(self) -> list[int]:
        raw = self.cleaned_data["children_birth_years"]
        parts = [p.strip() for p in raw.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
        try:
            return [int(p) for p in parts]
        except ValueError:
            raise forms.ValidationError(
                _("Kirjoita syntymävuodet numeroina, esim. %(year)d.")
                % {"year": timezone.localdate().year - 3}
            ) from None

    def clean(self):
        """The service's own checks, run here too, so that every error shows
        at once next to its field (not one round after another)."""
        data = super().clean()
        area = data.get("area")
        checked = check_concern_input(
            municipality_id=self.municipality_id,
            alias=data.get("alias", ""),
            children_birth_years=data.get("children_birth_years", []),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            language=data.get("language", Family.Language.FI),
            channel=data.get("channel", Concern.Channel.LOCAL_WORKER),
            topic_codes=[t.code for t in data.get("topics", [])],
            summary=data.get("summary", ""),
            consent=data.get("consent") is True,
            area_id=area.pk if area else None,
            message_channel=data.get("message_channel") or Family.MessageChannel.EMAIL,
        )
        for name, message in checked.errors.items():
            # A field that failed its own check already says what is wrong.
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
            elif name not in self.fields:
                self.add_error(None, message)
        return data


class CloseConcernForm(forms.Form):
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    reason = forms.ChoiceField(
        label=_("Miksi huoli suljetaan?"),
        choices=Concern.CloseReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Lisätieto"),
        max_length=CLOSE_NOTE_MAX,
        required=False,
        help_text=_("Pakollinen, jos syy on ”muu syy”. Ei nimiä eikä henkilötunnuksia."),
    )


class WithdrawConsentForm(forms.Form):
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    confirm = forms.BooleanField(
        label=_(
            "Perhe on perunut suostumuksensa. Perheeseen ei enää oteta yhteyttä eikä "
            "tapaamisista lähetetä viestejä."
        ),
        error_messages={"required": _("Vahvista, että perhe on perunut suostumuksensa.")},
    )


# ---- the family's own contact and the guidance service's inbox ---------------


def parse_ages(text: str) -> list[int] | None:
    """ "4, 7" -> [4, 7]; None when it is not a list of whole numbers."""
    parts = [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]
    if not all(p.isascii() and p.isdigit() and len(p) <= 3 for p in parts):
        return None
    return [int(p) for p in parts]


class ContactForm(forms.Form):
    """The public contact page: plain words, a parent's own."""

    # A one-time token: a double click or Back and send again records it once.
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    wants = forms.ChoiceField(
        label=_("Mitä toivotte?"),
        choices=[
            (Contact.Wants.HELP, _("Haluan apua tai neuvoa")),
            (
                Contact.Wants.MEETING,
                _("Haluan Yhdessä ajan: tapaamisen, johon tulee useampi ammattilainen"),
            ),
        ],
        widget=forms.RadioSelect,
        initial=Contact.Wants.HELP,
        error_messages={"required": _("Valitkaa, mitä toivotte.")},
    )
    municipality = forms.ModelChoiceField(
        label=_("Kuntanne"),
        queryset=Municipality.objects.all(),
        empty_label=_("Valitkaa kunta"),
        error_messages={
            "required": _("Valitkaa kuntanne."),
            "invalid_choice": _("Valitkaa kuntanne."),
        },
    )
    area = forms.ModelChoiceField(
        label=_("Perhekeskusalue (jos tiedätte)"),
        queryset=FamilyCentreArea.objects.select_related("municipality").order_by(
            "municipality__name", "name"
        ),
        required=False,
        empty_label=_("En tiedä"),
    )
    name = forms.CharField(
        label=_("Etunimenne tai nimimerkki"),
        max_length=contact_rules.NAME_MAX,
        help_text=_("Millä nimellä voimme puhutella teitä. Sukunimeä ei tarvita."),
        error_messages={
            "required": _("Kirjoittakaa etunimi tai nimimerkki, jolla voimme puhutella teitä.")
        },
    )
    children_ages = forms.CharField(
        label=_("Lasten iät vuosina"),
        max_length=60,
        help_text=_("Erottakaa pilkulla, esim. 4, 7. Vauvan ikä on 0."),
        error_messages={"required": _("Kertokaa ainakin yhden lapsen ikä.")},
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Mikä huolettaa? (voitte valita useamman)"),
        queryset=ConcernTopic.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    message = forms.CharField(
        label=_("Kertokaa omin sanoin (vapaaehtoinen)"),
        max_length=contact_rules.MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Lyhyesti riittää. Älkää kirjoittako henkilötunnuksia."),
    )
    contact_by = forms.ChoiceField(
        label=_("Miten otamme yhteyttä?"),
        choices=[
            (contact_rules.ContactBy.PHONE, _("Soittakaa minulle")),
            (contact_rules.ContactBy.SMS, _("Lähettäkää tekstiviesti")),
            (contact_rules.ContactBy.EMAIL, _("Lähettäkää sähköpostia")),
        ],
        widget=forms.RadioSelect,
        initial=contact_rules.ContactBy.PHONE,
        error_messages={"required": _("Valitkaa, miten otamme yhteyttä.")},
    )
    phone = forms.CharField(
        label=_("Puhelinnumero"),
        max_length=PHONE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("Sähköposti"),
        max_length=EMAIL_MAX,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=_("Millä kielellä otamme yhteyttä?"),
        choices=Family.Language.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitkaa kieli.")},
    )
    consent = forms.BooleanField(
        label=_(
            "Annan luvan tallentaa nämä tiedot ja ottaa minuun yhteyttä. Tiedot näkee vain "
            "perheiden ohjaus- ja neuvontapalvelu ja työntekijä, joka ottaa teihin yhteyttä."
        ),
        required=False,
    )
    # A field people never see (hidden by the stylesheet, out of the tab
    # order and from screen readers): a form that fills it is a robot's.
    homepage = forms.CharField(
        label=_("Jätä tämä kenttä tyhjäksi"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_children_ages(self) -> list[int]:
        ages = parse_ages(self.cleaned_data["children_ages"])
        if not ages:
            raise forms.ValidationError(_("Kirjoittakaa iät numeroina, esim. 4, 7."))
        return ages

    def clean(self):
        data = super().clean()
        town = data.get("municipality")
        area = data.get("area")
        checked = contact_rules.check_contact_input(
            municipality_id=town.pk if town else None,
            area_id=area.pk if area else None,
            name=(data.get("name") or "").strip(),
            children_ages=data.get("children_ages") or [],
            topic_codes=[t.code for t in data.get("topics") or []],
            message=(data.get("message") or "").strip(),
            contact_by=data.get("contact_by") or "",
            phone=(data.get("phone") or "").strip(),
            email=(data.get("email") or "").strip(),
            language=data.get("language") or "",
            wants=data.get("wants") or "",
            consent=data.get("consent") is True,
        )
        for name, message in checked.errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


class PhoneContactForm(ContactForm):
    """The guidance service writes down a call to the one phone number."""

    def __init__(self, *args, municipalities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["homepage"]
        self.fields["municipality"].queryset = municipalities
        self.fields["area"].queryset = self.fields["area"].queryset.filter(
            municipality__in=municipalities
        )
        self.fields["consent"].label = _(
            "Perhe antoi puhelimessa luvan tallentaa tiedot ja ottaa yhteyttä"
        )
        self.fields["name"].label = _("Vanhemman etunimi tai nimimerkki")


class HandOverForm(forms.Form):
    professional = forms.ModelChoiceField(
        label=_("Työntekijä, joka ottaa perheeseen yhteyttä"),
        queryset=Professional.objects.none(),
        empty_label=_("Valitse työntekijä"),
        error_messages={"required": _("Valitse työntekijä.")},
    )

    def __init__(self, *args, municipality_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["professional"].queryset = (
            contact_rules.reachable_workers(municipality_id)
            .select_related("organisation")
            .order_by("name")
        )
        self.fields["professional"].label_from_instance = lambda p: (
            f"{p.name}, {p.title}" if p.title else p.name
        )


class SessionBookingForm(HandOverForm):
    """Hand the contact to a worker and book the family into a standing
    team's session in one step."""

    session = forms.ChoiceField(
        label=_("Istunto"), error_messages={"required": _("Valitse istunto.")}
    )

    def __init__(self, *args, sessions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["professional"].label = _("Perheen yhteyshenkilö (saa tiedon ja huolen)")
        self.fields["session"].choices = [
            (
                f"{s.team.pk}|{s.starts_at.isoformat()}",
                # The day first: a phone's select shows only the start of the label.
                f"{formats.date_format(timezone.localtime(s.starts_at), 'D j.n.')} "
                f"{time_of_day(timezone.localtime(s.starts_at), timezone.localtime(s.ends_at))}"
                f" · {s.team.name} ({len(s.free)}/{len(s.places)})",
            )
            for s in sessions
        ]


class CloseContactForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Syy"), choices=Contact.CloseReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Lisätieto"), max_length=contact_rules.CLOSE_NOTE_MAX, required=False
    )
