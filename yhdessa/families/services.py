from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.accounts.models import User
from yhdessa.families.models import Concern, ConcernTopic, Family
from yhdessa.privacy import check_no_identity_codes, identity_code_errors, normalise_phone_number

MAX_CHILDREN = 12


def validate_birth_years(years: list[int]) -> list[int]:
    this_year = timezone.localdate().year
    if not years:
        raise ValidationError(
            {"children_birth_years": _("Anna vähintään yhden lapsen syntymävuosi.")}
        )
    if len(years) > MAX_CHILDREN:
        raise ValidationError(
            {"children_birth_years": _("Enintään %(n)d lasta.") % {"n": MAX_CHILDREN}}
        )
    for year in years:
        # Up to 29-year-olds (youth services), and next year for an expected child.
        if not isinstance(year, int) or not (this_year - 29 <= year <= this_year + 1):
            raise ValidationError(
                {
                    "children_birth_years": _(
                        "Syntymävuoden pitää olla vuosien %(low)d ja %(high)d välillä."
                    )
                    % {"low": this_year - 29, "high": this_year + 1}
                }
            )
    return sorted(years)


@transaction.atomic
def raise_concern(
    *,
    actor: User,
    alias: str,
    children_birth_years: list[int],
    email: str = "",
    phone: str = "",
    language: str = "fi",
    channel: str,
    topic_codes: list[str],
    summary: str,
    consent: bool,
    existing_support: bool,
) -> Concern:
    """Record a concern raised with a family, with the family's consent."""
    convener = access.require_professional(
        actor, _("Vain verkoston ammattilainen voi kirjata huolen.")
    )
    if consent is not True:
        raise ValidationError(
            {
                "consent": _(
                    "Ilman perheen suostumusta huolta ei kirjata eikä Yhdessä aikaa kutsuta koolle."
                )
            }
        )
    alias, summary, email, phone = alias.strip(), summary.strip(), email.strip(), phone.strip()
    errors: dict[str, str] = {}
    if not alias:
        errors["alias"] = _("Anna perheelle tunnus, esim. ”Perhe K”.")
    elif len(alias) > 60:
        errors["alias"] = _("Tunnus on liian pitkä (enintään 60 merkkiä).")
    if not summary:
        errors["summary"] = _("Kirjoita lyhyt kuvaus huolesta.")
    elif len(summary) > 2000:
        errors["summary"] = _("Kuvaus on liian pitkä (enintään 2000 merkkiä).")
    if channel not in Concern.Channel.values:
        errors["channel"] = _("Valitse yhteydenottotapa.")
    if language not in Family.Language.values:
        errors["language"] = _("Valitse kieli: suomi, ruotsi tai englanti.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Sähköpostiosoite ei ole kelvollinen.")
    # An identity code in a contact field is named as such, whatever else is wrong there.
    errors.update(identity_code_errors(email=email, phone=phone))
    if phone and "phone" not in errors:
        try:
            phone = normalise_phone_number(phone)  # E.164
        except ValidationError as error:
            errors["phone"] = error.messages[0]
    topics = list(ConcernTopic.objects.filter(code__in=set(topic_codes)))
    if not topic_codes:
        errors["topics"] = _("Valitse vähintään yksi aihe.")
    elif len(topics) != len(set(topic_codes)):
        errors["topics"] = _("Tuntematon aihe: %(codes)s.") % {
            "codes": ", ".join(sorted(set(topic_codes) - {t.code for t in topics}))
        }
    try:
        years = validate_birth_years(children_birth_years)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
        years = []
    if errors:
        raise ValidationError(errors)
    check_no_identity_codes(alias=alias, summary=summary)

    family = Family.objects.create(
        alias=alias,
        children_birth_years=years,
        email=email,
        phone=phone,
        language=language,
        municipality_id=convener.municipality_id,
    )
    concern = Concern.objects.create(
        family=family,
        convener=convener,
        channel=channel,
        summary=summary,
        consent=True,
        existing_support=existing_support,
        created_by=actor,
    )
    concern.topics.set(topics)
    return concern
