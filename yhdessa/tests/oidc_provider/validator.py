from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class PeopleValidator(OAuth2Validator):
    """Claims about the logged-in person as settings.PEOPLE gives them
    (email, email_verified, and a sub other than the database id if set)."""

    def get_additional_claims(self, request):
        return dict(settings.PEOPLE[request.user.username]["claims"])
