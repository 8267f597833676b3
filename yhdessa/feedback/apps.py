from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "yhdessa.feedback"
    default_auto_field = "django.db.models.BigAutoField"
