"""Complaints REST API. Views check the permission, validate the input with the serializers
of `complaints.api.inputs`, call one service or selector, and serialize; rules live in
`complaints.services`, `complaints.selectors` and `complaints.rules`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.throttles import PiiRevealThrottle
from common.api import (
    COMMON_ERROR_EXAMPLES,
    LimitedJSONParser,
    error_example,
    error_responses,
    json_object,
    validated,
)
from common.exceptions import NotFound
from common.idempotency import HEADER as IDEMPOTENCY_HEADER
from common.idempotency import KEY_RE, run_idempotent
from complaints import selectors, services
from complaints.api import inputs
from complaints.api import serializers as s
from complaints.api.filters import CaseFilter
from complaints.api.pagination import CasePagination, TimelinePagination
from complaints.models import ComplaintCase
from complaints.services.imports import IDEMPOTENCY_SCOPE, STORED_ANSWER

# -- schema helpers -------------------------------------------------------------------------

ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The case id.")
READ_ERRORS = (400, 401, 404, 429)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 429)

VALIDATION_EXAMPLE = error_example(
    "字段校验失败",
    "validation_error",
    "complainant.phone",
    "invalid_phone",
    "请输入11位手机号、带区号的固定电话，或以+开头的国际号码。",
    status_codes=["400"],
)
TRANSITION_EXAMPLE = error_example(
    "当前状态不可执行",
    "invalid_transition",
    None,
    "invalid_transition",
    "当前状态“接诉受理”不能执行“resolve”。",
    status_codes=["409"],
)
STALE_EXAMPLE = error_example(
    "版本过期",
    "conflict",
    None,
    "conflict",
    "该投诉已被他人修改，请刷新后重试。",
    status_codes=["409"],
)

CREATE_EXAMPLE = OpenApiExample(
    "电话投诉：催收频繁",
    request_only=True,
    value={
        "channel": "phone",
        "category": "collection_conduct",
        "severity": "normal",
        "summary": "催收电话一天十几次",
        "description": "客户反映催收人员每天拨打十几次电话，并联系其同事，影响正常工作。",
        "received_at": "2026-11-28T10:00:00+08:00",
        "complainant": {
            "name": "张三",
            "phone": "13800001234",
            "id_number": "110101199003071233",
            "email": "a@b.cn",
        },
        "account_reference": "LN-2024-88812",
        "collection_channel": "phone",
        "risk_flags": ["regulator_referral"],
        "external_id": "CC-9912",
    },
)
CASE_EXAMPLE = OpenApiExample(
    "投诉案件",
    response_only=True,
    value={
        "id": 123,
        "reference": "TS202611280000123",
        "state": "intake",
        "category": "collection_conduct",
        "severity": "normal",
        "channel": "phone",
        "summary": "催收电话一天十几次",
        "description": "客户反映催收人员每天拨打十几次电话。",
        "complainant": {
            "name": "张*",
            "phone": "138****1234",
            "id_number": "110***********1233",
            "email": "a***@b.cn",
        },
        "account_reference": "LN-****8812",
        "collection_channel": "phone",
        "risk_flags": ["regulator_referral"],
        "external_id": "CC-9912",
        "assignee": None,
        "team": "team-a",
        "escalation_level": 0,
        "is_repeat": False,
        "is_breached": False,
        "extension_count": 0,
        "verification_finding": "",
        "satisfaction": None,
        "accepted": None,
        "deadlines": [
            {
                "kind": "final_answer",
                "due_at": "2026-12-13T10:00:00+08:00",
                "warn_at": "2026-12-09T22:00:00+08:00",
                "state": "pending",
                "breached": False,
            }
        ],
        "available_transitions": ["start_verification", "withdraw"],
        "version": 1,
        "received_at": "2026-11-28T10:00:00+08:00",
        "resolved_at": None,
        "closed_at": None,
        "created_at": "2026-11-28T10:00:03+08:00",
        "updated_at": "2026-11-28T10:00:03+08:00",
    },
)
TRANSITION_EXAMPLES = [
    OpenApiExample(
        "核实完成", request_only=True, value={"finding": "substantiated", "notes": "通话记录显示一日拨打12次"}
    ),
    OpenApiExample(
        "提出处理方案", request_only=True, value={"customer_demand": "停止频繁来电，减免逾期费用"}
    ),
    OpenApiExample(
        "处理",
        request_only=True,
        value={
            "actions": [
                {"type": "fee_waiver", "amount": "120.00", "detail": "减免11月逾期费用"},
                {"type": "collection_method_change", "detail": "每日最多联系一次"},
            ],
            "summary": "已调整催收频次并减免逾期费用",
        },
    ),
    OpenApiExample(
        "客户反馈", request_only=True, value={"satisfaction": 4, "accepted": True, "comment": "基本满意"}
    ),
    OpenApiExample("撤诉", request_only=True, value={"reason": "客户来电表示问题已自行解决"}),
]



# -- views ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List complaints visible to the user",
        description="Filters, text search `q`, `ordering` and cursor pagination. Personal data is masked.",
        responses={200: s.CaseSerializer(many=True), **error_responses(*READ_ERRORS)},
        examples=[CASE_EXAMPLE, *COMMON_ERROR_EXAMPLES],
    ),
    retrieve=extend_schema(
        parameters=[ID_PARAM],
        summary="One complaint",
        responses={200: s.CaseSerializer, **error_responses(401, 404, 429)},
        examples=[CASE_EXAMPLE, *COMMON_ERROR_EXAMPLES],
    ),
)
class ComplaintViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = ComplaintCase.objects.none()  # for the schema; rows come from the selectors
    serializer_class = s.CaseSerializer
    filterset_class = CaseFilter
    pagination_class = CasePagination
    parser_classes = [LimitedJSONParser]
    # Any path segment reaches the view, so a malformed id is our JSON 404, not Django's HTML one.
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ComplaintCase.objects.none()
        return selectors.case_list_for(actor=self.request.user)

    def retrieve(self, request: Request, pk: str) -> Response:
        return case_response(request, _case_id(pk))

    @extend_schema(
        summary="Register a complaint",
        description=(
            "Required: `channel`, `category`, `summary`, `complainant.name`, and `complainant.phone` or "
            "`complainant.id_number`. With an `Idempotency-Key`, the same key and payload return the same "
            "case (201 first, then 200 with the same body), also under concurrent retries; the same key "
            "with a different payload is a 409. A key is one case whichever way it is sent: the "
            "`idempotency_key` of a bulk import item answers that case here (200)."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="Up to 255 visible ASCII characters, unique per request you mean once.",
                pattern=KEY_RE.pattern,
            ),
        ],
        request=inputs.CaseCreateSerializer,
        responses={201: s.CaseSerializer, 200: s.CaseSerializer, **error_responses(*WRITE_ERRORS)},
        examples=[CREATE_EXAMPLE, CASE_EXAMPLE, VALIDATION_EXAMPLE, *COMMON_ERROR_EXAMPLES],
    )
    def create(self, request: Request) -> Response:
        data = json_object(request.data)
        services.case_require(actor=request.user, permission="complaints.create_case")

        def handler() -> Response:
            case = services.case_create(actor=request.user, **validated(inputs.CaseCreateSerializer, data))
            # Answered from the case in memory: case_create returns it as a read would.
            if not request.user.has_perm("complaints.view_case", case):
                raise NotFound(_("No such case."))
            return Response(s.CaseSerializer(case, context={"request": request}).data, status=status.HTTP_201_CREATED)

        def replay_body(body: dict) -> dict:
            # A key the bulk import used keeps the case's id and reference only: answer the case.
            return case_response(request, body["id"]).data if set(body) == STORED_ANSWER else body

        return run_idempotent(
            request=request, scope=IDEMPOTENCY_SCOPE, data=data, handler=handler, replay_body=replay_body
        )

    @extend_schema(
        parameters=[ID_PARAM],
        summary="Edit descriptive fields",
        description="`state` is read-only (naming it is a 400); send `version` to get a 409 on a stale write.",
        request=inputs.CaseUpdateSerializer,
        responses={200: s.CaseSerializer, **error_responses(*WRITE_ERRORS)},
        examples=[
            OpenApiExample(
                "修改摘要",
                request_only=True,
                value={"summary": "催收电话一天十几次，并骚扰同事", "version": 1},
            ),
            CASE_EXAMPLE,
            VALIDATION_EXAMPLE,
            STALE_EXAMPLE,
            *COMMON_ERROR_EXAMPLES,
        ],
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        case = _case_for(request, pk, permission="complaints.work_case")
        changes = dict(validated(inputs.CaseUpdateSerializer, json_object(request.data)))
        version = changes.pop("version", None)
        complainant = changes.pop("complainant", None)
        case = services.case_update(
            case_id=case.pk, actor=request.user, changes=changes, complainant=complainant, version=version
        )
        return case_response(request, case.pk)

    @extend_schema(
        summary="Fire a transition",
        description=(
            "Moves the case along 接诉 → 核实 → 沟通 → 处理 → 反馈 → 跟踪. An unknown name is a 404, a "
            "name not allowed from the current state a 409, a bad payload a 400, a transition the user "
            "may not run a 403. Optional `version` gives a 409 on a stale case."
        ),
        parameters=[
            ID_PARAM,
            OpenApiParameter(
                "name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(services.TRANSITIONS)
            ),
        ],
        request=inputs.TransitionInputSerializer,
        responses={200: s.CaseSerializer, **error_responses(*WRITE_ERRORS)},
        examples=[
            *TRANSITION_EXAMPLES,
            CASE_EXAMPLE,
            VALIDATION_EXAMPLE,
            TRANSITION_EXAMPLE,
            *COMMON_ERROR_EXAMPLES,
        ],
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[^/]+)")
    def transitions(self, request: Request, pk: str, name: str) -> Response:
        services.case_transition_spec(name)
        case = _case_for(request, pk)
        services.case_transition_refusal(case=case, name=name, actor=request.user)
        body = json_object(request.data)
        version = validated(inputs.VersionInput, {"version": body.pop("version")})["version"] if "version" in body else None
        payload = validated(inputs.TRANSITION_INPUTS[name], body)
        case = services.case_transition(
            case_id=case.pk, name=name, actor=request.user, payload=payload, version=version
        )
        return case_response(request, case.pk)

    @extend_schema(
        parameters=[ID_PARAM],
        summary="Reassign (supervisors)",
        request=inputs.AssigneeInput,
        responses={200: s.CaseSerializer, **error_responses(*WRITE_ERRORS)},
        examples=[
            OpenApiExample("指派", request_only=True, value={"assignee": 7}),
            CASE_EXAMPLE,
            *COMMON_ERROR_EXAMPLES,
        ],
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        case = _case_for(request, pk, permission="complaints.reassign_case")
        data = validated(inputs.AssigneeInput, json_object(request.data))
        case = services.case_reassign(case_id=case.pk, actor=request.user, assignee_id=data["assignee"])
        return case_response(request, case.pk)

    @extend_schema(
        parameters=[ID_PARAM],
        summary="Add a note",
        request=inputs.NoteInput,
        responses={201: s.NoteSerializer, **error_responses(*WRITE_ERRORS)},
        examples=[
            OpenApiExample(
                "内部备注", request_only=True, value={"body": "已调取通话录音，待核实 😊", "internal": True}
            ),
            *COMMON_ERROR_EXAMPLES,
        ],
    )
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str) -> Response:
        case = _case_for(request, pk, permission="complaints.add_note")
        note = services.case_note_add(
            case_id=case.pk, actor=request.user, **validated(inputs.NoteInput, json_object(request.data))
        )
        return Response(s.NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ID_PARAM],
        summary="Record a contact with the complainant",
        request=inputs.CommunicationInput,
        responses={201: s.CommunicationSerializer, **error_responses(*WRITE_ERRORS)},
        examples=[
            OpenApiExample(
                "外呼回访",
                request_only=True,
                value={
                    "channel": "phone",
                    "direction": "outbound",
                    "outcome": "reached",
                    "summary": "已向客户说明调整后的催收频次",
                },
            ),
            *COMMON_ERROR_EXAMPLES,
        ],
    )
    @action(detail=True, methods=["post"])
    def communications(self, request: Request, pk: str) -> Response:
        case = _case_for(request, pk, permission="complaints.add_communication")
        comm = services.case_communication_add(
            case_id=case.pk, actor=request.user, **validated(inputs.CommunicationInput, json_object(request.data))
        )
        return Response(s.CommunicationSerializer(comm).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ID_PARAM],
        summary="The case timeline, oldest first",
        responses={200: s.TimelineEntrySerializer(many=True), **error_responses(*READ_ERRORS)},
        examples=[*COMMON_ERROR_EXAMPLES],
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=TimelinePagination, filterset_class=None)
    def timeline(self, request: Request, pk: str) -> Response:
        events = selectors.case_timeline_for(actor=request.user, case_id=_case_id(pk))
        page = self.paginate_queryset(events)
        return self.get_paginated_response(s.TimelineEntrySerializer(page, many=True).data)

    @extend_schema(
        summary="Unmasked personal data (logged)",
        description=(
            "For supervisors of the case's team, auditors and admins; every access is logged with the reason. "
            "Limited per person (THROTTLE_PII_REVEAL_RATE, default 10 a minute: 429); more than 30 reveals "
            "by one person within an hour notify the auditors."
        ),
        parameters=[ID_PARAM],
        request=inputs.PiiRevealInput,
        responses={200: s.PiiSerializer, **error_responses(*READ_ERRORS, 403)},
        examples=[
            OpenApiExample(
                "明文个人信息",
                response_only=True,
                value={
                    "name": "张三",
                    "phone": "13800001234",
                    "id_number": "110101199003071233",
                    "email": "a@b.cn",
                    "account_reference": "LN-2024-88812",
                },
            ),
            *COMMON_ERROR_EXAMPLES,
        ],
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        filterset_class=None,
        throttle_classes=[*api_settings.DEFAULT_THROTTLE_CLASSES, PiiRevealThrottle],
    )
    def pii(self, request: Request, pk: str) -> Response:
        case = _case_for(request, pk, permission="complaints.view_pii")
        reason = validated(inputs.PiiRevealInput, json_object(request.data))["reason"]
        clear = services.case_pii_reveal(case_id=case.pk, actor=request.user, reason=reason)
        response = Response(s.PiiSerializer(clear).data)
        response["Cache-Control"] = "no-store"
        return response


def case_response(request: Request, case_id: int, *, code: int = status.HTTP_200_OK) -> Response:
    """The case as docs/api-guide.md returns it after any write, read back through the actor's selector."""
    case = selectors.case_detail_for(actor=request.user, case_id=case_id)
    return Response(s.CaseSerializer(case, context={"request": request}).data, status=code)


def _case_for(request: Request, pk: str, *, permission: str | None = None) -> ComplaintCase:
    """The case the path names, if the user may see it (404) and has `permission` on it (403)."""
    case = selectors.case_get_for(actor=request.user, case_id=_case_id(pk))
    if permission is not None:
        services.case_require(actor=request.user, permission=permission, case=case)
    return case


def _case_id(pk: str) -> int:
    """Path ids that are not a database integer are a 404 like any unknown case."""
    try:
        value = int(pk)
    except (TypeError, ValueError):
        value = 0
    if not 0 < value < 2**63:
        raise NotFound(_("No such case."))
    return value


@extend_schema_view(
    list=extend_schema(
        summary="Complaint categories",
        responses={200: s.CategorySerializer(many=True), **error_responses(401, 429)},
        examples=[
            OpenApiExample(
                "分类",
                response_only=True,
                value=[
                    {
                        "code": "collection_conduct",
                        "name": "催收方式不当",
                        "description": "催收频率、时间、方式不当",
                    }
                ],
            )
        ],
    ),
)
class CategoryViewSet(viewsets.ViewSet):
    def list(self, request: Request) -> Response:
        return Response(s.CategorySerializer(selectors.category_list_active(), many=True).data)
