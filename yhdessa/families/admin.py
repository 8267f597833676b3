from django.contrib import admin

from yhdessa.families.models import ConcernTopic
from yhdessa.network.admin import ViewOnly

# Families and concerns are deliberately not in the admin: every read of a
# family's data must go through the access-logged pages.
# Reference lists change on the app's own page, which keeps the change log.
admin.site.register(ConcernTopic, ViewOnly)
