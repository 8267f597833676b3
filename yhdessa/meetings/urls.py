from django.urls import path

from yhdessa.meetings import room_views, summary_views, views

app_name = "meetings"
urlpatterns = [
    path("convene/<int:concern_pk>/", views.convene, name="convene"),
    path("convene/<int:concern_pk>/session/", views.book_session_place, name="book_session"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/held/", views.meeting_held, name="held"),
    path("<int:pk>/star/", views.star_notes, name="star"),
    path("<int:pk>/room/", room_views.meeting_room, name="room"),
    path("<int:pk>/room/draft/", room_views.room_draft, name="room_draft"),
    path("<int:pk>/summary/", summary_views.summary, name="summary"),
    path("<int:pk>/summary.pdf", summary_views.summary_pdf_download, name="summary_pdf"),
    path("<int:pk>/reschedule/", views.meeting_reschedule, name="reschedule"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/called/<int:invitation_pk>/", views.meeting_called, name="called"),
    path("<int:pk>/answer/", views.meeting_answer, name="answer"),
    path(
        "<int:pk>/substitute/<int:invitation_pk>/",
        views.meeting_substitute,
        name="substitute",
    ),
]
