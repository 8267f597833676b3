"""The sent messages of meetings (the outbox itself is a leaf: yhdessa.notify)."""

from django.urls import path

from yhdessa.meetings import message_views as views

app_name = "notify"
urlpatterns = [
    path("", views.message_list, name="list"),
    path("<int:pk>/", views.message_detail, name="detail"),
    path("<int:pk>/retry/", views.message_retry, name="retry"),
]
