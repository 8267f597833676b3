from django.urls import path

from yhdessa.families import views

app_name = "families"
urlpatterns = [
    path("new/", views.concern_create, name="create"),
    path("mine/", views.my_families, name="mine"),
    path("<int:pk>/", views.concern_detail, name="detail"),
    path("<int:pk>/close/", views.concern_close, name="close"),
    path("<int:pk>/family-link/resend/", views.family_link_resend, name="link_resend"),
    path("<int:pk>/family-link/revoke/", views.family_link_revoke, name="link_revoke"),
    path("<int:pk>/withdraw-consent/", views.concern_withdraw_consent, name="withdraw_consent"),
]
