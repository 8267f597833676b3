"""The directory in the admin is for looking, and for linking a login to a
professional. Every change of the directory goes through the app's pages
(Verkosto), whose services keep the change log and end a leaver's access;
the admin must not be a way around them."""

from django.contrib import admin

from yhdessa.network import models


class ViewOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SlotInline(admin.TabularInline):
    model = models.SlotWindow
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.InvitationPractice)
class PracticeAdmin(ViewOnly):
    inlines = [SlotInline]


@admin.register(models.Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    """Only the link to a login can be set here."""

    list_display = ["name", "title", "organisation", "municipality", "is_active"]
    list_filter = ["municipality", "is_active"]
    search_fields = ["name", "email"]
    fields = [
        "user",
        "name",
        "title",
        "organisation",
        "municipality",
        "email",
        "phone",
        "expertise",
        "languages",
        "is_active",
    ]
    readonly_fields = [f for f in fields if f != "user"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.FamilyCentreTeam)
class TeamAdmin(ViewOnly):
    pass


for model in (models.Region, models.Municipality, models.Organisation, models.Expertise):
    admin.site.register(model, ViewOnly)
