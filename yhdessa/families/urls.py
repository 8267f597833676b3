from django.urls import path

from yhdessa.families import views

app_name = "families"
urlpatterns = [
    path("new/", views.concern_create, name="create"),
    path("<int:pk>/", views.concern_detail, name="detail"),
]
