from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "yhdessa.meetings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The worker's schedule runs the reminders.
        from yhdessa.meetings import reminders  # noqa: F401
