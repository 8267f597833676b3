from django.urls import path

from yhdessa.families import contact_views as views

app_name = "contact"
urlpatterns = [
    path("", views.contact_new, name="new"),
    path("sent/", views.contact_sent, name="sent"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/call/", views.phone_contact, name="phone"),
    path("<str:pk>/", views.contact_detail, name="detail"),
    path("<str:pk>/hand-over/", views.contact_hand_over, name="hand_over"),
    path("<str:pk>/close/", views.contact_close, name="close"),
    path("<str:pk>/session/", views.contact_book_session, name="book_session"),
]
