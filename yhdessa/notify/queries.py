from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from yhdessa.accounts.models import User
from yhdessa.meetings.queries import meetings_visible_to
from yhdessa.notify.models import OutboxMessage


def messages_visible_to(user: User) -> QuerySet[OutboxMessage]:
    """Messages of the meetings the user may see: the convener follows delivery."""
    return (
        OutboxMessage.objects.filter(meeting__in=meetings_visible_to(user))
        .select_related("meeting__concern__family", "professional")
        .prefetch_related("meeting__invitations")
    )


def get_message_for(user: User, pk: int) -> OutboxMessage:
    return get_object_or_404(messages_visible_to(user), pk=pk)
