"""/api/v1/notifications/: the signed-in user's own notifications."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services
from notifications.models import Notification


class NotificationOutput(serializers.ModelSerializer):
    case: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    case_reference = serializers.SerializerMethodField()
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "case", "case_reference", "data", "is_drill",
                  "is_read", "created_at", "read_at"]
        read_only_fields = fields

    def get_case_reference(self, obj) -> str | None:
        return obj.case.reference if obj.case_id and obj.case else None


class NotificationPagination(CursorPagination):
    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class NotificationListView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only unread notifications.")],
        responses=NotificationOutput(many=True),
    )
    def get(self, request):
        unread_only = request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        qs = selectors.notification_list_for(actor=request.user, unread_only=unread_only)
        paginator = NotificationPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(NotificationOutput(page, many=True).data)


class UnreadCountView(APIView):
    @extend_schema(responses=inline_serializer("UnreadCount", {"count": serializers.IntegerField()}))
    def get(self, request):
        return Response({"count": selectors.notification_unread_count_for(actor=request.user)})


class MarkReadView(APIView):
    @extend_schema(request=None, responses=NotificationOutput)
    def post(self, request, notification_id: int):
        notification = services.notification_mark_read(actor=request.user, notification_id=notification_id)
        return Response(NotificationOutput(notification).data)


class MarkAllReadView(APIView):
    @extend_schema(request=None, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}))
    def post(self, request):
        return Response({"marked": services.notification_mark_all_read(actor=request.user)})
