"""Import from Palvelutietovaranto (PTV, the Finnish service catalogue).

Reads what PTV's open API (v11) returns: `Organization` and `Service`
objects, a list of them, or a page `{"pageCount", "itemList"}`. Maps:

- Organization -> Organisation: the Finnish name (else any) and its Swedish
  and English names, businessCode, organizationType -> sector, e-mail,
  phone, web page, visiting address, municipalities (its own and its
  areas', when they exist here), PTV id.
- Service -> ServiceOffer: the responsible/producing organisations, the
  task area found from its service classes, ontology terms and name, in the
  municipalities of its area (or its organisations' when nationwide). A
  service whose task area cannot be told is kept unclassified
  (ImportedService) for the coordinator to classify, never dropped.

The report counts every object (created, updated, unchanged, unclassified,
refused and why); what it cannot map is reported, not guessed. Municipalities
the system does not know are listed, and the administrator may have them
added (``add_municipalities``). All or nothing; importing the same file
again changes nothing.
"""

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.fi import ytunnus

from yhdessa import access
from yhdessa.interop.report import ImportReport, preview_or_apply
from yhdessa.network.models import ImportedService, Municipality, Organisation, TaskArea
from yhdessa.network.services import (
    Actor,
    add_offer,
    create_municipality,
    keep_imported_service,
    save_organisation,
)

SECTORS = {
    "Municipality": Organisation.Sector.MUNICIPAL_EDUCATION,
    "RegionalOrganization": Organisation.Sector.COUNTY_SOCIAL,
    "Region": Organisation.Sector.COUNTY_SOCIAL,
    "SotePublic": Organisation.Sector.COUNTY_SOCIAL,
    "Organization": Organisation.Sector.NGO,
    "Company": Organisation.Sector.OTHER,
    "SotePrivate": Organisation.Sector.OTHER,
    "State": Organisation.Sector.OTHER,
}
# Finnish words in service classes, ontology terms and names -> task area.
# Checked in this order: the first that matches wins.
TASK_WORDS = [
    ("violence_prevention", ["väkivalta", "turvakoti"]),
    ("divorce_support", ["eroauttam", "erotilant", "eron jälkeen", "huolto- ja tapaamis"]),
    (
        "meeting_places",
        ["kohtaamispaik", "vertaistu", "perhekahvil", "perhekerho", "avoin varhaiskasvatus"],
    ),
    ("parenting_relationships", ["parisuhte", "vanhemmuu", "perhevalmennu"]),
    ("growth_development", ["neuvola", "kasvu", "kehity", "kouluterveydenhuol"]),
    (
        "early_support",
        [
            "perhetyö",
            "kotipalvelu",
            "kasvatus- ja perheneuvo",
            "perheneuvola",
            "kuntoutu",
            "terapia",
            "varhainen tuki",
        ],
    ),
    ("guidance_counselling", ["ohjaus", "neuvonta", "palveluohjau"]),
]


def _text(values, language: str = "fi", kind: str | None = None) -> str:
    """A localised value from PTV's [{"language", "value", "type"?}] lists."""
    values = [
        v
        for v in (values or [])
        if isinstance(v, dict) and (kind is None or v.get("type") in (kind, None))
    ]
    for wanted in (language, "fi", "sv", "en"):
        for v in values:
            if v.get("language") == wanted and v.get("value"):
                return str(v["value"]).strip()
    return str(values[0].get("value", "")).strip() if values else ""


def _exact(values, language: str, kind: str = "Name") -> str:
    """The value in exactly this language (no fallback), or ''."""
    for v in values or []:
        if (
            isinstance(v, dict)
            and v.get("language") == language
            and v.get("type") in (kind, None)
            and v.get("value")
        ):
            return str(v["value"]).strip()
    return ""


def items_of(document) -> list[dict]:
    if isinstance(document, dict) and "itemList" in document:
        items = document.get("itemList") or []
    elif isinstance(document, dict):
        items = [document]
    elif isinstance(document, list):
        items = document
    else:
        raise ValidationError(_("PTV-tiedostossa pitää olla Organization- tai Service-olioita."))
    if not all(isinstance(i, dict) for i in items):
        raise ValidationError(_("PTV-tiedostossa pitää olla Organization- tai Service-olioita."))
    return items


def _is_service(item: dict) -> bool:
    return "serviceNames" in item or "serviceClasses" in item


def _municipality_names(areas, own=None) -> list[str]:
    names = []
    for place in [
        own,
        *[m for a in (areas or []) if isinstance(a, dict) for m in (a.get("municipalities") or [])],
    ]:
        if isinstance(place, dict):
            name = _text(place.get("name"))
            if name:
                names.append(name)
    return names


def task_area_for(service: dict, areas: dict[str, TaskArea]) -> TaskArea | None:
    words = " ".join(
        [_text(c.get("name")) for c in service.get("serviceClasses") or [] if isinstance(c, dict)]
        + [_text(t.get("name")) for t in service.get("ontologyTerms") or [] if isinstance(t, dict)]
        + [_text(service.get("serviceNames"), kind="Name")]
    ).lower()
    for code, stems in TASK_WORDS:
        if code in areas and any(stem in words for stem in stems):
            return areas[code]
    return None


def import_ptv(
    data: bytes,
    *,
    actor: Actor,
    apply: bool,
    source: str = "PTV",
    add_municipalities: bool = False,
) -> ImportReport:
    """Organisations and service map entries from PTV, within the actor's
    scope. ``add_municipalities``: first add the municipalities the file names
    and the system does not know (the system administrator only)."""
    access.directory_scope(actor)
    report = ImportReport()
    try:
        items = items_of(json.loads(data.decode("utf-8-sig")))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        report.errors.append(
            (None, _("Tiedosto ei ole JSON-muotoinen: %(error)s") % {"error": error})
        )
        return report
    except ValidationError as error:
        report.errors.extend((None, message) for message in error.messages)
        return report

    def work() -> None:
        known = {m.name.lower(): m for m in Municipality.objects.all()}
        named = {
            name.lower(): name
            for item in items
            for name in _municipality_names(item.get("areas"), item.get("municipality"))
        }
        unknown = sorted(name for key, name in named.items() if key not in known)
        if unknown and add_municipalities:
            for name in unknown:
                known[name.lower()] = create_municipality(actor=actor, name=name, source=source)
                report.new_municipalities.append(name)
        else:
            report.unknown_municipalities = unknown
        for item in items:
            if not _is_service(item):
                _organisation(item, actor, report, known, source)
        areas = {a.code: a for a in TaskArea.objects.all()}
        for item in items:
            if _is_service(item):
                _service(item, actor, report, known, areas, source)

    return preview_or_apply(report, apply=apply, work=work)


def _organisation(item, actor, report, known, source) -> None:
    name = _text(item.get("organizationNames"), kind="Name")
    ptv_id = str(item.get("id") or "")[:36]
    if not name:
        report.errors.append(
            (None, _("Organisaatiolta %(id)s puuttuu nimi.") % {"id": ptv_id or "–"})
        )
        return
    code = str(item.get("businessCode") or "")
    business_id = ytunnus.format(code) if code and ytunnus.is_valid(code) else ""
    if code and not business_id:
        report.notes.append(
            _("%(name)s: y-tunnus %(code)s ei kelpaa, jätettiin pois.")
            % {"name": name, "code": code}
        )
    kind = item.get("organizationType") or ""
    sector = Organisation.Sector.PARISH if "seurakunta" in name.lower() else SECTORS.get(kind)
    if sector is None:
        report.notes.append(
            _("%(name)s: organisaatiotyyppi %(type)s, sektoriksi muu.")
            % {"name": name, "type": kind or "–"}
        )
        sector = Organisation.Sector.OTHER
    places = _municipality_names(item.get("areas"), item.get("municipality"))
    towns = [known[p.lower()] for p in places if p.lower() in known]
    unknown = sorted({p for p in places if p.lower() not in known})
    if unknown:
        report.notes.append(
            _("%(name)s: kunnat %(towns)s eivät ole järjestelmässä, ne jätettiin pois.")
            % {"name": name, "towns": ", ".join(unknown)}
        )
    existing = (
        (Organisation.objects.filter(ptv_id=ptv_id).first() if ptv_id else None)
        or (Organisation.objects.filter(business_id=business_id).first() if business_id else None)
        or Organisation.objects.filter(name__iexact=name).first()
    )
    # A coordinator imports what serves their own municipality: other
    # municipalities keep their own directory.
    scope = access.directory_scope(actor)
    if scope is not None:
        outside = sorted(t.name for t in towns if t.pk != scope)
        towns = [t for t in towns if t.pk == scope]
        if not towns or (
            existing is not None
            and not access.organisations_managed_by(actor).filter(pk=existing.pk).exists()
        ):
            report.refuse(
                "organisation_refused",
                _(
                    "%(name)s ei palvele kuntaasi; sen tietoja ylläpitävät kunnat, joita se palvelee."
                )
                % {"name": name},
            )
            return
        if outside:
            report.notes.append(
                _("%(name)s: muut kunnat (%(towns)s) jätettiin pois; ne ylläpitävät tietonsa itse.")
                % {"name": name, "towns": ", ".join(outside)}
            )
        if existing is not None:
            towns = list({*existing.municipalities.all(), *towns})
    address = next(
        (
            a
            for a in item.get("addresses") or []
            if isinstance(a, dict) and a.get("type") == "Visiting"
        ),
        None,
    ) or next((a for a in item.get("addresses") or [] if isinstance(a, dict)), None)
    street = (address or {}).get("streetAddress") or {}
    phone = next((p for p in item.get("phoneNumbers") or [] if isinstance(p, dict)), {})
    names = item.get("organizationNames")
    data = {
        "name": name,
        # PTV's own names in the other languages; none: the Finnish one is shown.
        "name_sv": "" if _exact(names, "sv") == name else _exact(names, "sv")[:200],
        "name_en": "" if _exact(names, "en") == name else _exact(names, "en")[:200],
        "sector": sector,
        "business_id": business_id,
        "email": next(
            (str(e.get("value", "")) for e in item.get("emails") or [] if isinstance(e, dict)), ""
        ),
        "phone": f"{phone.get('prefixNumber') or ''} {phone.get('number') or ''}".strip()[:40],
        "website": next(
            (str(w.get("url", "")) for w in item.get("webPages") or [] if isinstance(w, dict)), ""
        ),
        "address": " ".join(
            x
            for x in [
                _text(street.get("street")),
                str(street.get("streetNumber") or ""),
                str(street.get("postalCode") or ""),
                _text(street.get("postOffice")),
            ]
            if x
        )[:300],
        "languages": existing.languages if existing else [],
    }
    if ptv_id:
        data["ptv_id"] = ptv_id
    try:
        _saved, outcome = save_organisation(
            actor=actor,
            organisation=existing,
            data=data,
            municipality_ids=[t.pk for t in towns],
            source=source,
        )
    except ValidationError as error:
        report.errors.append((None, f"{name}: " + " ".join(error.messages)))
        return
    report.done[f"organisation_{outcome}"] += 1


def _service(item, actor, report, known, areas, source) -> None:
    """One PTV service: on the map where its task area is known, kept
    unclassified where it is not, refused (and why) where it cannot go."""
    name = _text(item.get("serviceNames"), kind="Name") or str(item.get("id") or "–")
    ids = [
        str((o.get("organization") or {}).get("id") or "")
        for o in item.get("organizations") or []
        if isinstance(o, dict) and o.get("roleType") in ("Responsible", "Producer", None)
    ]
    ids = [i for i in ids if i]
    organisations = list(access.organisations_managed_by(actor).filter(ptv_id__in=ids))
    if not organisations:
        elsewhere = bool(ids) and Organisation.objects.filter(ptv_id__in=ids).exists()
        report.refuse(
            "service_refused",
            (
                _("Palvelu %(name)s: sen organisaatio ei palvele kuntaasi.")
                if elsewhere
                else _(
                    "Palvelu %(name)s: sen organisaatiota ei ole järjestelmässä; "
                    "tuo organisaatio ensin."
                )
            )
            % {"name": name},
        )
        return
    area = task_area_for(item, areas)
    places = _municipality_names(item.get("areas"))
    missing = sorted({p for p in places if p.lower() not in known})
    scope = access.directory_scope(actor)
    outcomes: set[str] = set()
    for organisation in organisations:
        towns = (
            [known[p.lower()] for p in places if p.lower() in known]
            if places
            else list(organisation.municipalities.all())
        )
        for town in towns:
            if scope is not None and town.pk != scope:
                continue
            outcomes.add(
                _place_service(actor, organisation, town, area, name, item, source, report)
            )
    if not outcomes:
        report.refuse(
            "service_refused",
            (
                _("Palvelu %(name)s: sen kunnat %(towns)s eivät ole järjestelmässä.")
                % {"name": name, "towns": ", ".join(missing)}
            )
            if missing
            else _("Palvelu %(name)s: se ei toimi kunnassa, jonka tietoja ylläpidät.")
            % {"name": name},
        )
        return
    for outcome in ("created", "unclassified", "unchanged"):
        if outcome in outcomes:
            report.done[f"service_{outcome}"] += 1
            return


def _place_service(actor, organisation, town, area, name, item, source, report) -> str:
    """One service of one organisation in one municipality: what became of it."""
    if area is None:
        kept = ImportedService.objects.filter(
            organisation=organisation, municipality=town, name=name.strip()[:300]
        ).first()
        if kept is None:
            kept, _created = keep_imported_service(
                actor=actor,
                organisation=organisation,
                municipality=town,
                name=name,
                ptv_id=str(item.get("id") or ""),
                source=source,
            )
        if kept.not_family_service:
            return "unchanged"
        # Classified by the coordinator since an earlier import: follow that.
        area = kept.task_area
        if area is None:
            report.notes.append(
                _(
                    "Palvelu %(name)s (%(organisation)s, %(town)s): tehtäväaluetta ei "
                    "tunnistettu; valitse se verkoston ylläpitosivulla."
                )
                % {"name": name, "organisation": organisation.name, "town": town.name}
            )
            return "unclassified"
    created = add_offer(
        actor=actor,
        organisation=organisation,
        task_area=area,
        municipality=town,
        description=name[:300],
        source=source,
    )
    report.done["offer_created" if created else "offer_unchanged"] += 1
    return "created" if created else "unchanged"
