from django.contrib import admin

from yhdessa.families.models import ConcernTopic

# Families and concerns are deliberately not in the admin: every read of a
# family's data must go through the access-logged pages.
admin.site.register(ConcernTopic)
