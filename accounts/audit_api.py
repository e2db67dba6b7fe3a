"""GET /api/v1/audit/config-changes/: who changed which configuration, when, before and after."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ConfigChange
from accounts.selectors import audited_models, can_read_config_history, config_change_list_for
from common.api import error_responses, validated
from common.exceptions import ActionNotPermitted
from common.pagination import KeysetPagination, SortKey
from common.serializers import TextField


class ConfigChangeFilterSerializer(serializers.Serializer):
    model = serializers.ChoiceField(choices=(), required=False, help_text=_("app_label.modelname"))
    object_id = TextField(required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = sorted(audited_models().items())  # type: ignore[attr-defined]


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField(help_text=_("The field's name in the interface language."))  # type: ignore[assignment]  # a declared field, not Field.label
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class ConfigChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    model = serializers.CharField()
    model_name = serializers.SerializerMethodField()
    object_id = serializers.CharField()
    object = serializers.CharField(source="object_repr")
    action = serializers.ChoiceField(choices=ConfigChange.Action.choices)
    actor = ActorSerializer(allow_null=True, help_text=_("Empty for a command or a background task."))
    changes = serializers.SerializerMethodField()

    def _model(self, change: ConfigChange) -> Any:
        try:
            return apps.get_model(change.model)
        except LookupError:
            return None

    def get_model_name(self, change: ConfigChange) -> str:
        model = self._model(change)
        return str(model._meta.verbose_name) if model else change.model

    @extend_schema_field(FieldChangeSerializer(many=True))
    def get_changes(self, change: ConfigChange) -> list[dict[str, Any]]:
        model = self._model(change)
        return [{**item, "label": _label(model, item["field"])} for item in change.changes]


def _label(model: Any, field: str) -> str:
    try:
        return str(model._meta.get_field(field).verbose_name) if model else field
    except FieldDoesNotExist:
        return field


class ConfigChangePagination(KeysetPagination):
    sort_keys = {"at": SortKey("at", "datetime")}
    default_ordering = "-at"


class ConfigChangeListView(APIView):
    pagination_class = ConfigChangePagination

    @extend_schema(
        summary=_("List configuration changes"),
        description=_(
            "Every change of SLA policies, the business calendar, webhook subscriptions, conduct rules, "
            "playbooks and their versions, the emergency group and users' roles and teams: who, when, "
            "and each changed field before and after. Secrets never appear. Auditors and administrators only."
        ),
        parameters=[ConfigChangeFilterSerializer],
        responses={200: ConfigChangeSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        if not can_read_config_history(request.user):  # type: ignore[arg-type]
            raise ActionNotPermitted(gettext("Only auditors and administrators may read configuration changes."))
        filters = validated(ConfigChangeFilterSerializer, request.query_params)
        changes = config_change_list_for(actor=request.user, **filters)  # type: ignore[arg-type]
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(changes, request, view=self)
        return paginator.get_paginated_response(ConfigChangeSerializer(page, many=True).data)
