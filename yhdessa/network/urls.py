from django.urls import path

from yhdessa.network import views

app_name = "network"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("manage/", views.manage, name="manage"),
    path("organisations/new/", views.organisation_edit, name="organisation_new"),
    path("organisations/<int:pk>/", views.organisation_edit, name="organisation"),
    path("professionals/new/", views.professional_edit, name="professional_new"),
    path("professionals/<int:pk>/", views.professional_edit, name="professional"),
    path("teams/new/", views.team_new, name="team_new"),
    path("areas/new/", views.area_new, name="area_new"),
    path("region/", views.region_set, name="region"),
    path("teams/<int:pk>/", views.team_edit, name="team"),
    path("services/<int:pk>/classify/", views.service_classify, name="service_classify"),
    path("import/", views.import_csv, name="import"),
    path("export.csv", views.export_csv, name="export"),
    path("changes/", views.changes, name="changes"),
    path("service-map/", views.service_map_view, name="service_map"),
    path("reference/<slug:kind>/", views.reference, name="reference"),
    path("reference/<slug:kind>/<int:pk>/", views.reference, name="reference_edit"),
]
