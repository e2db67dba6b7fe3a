"""`/api/v1/webhooks/` (docs/api-guide.md "Webhooks"): administrators manage subscriptions and see deliveries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.exceptions import ActionNotPermitted
from common.pagination import KeysetPagination
from webhooks import selectors, services
from webhooks.models import DeliveryState, EventType

# -- shapes ---------------------------------------------------------------------------------


class SubscriptionInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, help_text=_("http(s) URL that receives the POSTs."))
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), allow_empty=False, max_length=20
    )
    secret = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        trim_whitespace=False,
        write_only=True,
        help_text=_("Signing secret (at least 16 characters); generated when omitted."),
    )


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(help_text=_("Shown once, on creation."))


class AttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()
    succeeded = serializers.BooleanField()


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.UUIDField(source="event.id")
    event_type = serializers.CharField(source="event.type")
    state = serializers.ChoiceField(choices=DeliveryState.choices)
    attempts = serializers.IntegerField()
    last_status_code = serializers.IntegerField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    attempt_log = AttemptSerializer(many=True)


# -- views ----------------------------------------------------------------------------------


def _require_admin(request) -> None:
    if not request.user.has_perm("webhooks.manage_subscription"):
        raise ActionNotPermitted(str(_("Only administrators may manage webhooks.")))


class SubscriptionListView(APIView):
    pagination_class = KeysetPagination

    @extend_schema(responses=SubscriptionSerializer(many=True), summary=_("List webhook subscriptions"))
    def get(self, request):
        _require_admin(request)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.subscription_list(), request, view=self)
        return paginator.get_paginated_response(SubscriptionSerializer(page, many=True).data)

    @extend_schema(
        request=SubscriptionInputSerializer,
        responses={201: SubscriptionCreatedSerializer},
        summary=_("Subscribe a URL to events"),
        description=_(
            "Each event is POSTed as JSON {\"id\", \"type\", \"created_at\", \"data\"} with the headers "
            "X-Event-Id, X-Event-Type and X-Signature: sha256=<hex HMAC-SHA256 of the raw body with "
            "the secret>. Any answer other than 2xx, or none within the timeout, is retried with "
            "exponential backoff (first retry within 30 s, at most 8 attempts); redirects are not "
            "followed. Receivers see each event at least once and de-duplicate by its id. Case "
            "events carry the case id, reference, state, category, severity and escalation level, "
            "never personal data."
        ),
    )
    def post(self, request):
        _require_admin(request)
        data = SubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, secret = services.subscription_create(actor=request.user, **data.validated_data)
        body = SubscriptionSerializer(subscription).data
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED)


class SubscriptionDetailView(APIView):
    @extend_schema(responses=SubscriptionSerializer, summary=_("One webhook subscription"))
    def get(self, request, subscription_id: int):
        _require_admin(request)
        return Response(SubscriptionSerializer(selectors.subscription_get(subscription_id=subscription_id)).data)

    @extend_schema(responses={204: None}, summary=_("Unsubscribe (deactivates; pending deliveries are cancelled)"))
    def delete(self, request, subscription_id: int):
        _require_admin(request)
        services.subscription_deactivate(actor=request.user, subscription_id=subscription_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryListView(APIView):
    pagination_class = KeysetPagination

    @extend_schema(responses=DeliverySerializer(many=True), summary=_("Deliveries of a subscription, with every attempt"))
    def get(self, request, subscription_id: int):
        _require_admin(request)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.delivery_list_for_subscription(subscription_id=subscription_id), request, view=self
        )
        return paginator.get_paginated_response(DeliverySerializer(page, many=True).data)
