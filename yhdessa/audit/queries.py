from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from yhdessa.accounts.models import User
from yhdessa.audit.models import AccessLogEntry
from yhdessa.families.models import Family


def families_for_coordinator(user: User) -> QuerySet[Family]:
    if not user.is_coordinator:
        return Family.objects.none()
    return Family.objects.filter(municipality_id=user.municipality_id)


def get_family_for_coordinator(user: User, family_id: int) -> Family:
    return get_object_or_404(families_for_coordinator(user), pk=family_id)


def access_log_of(family: Family) -> QuerySet[AccessLogEntry]:
    return family.access_log.select_related("user", "user__professional")
