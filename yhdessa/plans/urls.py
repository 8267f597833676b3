from django.urls import path

from yhdessa.plans import follow_up_views, views

app_name = "plans"
urlpatterns = [
    path("leads-needed/", views.leads_needed, name="leads_needed"),
    path("follow-up/", follow_up_views.follow_up_list, name="follow_up_list"),
    path("<int:meeting_pk>/follow-up/", follow_up_views.follow_up, name="follow_up"),
    path("<int:meeting_pk>/", views.plan_view, name="view"),
    path("<int:meeting_pk>/edit/", views.plan_edit, name="edit"),
    path("<int:meeting_pk>/pdf/", views.plan_download, name="pdf"),
]
