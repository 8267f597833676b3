from django.urls import path

from yhdessa.scheduling import poll_views, views

app_name = "scheduling"
urlpatterns = [
    path("availability/", views.availability, name="availability"),
    path("availability/absence/<int:pk>/remove/", views.remove_absence, name="remove_absence"),
    path("availability/calendar/", views.calendar_url, name="calendar_url"),
    path("availability/calendar/upload/", views.calendar_upload, name="calendar_upload"),
    path(
        "availability/calendar/upload/forget/",
        views.calendar_forget_upload,
        name="calendar_forget_upload",
    ),
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/new/", views.room_edit, name="room_new"),
    path("rooms/<int:pk>/", views.room_edit, name="room_edit"),
    path("polls/new/<int:concern_pk>/", poll_views.new_poll, name="poll_new"),
    path("polls/<int:pk>/", poll_views.poll_detail, name="poll"),
    path("polls/<int:pk>/vote/", poll_views.vote_in_app, name="poll_vote"),
    path("polls/<int:pk>/decide/", poll_views.decide, name="poll_decide"),
    path("polls/<int:pk>/cancel/", poll_views.cancel, name="poll_cancel"),
]
