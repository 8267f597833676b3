from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "yhdessa.families"
    default_auto_field = "django.db.models.BigAutoField"
