from django.urls import path

from yhdessa.scheduling import poll_views

app_name = "poll_public"
urlpatterns = [path("<str:token>/", poll_views.answer_by_link, name="answer")]
