from django.urls import path

from yhdessa.meetings import answer_views

app_name = "answer"
urlpatterns = [path("<str:token>/", answer_views.invitation, name="invitation")]
