"""`/api/v1/complaints/{id}/attachments/`: upload, list and download a case's files."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import RequestTooLarge
from common.pagination import KeysetPagination
from complaints import attachments
from complaints.api.serializers import UserRefSerializer

# Multipart framing around the file; a body declaring more than the limit plus this is refused
# before any of it is read.
MULTIPART_OVERHEAD = 64 * 1024


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_by = UserRefSerializer()
    created_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, attachment) -> str:
        path = reverse(
            "complaint-attachment-download",
            kwargs={"case_id": attachment.case_id, "attachment_id": attachment.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("At most 20 MB; PDF, PNG, JPEG, GIF, WAV, MP3, DOCX, XLSX, TXT or CSV."))


class AttachmentPagination(KeysetPagination):
    page_size = 100


class AttachmentListView(APIView):
    pagination_class = AttachmentPagination

    # Uploads are multipart only; the JSON parser never sees a 20 MB body. Declared here, per view,
    # so that common.middleware.ApiBodyGuard lets multipart through to this view alone.
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(responses=AttachmentSerializer(many=True), summary=_("A case's attachments"))
    def get(self, request, case_id: int):
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(
            attachments.attachment_list_for(actor=request.user, case_id=case_id), request, view=self
        )
        return paginator.get_paginated_response(
            AttachmentSerializer(rows, many=True, context={"request": request}).data
        )

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
        summary=_("Attach a file to a case"),
    )
    def post(self, request, case_id: int):
        limit = settings.ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise RequestTooLarge(_("The file is larger than the attachment limit."))
        try:
            attachment = attachments.attachment_add(
                case_id=case_id, actor=request.user, file=request.data.get("file")
            )
        except attachments.AttachmentTooLarge as exc:
            raise RequestTooLarge(exc.detail) from exc
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class AttachmentDetailView(APIView):
    @extend_schema(responses=AttachmentSerializer, summary=_("One attachment's details"))
    def get(self, request, case_id: int, attachment_id: int):
        attachment = attachments.attachment_get_for(actor=request.user, case_id=case_id, attachment_id=attachment_id)
        return Response(AttachmentSerializer(attachment, context={"request": request}).data)


class AttachmentDownloadView(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary=_("Download an attachment"),
    )
    def get(self, request, case_id: int, attachment_id: int):
        attachment, content = attachments.attachment_download(
            actor=request.user, case_id=case_id, attachment_id=attachment_id
        )
        response = FileResponse(
            content, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
        )
        # The decrypted stream has no length of its own; the clear size is on the row.
        response["Content-Length"] = str(attachment.size)
        # Never rendered in the app's origin, never cached by shared caches.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
