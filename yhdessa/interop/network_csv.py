"""The network as a CSV file: organisations, professionals and team memberships.

One file, one row per record, a `record` column saying which:

    record,organisation,sector,business_id,municipalities,name,title,email,phone,expertise,languages,team,active
    organisation,Perhekulma ry,ngo,1234567-8,Järvelä|Koivuranta,,,info@x.fi,,,fi|sv,,
    professional,Perhekulma ry,,,Järvelä,Riikka Laine,perhetyöntekijä,riikka@x.fi,,ngo_family_work,fi,,yes
    membership,,,,Järvelä,,,riikka@x.fi,,,,Järvelän perhekeskustiimi,

Lists inside a cell are separated by `|`. Comma or semicolon delimited (as
Finnish spreadsheets save), UTF-8 with or without a byte order mark.
Organisations are matched by business ID or name, professionals by email
(or, without one, by name within the organisation), teams by name within
their municipality. The import is all or nothing, and
importing the same file again changes nothing.
"""

import csv
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from yhdessa import access
from yhdessa.interop.report import ImportReport, preview_or_apply
from yhdessa.network.models import (
    Expertise,
    FamilyCentreTeam,
    Municipality,
    Organisation,
    Professional,
)
from yhdessa.network.services import (
    Actor,
    add_team_member,
    create_municipality,
    create_team,
    save_organisation,
    save_professional,
)

COLUMNS = [
    "record",
    "organisation",
    "sector",
    "business_id",
    "municipalities",
    "name",
    "title",
    "email",
    "phone",
    "expertise",
    "languages",
    "team",
    "active",
]
HEADER_LINE = ",".join(COLUMNS)
TRUE = {"1", "yes", "kyllä", "k", "true", "x", "ja"}
FALSE = {"0", "no", "ei", "e", "false", "nej", ""}
MAX_BYTES = 5 * 1024 * 1024


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split("|") if part.strip()]


def read_rows(data: bytes) -> tuple[list[tuple[int, dict]], list[tuple[int | None, str]]]:
    """The file's rows with their line numbers, or why it cannot be read."""
    if len(data) > MAX_BYTES:
        return [], [(None, _("Tiedosto on liian suuri (enintään 5 Mt)."))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [
            (None, _("Tiedoston pitää olla UTF-8-muodossa (tallenna CSV UTF-8 -muodossa)."))
        ]
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        # A misspelt column would otherwise be read as empty, silently.
        return [], [
            (
                1,
                _("Tuntematon sarake otsikkorivillä: %(columns)s. Sarakkeet ovat: %(all)s.")
                % {"columns": ", ".join(unknown), "all": ", ".join(COLUMNS)},
            )
        ]
    missing = [c for c in ("record", "name", "organisation", "email") if c not in header]
    if missing:
        return [], [
            (
                1,
                _("Otsikkorivistä puuttuu sarake: %(columns)s. Sarakkeet ovat: %(all)s.")
                % {"columns": ", ".join(missing), "all": ", ".join(COLUMNS)},
            )
        ]
    rows = []
    try:
        for row in reader:
            clean = {
                (k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else ""
                for k, v in row.items()
            }
            if any(clean.values()):
                # A quoted cell may span lines: the row is named by its first.
                spread = sum(v.count("\n") for v in row.values() if isinstance(v, str))
                rows.append((reader.line_num - spread, clean))
    except csv.Error as error:
        return [], [(reader.line_num, _("Tiedostoa ei voi lukea: %(error)s") % {"error": error})]
    if not rows:
        return [], [(None, _("Tiedostossa ei ole yhtään riviä."))]
    return rows, []


def import_network(data: bytes, *, actor: Actor, apply: bool, source: str = "CSV") -> ImportReport:
    """Check every row; write them all only if ``apply`` and no row is bad.
    Every row acts for ``actor`` within the actor's scope (yhdessa.access):
    a row that reaches outside it is reported as bad."""
    access.directory_scope(actor)
    report = ImportReport()
    rows, report.errors = read_rows(data)
    if report.errors:
        return report
    return preview_or_apply(
        report,
        apply=apply,
        work=lambda: _import_rows(rows, actor=actor, report=report, source=source),
    )


# The CSV column a service's field is read from, by record.
COLUMN_OF = {
    "organisation": {"name": "organisation"},
    "professional": {"municipality": "municipalities"},
    "membership": {},
}


def _reason(error: ValidationError | PermissionDenied | str, kind: str = "") -> str:
    """What was wrong, naming the column where a field is at fault."""
    if isinstance(error, ValidationError):
        if not hasattr(error, "error_dict"):
            return " ".join(error.messages)
        columns = COLUMN_OF.get(kind, {})
        return "; ".join(
            " ".join(messages)
            if key == "__all__"
            else f"{columns.get(key, key)}: {' '.join(messages)}"
            for key, messages in error.message_dict.items()
        )
    return str(error)


def _row_error(
    report: ImportReport, line: int, error: ValidationError | PermissionDenied | str, kind: str = ""
) -> str:
    reason = _reason(error, kind)
    report.errors.append((line, reason))
    return reason


class _Refused:
    """Rows refused so far, by what later rows find them by, so that a
    later row says what was wrong there instead of "not found"."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], tuple[int, str]] = {}

    def add(self, kind: str, keys: list[str], line: int, reason: str) -> None:
        for key in keys:
            if key:
                self.rows.setdefault((kind, key.strip().lower()), (line, reason))

    def check(self, kind: str, key: str, what: str) -> None:
        found = self.rows.get((kind, (key or "").strip().lower()))
        if found is not None:
            line, reason = found
            raise ValidationError(
                _("%(what)s ei tuotu, koska rivillä %(line)s on virhe: %(reason)s")
                % {"what": what, "line": line, "reason": reason}
            )


def _municipalities(names: list[str], report: ImportReport, actor, source) -> list[Municipality]:
    """The named municipalities; a new one only for the system administrator."""
    found = []
    for name in names:
        town = Municipality.objects.filter(name__iexact=name).first()
        if town is None:
            town = create_municipality(actor=actor, name=name, source=source)
            report.new_municipalities.append(name)
        found.append(town)
    return found


def _import_rows(rows, *, actor, report: ImportReport, source: str) -> None:
    expertise = {e.code: e.pk for e in Expertise.objects.all()}
    refused = _Refused()
    for line, row in rows:
        kind = {
            "organisation": "organisation",
            "organisaatio": "organisation",
            "professional": "professional",
            "ammattilainen": "professional",
            "membership": "membership",
            "jäsenyys": "membership",
        }.get(row.get("record", "").lower())
        try:
            if kind == "organisation":
                _organisation(row, actor, report, source)
            elif kind == "professional":
                _professional(row, actor, report, source, expertise, refused)
            elif kind == "membership":
                _membership(row, actor, report, source, refused)
            else:
                raise ValidationError(
                    _(
                        "Tuntematon record-arvo %(value)s: käytä organisation, "
                        "professional tai membership."
                    )
                    % {"value": row.get("record") or "–"}
                )
        except (ValidationError, PermissionDenied) as error:
            # A refusal of the actor's scope is reported like any bad row.
            reason = _row_error(report, line, error, kind or "")
            if kind == "organisation":
                refused.add(
                    "organisation",
                    [row.get("organisation", ""), row.get("business_id", "")],
                    line,
                    reason,
                )
            elif kind == "professional":
                refused.add("professional", [row.get("email", "")], line, reason)


def _find_organisation(key: str) -> Organisation | None:
    if not key:
        return None
    return (
        Organisation.objects.filter(business_id=key).first()
        or Organisation.objects.filter(name__iexact=key).first()
    )


def _organisation(row, actor, report, source) -> None:
    if not row.get("organisation"):
        raise ValidationError(_("Organisaation nimi puuttuu."))
    existing = (
        _find_organisation(row.get("business_id", ""))
        or Organisation.objects.filter(name__iexact=row["organisation"]).first()
    )
    data = {
        "name": row["organisation"],
        "sector": row.get("sector", ""),
        "business_id": row.get("business_id", ""),
        "email": row.get("email", ""),
        "phone": row.get("phone", ""),
        "languages": _split(row.get("languages", "")),
    }
    if existing is not None:
        for keep in ("address", "website"):
            data[keep] = getattr(existing, keep)
    towns = _municipalities(_split(row.get("municipalities", "")), report, actor, source)
    _saved, outcome = save_organisation(
        actor=actor,
        organisation=existing,
        data=data,
        municipality_ids=[t.pk for t in towns],
        source=source,
    )
    report.done[f"organisation_{outcome}"] += 1


def _professional(row, actor, report, source, expertise, refused) -> None:
    organisation = _find_organisation(row.get("organisation", ""))
    if organisation is None:
        refused.check(
            "organisation",
            row.get("organisation", ""),
            _("Organisaatiota %(name)s") % {"name": row.get("organisation")},
        )
        raise ValidationError(
            _(
                "Organisaatiota %(name)s ei löydy: lisää sille organisation-rivi "
                "ennen ammattilaisia."
            )
            % {"name": row.get("organisation") or "–"}
        )
    towns = _split(row.get("municipalities", ""))
    if len(towns) != 1:
        raise ValidationError(
            _("Sarakkeessa municipalities annetaan ammattilaiselle yksi kunta (nyt: %(value)s).")
            % {"value": row.get("municipalities") or "–"}
        )
    codes = _split(row.get("expertise", ""))
    unknown = sorted(set(codes) - set(expertise))
    if unknown:
        raise ValidationError(
            _("Tuntematon osaamisen koodi: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    active = row.get("active", "").lower()
    if active not in TRUE | FALSE:
        raise ValidationError(
            _("Sarakkeen active arvo on yes tai no (nyt: %(value)s).") % {"value": row["active"]}
        )
    email = row.get("email", "")
    # Matched by email; someone reached only by phone, by name within the organisation.
    existing = (
        Professional.objects.filter(email__iexact=email).first()
        if email
        else Professional.objects.filter(
            email="", name__iexact=row.get("name", ""), organisation=organisation
        ).first()
    )
    data = {
        "name": row.get("name", ""),
        "title": row.get("title", ""),
        "organisation": organisation,
        "municipality": _municipalities(towns, report, actor, source)[0],
        "email": email,
        "phone": row.get("phone", ""),
        "languages": _split(row.get("languages", "")),
        "is_active": active in TRUE or active == "",
    }
    _saved, outcome = save_professional(
        actor=actor,
        professional=existing,
        data=data,
        expertise_ids=[expertise[c] for c in codes],
        source=source,
    )
    report.done[f"professional_{outcome}"] += 1


def _membership(row, actor, report, source, refused) -> None:
    towns = _split(row.get("municipalities", ""))
    if not row.get("team"):
        raise ValidationError(_("Sarake team on tyhjä: anna tiimin nimi."))
    if len(towns) != 1:
        raise ValidationError(
            _("Sarakkeessa municipalities annetaan tiimin kunta, vain yksi (nyt: %(value)s).")
            % {"value": row.get("municipalities") or "–"}
        )
    if not row.get("email"):
        raise ValidationError(_("Sarake email on tyhjä: jäsen löydetään sähköpostiosoitteella."))
    professional = Professional.objects.filter(email__iexact=row["email"]).first()
    if professional is None:
        refused.check(
            "professional",
            row["email"],
            _("Ammattilaista %(email)s") % {"email": row["email"]},
        )
        raise ValidationError(
            _("Ammattilaista sähköpostilla %(email)s ei löydy: lisää hänelle professional-rivi.")
            % {"email": row["email"]}
        )
    town = _municipalities(towns, report, actor, source)[0]
    team = FamilyCentreTeam.objects.filter(name__iexact=row["team"], municipality=town).first()
    if team is None:
        team = create_team(actor=actor, name=row["team"], municipality_id=town.pk)
        report.done["team_created"] += 1
    added = add_team_member(actor=actor, team=team, professional=professional, source=source)
    if not added:
        report.done["membership_unchanged"] += 1
        return
    report.done["membership_created"] += 1


def export_network(actor: Actor) -> str:
    """The directory the actor keeps, as the same CSV format: importing it
    back changes nothing."""
    organisations = (
        access.organisations_managed_by(actor).prefetch_related("municipalities").order_by("name")
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for org in organisations:
        writer.writerow(
            {
                "record": "organisation",
                "organisation": org.name,
                "sector": org.sector,
                "business_id": org.business_id,
                "municipalities": "|".join(sorted(m.name for m in org.municipalities.all())),
                "email": org.email,
                "phone": org.phone,
                "languages": "|".join(org.languages),
            }
        )
    people = (
        access.professionals_managed_by(actor)
        .filter(organisation__in=organisations)
        .select_related("organisation", "municipality")
        .prefetch_related("expertise")
        .order_by("organisation__name", "name")
    )
    for person in people:
        writer.writerow(
            {
                "record": "professional",
                "organisation": person.organisation.business_id or person.organisation.name,
                "municipalities": person.municipality.name,
                "name": person.name,
                "title": person.title,
                "email": person.email,
                "phone": person.phone,
                "expertise": "|".join(sorted(e.code for e in person.expertise.all())),
                "languages": "|".join(person.languages),
                "active": "yes" if person.is_active else "no",
            }
        )
    teams = (
        access.teams_managed_by(actor)
        .select_related("municipality")
        .prefetch_related("members")
        .order_by("municipality__name", "name")
    )
    for team in teams:
        for member in sorted(team.members.all(), key=lambda p: p.name):
            if member.email and member.organisation_id in {o.pk for o in organisations}:
                writer.writerow(
                    {
                        "record": "membership",
                        "municipalities": team.municipality.name,
                        "email": member.email,
                        "team": team.name,
                    }
                )
    return out.getvalue()
