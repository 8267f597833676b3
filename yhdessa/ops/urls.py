from django.urls import path

from yhdessa.ops import health, views

app_name = "ops"
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("messages/failed/", views.failed_messages, name="failed_messages"),
]
