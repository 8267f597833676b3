from django.urls import path

from yhdessa.feedback import views

app_name = "feedback"
urlpatterns = [path("meeting/<int:meeting_pk>/", views.worker_feedback, name="worker")]
