"""The no-identifiers guard.

Free text must not carry a Finnish personal identity code (henkilötunnus):
the joint plan in particular is a memo for the family "without identifying
data". Codes are refused always. Other identifying data (phone numbers,
email addresses, street addresses, birth dates) may sometimes belong in a
text, so they are found and shown to the writer, who confirms or removes
them.

Text is normalised before it is checked, so that a code typed with an en
dash, a zero-width space or a non-breaking space is found all the same.
"""

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, timedelta

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Characters that look like a hyphen-minus: every dash punctuation (Pd) and
# the minus signs, which NFKC leaves alone.
_DASH_LIKE = {"\u2212", "\u2796", "\u02d7", "\u2043", "\u207b", "\u208b"}
# Default-ignorable characters outside the format category (Cf): they print
# as nothing, so they can hide inside a code.
_INVISIBLE = {"\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u17b4", "\u17b5"}
_INVISIBLE_RANGES = ((0x180B, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


def _is_invisible(char: str) -> bool:
    if char in _INVISIBLE:
        return True
    category = unicodedata.category(char)
    if category == "Cf" or (category == "Cc" and not char.isspace()):
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _INVISIBLE_RANGES)


def normalise(text: str) -> str:
    """The text as the guard reads it: NFKC (fullwidth digits, non-breaking
    spaces), every dash as '-', and invisible characters removed."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(
        "-"
        if char in _DASH_LIKE or unicodedata.category(char) == "Pd"
        else ("" if _is_invisible(char) else char)
        for char in text
    )


# DDMMYY, a century sign (+, -, A-F, U-Y), three digits and a check character.
# Any spaces around the sign are tolerated ("010203 - 9876"), and letters may
# be glued on either side ("hetu010203-9876"); digits may not, so that longer
# numbers are not read as codes.
_CANDIDATE = re.compile(
    r"(?<![0-9])([0-9]{2})([0-9]{2})([0-9]{2})\s*([-+A-FU-Y])\s*([0-9]{3})([0-9A-Y])(?![0-9])",
    re.IGNORECASE,
)
_CENTURY = {
    "+": 1800,
    "-": 1900,
    "U": 1900,
    "V": 1900,
    "W": 1900,
    "X": 1900,
    "Y": 1900,
    "A": 2000,
    "B": 2000,
    "C": 2000,
    "D": 2000,
    "E": 2000,
    "F": 2000,
}


def find_identity_codes(text: str) -> list[str]:
    """Every part of ``text`` shaped like an identity code with a real date.

    The check character is deliberately not required to match: a mistyped
    code still identifies a child, so it is refused all the same.
    """
    found = []
    for match in _CANDIDATE.finditer(normalise(text)):
        day, month, year, sign, _individual, _check = match.groups()
        century = _CENTURY[sign.upper()]
        try:
            date(century + int(year), int(month), int(day))
        except ValueError:
            continue
        found.append(match.group(0))
    return found


def mask(code: str) -> str:
    return code[:6] + "-****"


def _texts(value: str | list[str] | None) -> list[str]:
    return [str(v or "") for v in value] if isinstance(value, list) else [str(value or "")]


def identity_code_errors(**fields: str | list[str] | None) -> dict[str, str]:
    """A message for each field that holds an identity code."""
    errors: dict[str, str] = {}
    for name, value in fields.items():
        codes = [code for text in _texts(value) for code in find_identity_codes(text)]
        if codes:
            errors[name] = _(
                "Teksti näyttää sisältävän henkilötunnuksen (%(code)s). Tähän ei kirjata "
                "tunnistetietoja: poista tunnus ja kirjoita asia ilman sitä."
            ) % {"code": mask(codes[0])}
    return errors


def check_no_identity_codes(**fields: str | list[str] | None) -> None:
    """Raise a ValidationError naming each field that holds an identity code."""
    errors = identity_code_errors(**fields)
    if errors:
        raise ValidationError(errors)


# ---- contact data ----------------------------------------------------------

PHONE_REGION = "FI"


def normalise_phone_number(phone: str) -> str:
    """A phone number in E.164 (+358401234567); Finnish when it has no
    country code. Raises ValidationError for what is not a phone number."""
    try:
        number = phonenumbers.parse(phone, PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "Puhelinnumero ei ole kelvollinen. Kirjoita numero suuntanumeroineen, esim. "
                "040 123 4567, tai ulkomainen numero maatunnuksen kanssa, esim. +46 70 123 4567."
            )
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# ---- other identifying data: found, shown, confirmed by the writer ---------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A street name (a word ending like a Finnish or Swedish street) and a house
# number, with a staircase and flat when given: "Koulukatu 5 B 12".
_STREET = re.compile(
    r"\b\w+(?:tie|katu|kuja|polku|väylä|raitti|kaari|rinne|ranta|piha|aukio|tori|mäki|"
    r"kallio|penger|puistikko|bulevardi|esplanadi|vägen|gatan|gränd|stigen|backen|torget)"
    r"\s+[0-9]{1,4}(?:\s?[a-zA-Z]\b)?(?:\s*(?:as\.?\s*)?[0-9]{1,3}\b)?",
    re.IGNORECASE,
)
# 13.10.2019, 13/10/2019 or 2019-10-13.
_DATE = re.compile(
    r"(?<![0-9.])(?:([0-9]{1,2})\s?[./]\s?([0-9]{1,2})\s?[./]\s?([0-9]{4})"
    r"|([0-9]{4})-([0-9]{2})-([0-9]{2}))(?![0-9])"
)
# Words that say the next date is a birth date: syntynyt, s., synt., född, f., born, b.
_BIRTH_CUE = re.compile(
    r"(?:\bsynt\w*|\bs\.|\bsyntymä\w*|\bfödd\w*|\bfödelse\w*|\bf\.|\bborn|\bb\.|\bbirth\w*)"
    r"[\s:,]*$",
    re.IGNORECASE,
)


def _birth_dates(text: str, today: date) -> list[str]:
    """Full dates that read as a birth date: said to be one, or long past.

    A date within the last year is taken as an ordinary date (the meeting,
    a start at day care) unless a word next to it says it is a birth date.
    """
    found = []
    for match in _DATE.finditer(text):
        day, month, year = (
            match.group(1, 2, 3) if match.group(1) else match.group(6, 5, 4)  # ISO: y-m-d
        )
        try:
            when = date(int(year), int(month), int(day))
        except ValueError:
            continue
        cue = _BIRTH_CUE.search(text[max(0, match.start() - 20) : match.start()])
        long_past = today - timedelta(days=100 * 365) < when <= today - timedelta(days=365)
        if (cue and when <= today) or long_past:
            found.append(match.group(0))
    return found


def _phone_numbers(text: str) -> list[str]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, PHONE_REGION):
        raw = match.raw_string.strip()
        opened = raw.count("(") + raw.count("[")
        if opened != raw.count(")") + raw.count("]"):  # "(040 123 4567" from "(soita 040 …)"
            raw = raw.lstrip("([ ").rstrip(")] ")
        found.append(raw)
    return found


def identifying_data_warnings(texts: Iterable[str], *, today: date | None = None) -> list[str]:
    """What in ``texts`` looks like identifying data other than an identity
    code, one line each (the same finding once): for the writer to confirm."""
    today = today or timezone.localdate()
    warnings: list[str] = []
    for raw in texts:
        text = normalise(raw)
        for code in find_identity_codes(text):  # refused elsewhere; not read as a phone
            text = text.replace(code, " ")
        found = [_("Sähköpostiosoite: %(found)s") % {"found": f} for f in _EMAIL.findall(text)]
        without_email = _EMAIL.sub(" ", text)
        found += [
            _("Puhelinnumero: %(found)s") % {"found": f} for f in _phone_numbers(without_email)
        ]
        found += [
            _("Katuosoite: %(found)s") % {"found": m.group(0)}
            for m in _STREET.finditer(without_email)
        ]
        found += [
            _("Päivämäärä, joka voi olla syntymäaika: %(found)s") % {"found": f}
            for f in _birth_dates(without_email, today)
        ]
        warnings += [w for w in found if w not in warnings]
    return warnings
