"""`POST /api/v1/complaints/import/`: up to 1,000 create payloads a request, each answered on its own.

The view checks the permission (as for one create), validates the batch
(`complaints.api.import_inputs`), calls `services.imports.cases_import` with the valid items and
answers 200 with one result per item, in the request's order. A well-formed batch is always a
200, even when every item is refused: the status of each item is in its result, and the valid
items are stored whatever the others hold (docs/api-guide.md "Batch").
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.throttles import ImportThrottle
from common.api import (
    COMMON_ERROR_EXAMPLES,
    ErrorItemSerializer,
    ErrorType,
    LargeJSONParser,
    error_example,
    error_responses,
)
from complaints.api.import_inputs import CaseImportSchema, import_batch_validate, item_attr
from complaints.services.cases import case_require
from complaints.services.imports import ImportOutcome, cases_import

# 1,000 cases of a typical size are well under 2 MB; long descriptions need fewer a request.
IMPORT_MAX_BYTES = 10 * 1024 * 1024
ERROR_TYPES = {400: ErrorType.VALIDATION, 409: ErrorType.CONFLICT}


class ImportJSONParser(LargeJSONParser):
    """JSON up to 10 MB: the import's body limit (every other endpoint keeps 1 MB)."""

    @property
    def max_bytes(self) -> int:
        return IMPORT_MAX_BYTES


class CaseImportResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("The item's position in `cases`, from 0."))
    status = serializers.IntegerField(
        help_text=_(
            "201 stored, 200 its idempotency key was used before (its case), 400 invalid, 409 key reused."
        )
    )
    id = serializers.IntegerField(required=False, help_text=_("The case id (201 and 200)."))
    reference = serializers.CharField(required=False, help_text=_("The case reference (201 and 200)."))
    type = serializers.CharField(required=False, help_text=_("validation_error or conflict (400 and 409)."))
    errors = ErrorItemSerializer(
        many=True, required=False, help_text=_("Named `cases[17].complainant.phone`.")
    )


class CaseImportResponseSerializer(serializers.Serializer):
    stored = serializers.IntegerField(help_text=_("Items stored as new cases (201)."))
    replayed = serializers.IntegerField(help_text=_("Items whose key was used before (200)."))
    refused = serializers.IntegerField(help_text=_("Items refused (400 or 409)."))
    results = CaseImportResultSerializer(many=True)  # type: ignore[assignment]


def outcome_data(outcome: ImportOutcome) -> dict[str, Any]:
    """One item's result in the API's shape; error attrs named from the batch (`cases[17].summary`)."""
    if outcome.case_id is not None:
        return {
            "index": outcome.index,
            "status": outcome.status,
            "id": outcome.case_id,
            "reference": outcome.reference,
        }
    return {
        "index": outcome.index,
        "status": outcome.status,
        "type": ERROR_TYPES.get(outcome.status, ErrorType.VALIDATION),
        "errors": [
            {"attr": item_attr(outcome.index, attr), "code": str(code), "detail": str(detail)}
            for attr, pairs in outcome.errors.items()
            for code, detail in pairs
        ],
    }


REQUEST_EXAMPLE = OpenApiExample(
    "两件投诉",
    request_only=True,
    value={
        "cases": [
            {
                "idempotency_key": "OLD-2025-000123",
                "channel": "phone",
                "category": "collection_conduct",
                "summary": "催收电话一天十几次",
                "received_at": "2025-11-28T10:00:00+08:00",
                "complainant": {"name": "张三", "phone": "13800001234"},
            },
            {
                "idempotency_key": "OLD-2025-000124",
                "channel": "letter",
                "category": "collection_conduct",
                "summary": "催收人员上门骚扰",
                "complainant": {"name": "李四", "phone": "1380000"},
            },
        ]
    },
)
RESPONSE_EXAMPLE = OpenApiExample(
    "逐件结果",
    response_only=True,
    status_codes=["200"],
    value={
        "stored": 1,
        "replayed": 0,
        "refused": 1,
        "results": [
            {"index": 0, "status": 201, "id": 123, "reference": "TS202612020000123"},
            {
                "index": 1,
                "status": 400,
                "type": "validation_error",
                "errors": [
                    {
                        "attr": "cases[1].complainant.phone",
                        "code": "invalid_phone",
                        "detail": "请输入11位手机号、带区号的固定电话，或以+开头的国际号码。",
                    }
                ],
            },
        ],
    },
)
TOO_MANY_EXAMPLE = error_example(
    "超过1000件",
    ErrorType.VALIDATION,
    "cases",
    "max_length",
    "每次最多导入1000件投诉。",
    status_codes=["400"],
)


class ComplaintImportView(APIView):
    parser_classes = [ImportJSONParser]
    # Its own scope on top of the per-person and per-client limits: one request is 1,000 creates.
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, ImportThrottle]

    @extend_schema(
        operation_id="complaints_import",
        summary="Register up to 1,000 complaints at once",
        description=(
            '`{"cases": [...]}`: each item a create payload with an optional `idempotency_key`. Every '
            "item is validated and answered on its own, in order: 201 stored (with `id` and `reference`), "
            "200 its key was used before (the original case, nothing stored), 400 invalid, 409 key used "
            "with another payload; errors are named `cases[17].complainant.phone`. The valid items are "
            "stored even when others are refused, and the answer is 200 whenever the batch itself is "
            "well-formed. Deadlines, timeline, repeat detection, webhooks and contingency triggers as for "
            "one create. More than 1,000 items, no list, or a body that is not JSON is a 400 for the whole "
            "request; body up to 10 MB. Who may: whoever may create a complaint. Own throttle `import`."
        ),
        request=CaseImportSchema,
        responses={
            200: CaseImportResponseSerializer,
            **error_responses(400, 401, 403, 413, 415, 429, e413="JSON body larger than 10 MB."),
        },
        examples=[REQUEST_EXAMPLE, RESPONSE_EXAMPLE, TOO_MANY_EXAMPLE, *COMMON_ERROR_EXAMPLES],
    )
    def post(self, request: Request) -> Response:
        case_require(actor=request.user, permission="complaints.create_case")
        items, refused = import_batch_validate(request.data)
        outcomes = sorted([*refused, *cases_import(actor=request.user, items=items)], key=lambda o: o.index)
        statuses = [o.status for o in outcomes]
        body = {
            "stored": statuses.count(201),
            "replayed": statuses.count(200),
            "refused": len(statuses) - statuses.count(201) - statuses.count(200),
            "results": [outcome_data(o) for o in outcomes],
        }
        return Response(body)
