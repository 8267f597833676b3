from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "yhdessa.scheduling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The worker's schedule reads the professionals' calendar links.
        from yhdessa.scheduling import feeds  # noqa: F401
