"""Conduct API (docs/api-guide.md "Collection contacts and conduct checks"): check input, call one service
or selector, serialize. Permissions and visibility live in the services and selectors."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import COMMON_ERROR_EXAMPLES, LargeJSONParser, error_example, error_responses, json_object
from common.exceptions import ValidationFailed
from common.filters import MAX_OFFSET
from conduct import selectors, services
from conduct.api import serializers as s
from conduct.models import CollectionContact
from conduct.validation import ContactBatchSerializer, contact_rows_validate

ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The case id.")


class ContactsJSONParser(LargeJSONParser):
    """JSON with the contact import's own body limit (4 MB: 5,000 rows); every other endpoint
    keeps common.api.LimitedJSONParser's 1 MB."""

    @property
    def max_bytes(self) -> int:
        return int(settings.CONDUCT_IMPORT_MAX_BYTES)


IMPORT_EXAMPLE = OpenApiExample(
    "催收记录",
    request_only=True,
    value={
        "contacts": [
            {
                "source_id": "CR-20261103-000123",
                "account_reference": "LN-2024-88812",
                "at": "2026-11-03T22:05:00+08:00",
                "channel": "call",
                "direction": "outbound",
                "outcome": "unanswered",
                "party": "debtor",
                "contacted_number": "13800001234",
                "consented_contact": False,
                "collector": "催收员 王五",
                "agency": "某某资产管理有限公司",
                "recording_ref": "REC-88812-0001",
            },
            {
                "source_id": "CR-20261104-000007",
                "account_reference": "LN-2024-88812",
                "at": "2026-11-04T10:00:00+08:00",
                "channel": "visit",
                "direction": "outbound",
                "outcome": "answered",
                "party": "debtor",
                "collector": "催收员 赵六",
                "collectors_present": 2,
            },
        ]
    },
)
ROW_ERROR_EXAMPLE = error_example(
    "某行有误", "validation_error", "contacts[17].at", "invalid",
    "请输入带时区的 ISO 8601 时间，例如 2026-11-03T22:05:00+08:00。", status_codes=["400"],
)
CHECK_EXAMPLE = OpenApiExample(
    "核查结果",
    response_only=True,
    value={
        "id": 41,
        "checked_at": "2026-11-29T09:30:00+08:00",
        "window": {"since": "2026-10-29T10:00:00+08:00", "until": "2026-11-29T09:30:00+08:00"},
        "contacts_checked": 57,
        "breaches": [
            {"rule": "quiet_hours", "detail": "呼叫 发生于当地时间 2026-11-03 22:05，处于禁止时段 22:00–08:00",
             "contacts": ["CR-20261103-000123"]},
        ],
        "suggested_finding": "substantiated",
    },
)


class CollectionContactImportView(APIView):
    parser_classes = [ContactsJSONParser]

    @extend_schema(
        operation_id="collection_contacts_import",
        summary="Import collection contact records",
        description=(
            "Up to 5,000 rows a request, body up to 4 MB. Idempotent on (client, `source_id`): rows "
            "already stored are counted as `unchanged`. One bad row refuses the whole batch (400, "
            "every bad field named as `contacts[17].at`), nothing stored. Times need an offset. "
            "For API clients, supervisors and admins."
        ),
        request=ContactBatchSerializer,
        responses={200: s.ImportResultSerializer, **error_responses(400, 401, 403, 413, 415, 429,
                                                                     e413="JSON body larger than 4 MB.")},
        examples=[IMPORT_EXAMPLE, ROW_ERROR_EXAMPLE,
                  OpenApiExample("导入结果", response_only=True, value={"created": 4990, "unchanged": 10}),
                  *COMMON_ERROR_EXAMPLES],
    )
    def post(self, request: Request) -> Response:
        if not request.user.has_perm("conduct.import_contacts"):
            raise exceptions.PermissionDenied(_("You may not import collection contact records."))
        rows = contact_rows_validate(json_object(request.data), root="contacts")
        result = services.contacts_import(actor=request.user, rows=rows)
        return Response(s.ImportResultSerializer(result).data)


class ContactPagination(CursorPagination):
    ordering = ("at", "id")
    page_size = 200
    page_size_query_param = "page_size"
    max_page_size = 1000


def _query_time(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        # A "+" in a URL arrives as a space; parse_datetime would take a NUL as the separator.
        value = None if "\x00" in raw else parse_datetime(raw.strip().replace(" ", "+"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise ValidationFailed.single(name, "invalid", _("Give an ISO 8601 date-time with offset."))
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET or value.year < 1970:
        # PostgreSQL holds offsets up to ±15:59; contacts start after 1970.
        raise ValidationFailed.single(name, "invalid", _("Give a date-time after 1970 with an offset of at most 15:59 hours."))
    return value


class CaseContactsView(GenericAPIView):
    queryset = CollectionContact.objects.none()  # for the schema; rows come from the selector
    serializer_class = s.ContactSerializer
    pagination_class = ContactPagination

    @extend_schema(
        operation_id="complaints_contacts",
        summary="The collection contacts of the case's account",
        description="Oldest first, personal data masked; the case's visibility (404 for cases you may not see).",
        parameters=[
            ID_PARAM,
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="From this time (ISO 8601 with offset)."),
            OpenApiParameter("until", OpenApiTypes.DATETIME, description="Up to this time (ISO 8601 with offset)."),
        ],
        responses={200: s.ContactSerializer(many=True), **error_responses(400, 401, 404, 429)},
        examples=[*COMMON_ERROR_EXAMPLES],
    )
    def get(self, request: Request, pk: int) -> Response:
        since, until = _query_time(request, "since"), _query_time(request, "until")
        contacts = selectors.case_contacts_for(actor=request.user, case_id=pk, since=since, until=until)
        page = self.paginate_queryset(contacts)
        return self.get_paginated_response(s.ContactSerializer(page, many=True).data)


class CaseConductCheckView(APIView):
    @extend_schema(
        operation_id="complaints_conduct_check_latest",
        summary="The latest conduct check of the case",
        parameters=[ID_PARAM],
        responses={200: s.ConductCheckSerializer, **error_responses(401, 404, 429,
                                                                    e404="No such case, or no check yet.")},
        examples=[CHECK_EXAMPLE, *COMMON_ERROR_EXAMPLES],
    )
    def get(self, request: Request, pk: int) -> Response:
        check = selectors.conduct_check_latest_for(actor=request.user, case_id=pk)
        return Response(s.ConductCheckSerializer(check).data)

    @extend_schema(
        operation_id="complaints_conduct_check_run",
        summary="Run a conduct check now",
        description=(
            "Judges the contacts of the case's account from 30 days before receipt to now against "
            "the enabled rules, in the customer's time zone; lands on the timeline as `conduct_check`. "
            "For those who may work the case."
        ),
        parameters=[ID_PARAM],
        request=None,
        responses={201: s.ConductCheckSerializer, **error_responses(401, 403, 404, 429)},
        examples=[CHECK_EXAMPLE, *COMMON_ERROR_EXAMPLES],
    )
    def post(self, request: Request, pk: int) -> Response:
        check = services.conduct_check_run(actor=request.user, case_id=pk)
        return Response(s.ConductCheckSerializer(check).data, status=status.HTTP_201_CREATED)


class ConductRuleListView(APIView):
    @extend_schema(
        operation_id="conduct_rules_list",
        summary="Conduct rules (supervisors, auditors, admins)",
        responses={200: s.ConductRuleSerializer(many=True), **error_responses(401, 403, 429)},
        examples=[
            OpenApiExample(
                "规则",
                response_only=True,
                value=[{"code": "quiet_hours", "name": "禁止在22:00至次日08:00催收", "kind": "quiet_hours",
                        "enabled": True, "params": {"start": "22:00", "end": "08:00"}}],
            ),
            *COMMON_ERROR_EXAMPLES,
        ],
    )
    def get(self, request: Request) -> Response:
        return Response(s.ConductRuleSerializer(selectors.conduct_rule_list_for(actor=request.user), many=True).data)


class ConductRuleDetailView(APIView):
    @extend_schema(
        operation_id="conduct_rules_partial_update",
        summary="Switch a rule on or off, change its numbers (admins)",
        description="`params` is merged into the rule's and checked for its kind (400 names `params.<name>`).",
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)],
        request=s.ConductRulePatchSerializer,
        responses={200: s.ConductRuleSerializer, **error_responses(400, 401, 403, 404, 413, 415, 429)},
        examples=[
            OpenApiExample("调整次数", request_only=True, value={"params": {"max": 5}}),
            OpenApiExample("启用", request_only=True, value={"enabled": True}),
            *COMMON_ERROR_EXAMPLES,
        ],
    )
    def patch(self, request: Request, code: str) -> Response:
        data = s.ConductRulePatchSerializer(data=json_object(request.data))
        data.is_valid(raise_exception=True)
        rule = services.conduct_rule_update(actor=request.user, code=code, data=data.validated_data)
        return Response(s.ConductRuleSerializer(rule).data)


def _month(request: Request) -> tuple[str, datetime, datetime]:
    raw = request.query_params.get("month") or ""
    try:
        year, month = (int(part) for part in raw.split("-"))
        if len(raw) != 7 or not 2000 <= year <= 2100:
            raise ValueError(raw)
        tz = ZoneInfo(settings.CONDUCT_TIME_ZONE)
        start = datetime(year, month, 1, tzinfo=tz)
    except ValueError:
        raise ValidationFailed.single("month", "invalid", _("Give the month as YYYY-MM, e.g. 2026-11.")) from None
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return raw, start, end


class ConductReportView(APIView):
    @extend_schema(
        operation_id="reports_conduct",
        summary="Conduct breaches of a month (supervisors, auditors, admins)",
        description=(
            "By rule, by collector and by agency, each with the number of cases touched. A breach "
            "counts in the month (customer's time zone) of the contact that broke the rule; only each "
            "case's latest check counts; supervisors see their teams' cases."
        ),
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, required=True, pattern=r"^\d{4}-\d{2}$",
                                     description="YYYY-MM")],
        responses={200: s.ConductReportSerializer, **error_responses(400, 401, 403, 429)},
        examples=[
            OpenApiExample(
                "月度统计",
                response_only=True,
                value={"month": "2026-11", "breaches": 12, "cases": 5,
                       "by_rule": [{"rule": "quiet_hours", "name": "禁止在22:00至次日08:00催收", "breaches": 7, "cases": 3}],
                       "by_collector": [{"collector": "催收员 王五", "breaches": 6, "cases": 2}],
                       "by_agency": [{"agency": "某某资产管理有限公司", "breaches": 9, "cases": 4}]},
            ),
            *COMMON_ERROR_EXAMPLES,
        ],
    )
    def get(self, request: Request) -> Response:
        if not request.user.has_perm("conduct.view_reports"):
            raise exceptions.PermissionDenied(_("Your role may not see conduct reports."))
        month, start, end = _month(request)
        stats = selectors.conduct_breach_stats(actor=request.user, month_start=start, month_end=end)
        return Response(s.ConductReportSerializer({"month": month, **stats}).data)
