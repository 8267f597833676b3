from django.urls import path

from yhdessa.reports import views

app_name = "reports"
urlpatterns = [path("meetings/", views.meetings_report, name="meetings")]
