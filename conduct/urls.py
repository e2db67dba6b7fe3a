"""Pages of the conduct app (included before the complaints pages)."""

from django.urls import path

from conduct import views

urlpatterns = [
    path("cases/<int:case_id>/contacts/upload/", views.contacts_upload, name="conduct-contacts-upload"),
    path("cases/<int:case_id>/conduct-check/", views.check_run, name="conduct-check-run"),
]
