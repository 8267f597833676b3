from django.urls import path

from yhdessa.plans import views

app_name = "plans"
urlpatterns = [
    path("leads-needed/", views.leads_needed, name="leads_needed"),
    path("<int:meeting_pk>/", views.plan_view, name="view"),
    path("<int:meeting_pk>/edit/", views.plan_edit, name="edit"),
    path("<int:meeting_pk>/pdf/", views.plan_download, name="pdf"),
]
