from django.contrib import admin

from yhdessa.network.admin import ViewOnly
from yhdessa.plans.models import StarArea

# Reference lists change on the app's own page, which keeps the change log.
admin.site.register(StarArea, ViewOnly)
