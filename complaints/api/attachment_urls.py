from django.urls import path

from complaints.api import attachment_views as views

urlpatterns = [
    path(
        "complaints/<int:case_id>/attachments/",
        views.AttachmentListView.as_view(),
        name="complaint-attachments",
    ),
    path(
        "complaints/<int:case_id>/attachments/<int:attachment_id>/",
        views.AttachmentDetailView.as_view(),
        name="complaint-attachment-detail",
    ),
    path(
        "complaints/<int:case_id>/attachments/<int:attachment_id>/download/",
        views.AttachmentDownloadView.as_view(),
        name="complaint-attachment-download",
    ),
]
