from django.contrib import admin

from yhdessa.network import models


class SlotInline(admin.TabularInline):
    model = models.SlotWindow
    extra = 0


@admin.register(models.InvitationPractice)
class PracticeAdmin(admin.ModelAdmin):
    inlines = [SlotInline]


@admin.register(models.Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "organisation", "municipality", "is_active"]
    list_filter = ["municipality", "is_active"]
    search_fields = ["name", "email"]
    filter_horizontal = ["expertise"]


@admin.register(models.FamilyCentreTeam)
class TeamAdmin(admin.ModelAdmin):
    filter_horizontal = ["members"]


admin.site.register([models.Region, models.Municipality, models.Organisation, models.Expertise])
