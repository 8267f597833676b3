from django.apps import AppConfig


class FamilyPageConfig(AppConfig):
    """The family's own page: reached by its personal link, no account."""

    name = "yhdessa.family_page"
    default_auto_field = "django.db.models.BigAutoField"
