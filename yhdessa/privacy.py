"""The no-identifiers guard: free text must not carry a Finnish personal
identity code (henkilötunnus). The joint plan in particular is a memo for
the family "without identifying data"."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# DDMMYY, a century sign (+, -, A-F, U-Y), three digits and a check character.
# Spaces around the sign are tolerated so that "010203 - 9876" is caught too.
_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])(\d{2})(\d{2})(\d{2})\s?([-+A-FU-Y])\s?(\d{3})([0-9A-Y])(?![0-9A-Za-z])",
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
    for match in _CANDIDATE.finditer(text or ""):
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


def check_no_identity_codes(**fields: str | list[str] | None) -> None:
    """Raise a ValidationError naming each field that holds an identity code."""
    errors: dict[str, str] = {}
    for name, value in fields.items():
        texts = value if isinstance(value, list) else [value or ""]
        codes = [code for text in texts for code in find_identity_codes(str(text))]
        if codes:
            errors[name] = _(
                "Teksti näyttää sisältävän henkilötunnuksen (%(code)s). Tähän ei kirjata "
                "tunnistetietoja: poista tunnus ja kirjoita asia ilman sitä."
            ) % {"code": mask(codes[0])}
    if errors:
        raise ValidationError(errors)
