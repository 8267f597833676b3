"""Reusable reads of families."""

import re

from django.db.models import Q

# A family's reference as people type it: "P-00012", "p-12", "P12".
_REFERENCE = re.compile(r"^P-?0*(\d{1,18})$", re.IGNORECASE)


def family_search(query: str, *, prefix: str = "") -> Q:
    """Families whose alias holds the query, or whose reference it is
    (``prefix`` reaches the family from another model, e.g. "family__")."""
    query = query.strip()
    rule = Q(**{f"{prefix}alias__icontains": query})
    if match := _REFERENCE.match(query.replace(" ", "")):
        rule |= Q(**{f"{prefix}pk": int(match.group(1))})
    return rule
