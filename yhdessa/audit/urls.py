from django.urls import path

from yhdessa.audit import views

app_name = "audit"
urlpatterns = [
    path("families/", views.family_list, name="families"),
    path("families/<int:family_pk>/", views.family_log, name="family_log"),
]
