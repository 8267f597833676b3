from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yhdessa.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from yhdessa.locale_middleware import follow_user_language

        user_logged_in.connect(follow_user_language, dispatch_uid="follow_user_language")
