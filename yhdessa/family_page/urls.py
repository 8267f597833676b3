from django.urls import path

from yhdessa.family_page import views

app_name = "family_page"
urlpatterns = [
    path("<str:token>/", views.home, name="home"),
    path("<str:token>/<str:meeting_pk>/answer/", views.answer, name="answer"),
    path("<str:token>/<str:meeting_pk>/feedback/", views.feedback, name="feedback"),
    path("<str:token>/<str:meeting_pk>/plan.pdf", views.plan_download, name="plan_pdf"),
    path("<str:token>/poll/<str:poll_pk>/", views.poll_answer, name="poll"),
]
