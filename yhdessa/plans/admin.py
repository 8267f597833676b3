from django.contrib import admin

from yhdessa.plans.models import StarArea

admin.site.register(StarArea)
