from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from yhdessa.accounts.models import User


@admin.register(User)
class YhdessaUserAdmin(UserAdmin):
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Yhdessä", {"fields": ["role", "municipality", "oidc_subject"]}),
    ]
    list_display = ["username", "first_name", "last_name", "role", "municipality", "is_active"]
