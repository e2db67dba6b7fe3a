"""SLA policy endpoints, the final-answer extension and the pause: validate, one service, serialize."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import error_responses, json_object
from complaints import selectors, services
from complaints.api.serializers import CaseSerializer
from complaints.api.sla_serializers import (
    ExtensionInputSerializer,
    PauseInputSerializer,
    SlaPolicyInputSerializer,
    SlaPolicyPatchSerializer,
    SlaPolicySerializer,
)
from complaints.api.views import case_response
from complaints.choices import Severity
from complaints.models import SlaPolicy
from complaints.services import policies


class SlaPolicyPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


# 409 here means the deadline rules, not a stale write.
SLA_CONFLICT = "No open final answer to extend, already extended twice, or nothing to pause or resume."


def _valid(serializer) -> dict:
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class SlaPolicyListView(GenericAPIView):
    queryset = SlaPolicy.objects.none()  # for the schema; rows come from the service
    serializer_class = SlaPolicySerializer
    pagination_class = SlaPolicyPagination

    @extend_schema(
        operation_id="sla_policies_list",
        parameters=[
            OpenApiParameter("category", str, description="Category code"),
            OpenApiParameter("severity", str, enum=Severity.values),
        ],
        responses={200: SlaPolicySerializer(many=True), **error_responses(401, 403, 429)},
    )
    def get(self, request):
        policies = selectors.sla_policy_list_for(actor=request.user)
        category = request.query_params.get("category")
        if category:
            policies = policies.filter(category__code=category)
        severity = request.query_params.get("severity")
        if severity:
            policies = policies.filter(severity=severity)
        page = self.paginate_queryset(policies)
        return self.get_paginated_response(SlaPolicySerializer(page, many=True).data)

    @extend_schema(
        operation_id="sla_policies_create",
        request=SlaPolicyInputSerializer,
        responses={201: SlaPolicySerializer, **error_responses(400, 401, 403, 429)},
        examples=[
            OpenApiExample(
                "重大紧急案件时限",
                request_only=True,
                value={"category": "privacy", "severity": "critical", "acknowledge_within": "PT2H",
                       "verify_within": "P1D", "final_answer_within": "P5D", "follow_up_within": "P3D",
                       "calendar": "calendar", "warn_ratio": 0.5},
            )
        ],
    )
    def post(self, request):
        policies.sla_policy_require_writer(request.user)
        data = _valid(SlaPolicyInputSerializer(data=json_object(request.data)))
        policy = services.sla_policy_create(actor=request.user, **data)
        return Response(SlaPolicySerializer(policy).data, status=status.HTTP_201_CREATED)


class SlaPolicyDetailView(APIView):
    @extend_schema(
        operation_id="sla_policies_retrieve", responses={200: SlaPolicySerializer, **error_responses(401, 403, 404, 429)}
    )
    def get(self, request, pk):
        return Response(SlaPolicySerializer(selectors.sla_policy_get(actor=request.user, policy_id=pk)).data)

    @extend_schema(
        operation_id="sla_policies_partial_update",
        request=SlaPolicyPatchSerializer,
        responses={200: SlaPolicySerializer, **error_responses(400, 401, 403, 404, 429)},
    )
    def patch(self, request, pk):
        selectors.sla_policy_get(actor=request.user, policy_id=pk)
        policies.sla_policy_require_writer(request.user)
        data = _valid(SlaPolicyPatchSerializer(data=json_object(request.data), partial=True))
        policy = services.sla_policy_update(actor=request.user, policy_id=pk, **data)
        return Response(SlaPolicySerializer(policy).data)


class CaseExtensionView(APIView):
    @extend_schema(
        operation_id="complaints_extension",
        request=ExtensionInputSerializer,
        responses={200: CaseSerializer, **error_responses(400, 401, 403, 404, 409, 429, e409=SLA_CONFLICT)},
        examples=[OpenApiExample("延期", request_only=True, value={"reason": "需调取催收录音并协调法律部，情况复杂"})],
        description=(
            "Extend the final-answer deadline: the first extension to 30 days after receipt, "
            "the second by a further 30 days (supervisor approval); a third → 409."
        ),
    )
    def post(self, request, pk):
        selectors.case_get_for(actor=request.user, case_id=pk)  # 404 before a 400 on the body
        data = _valid(ExtensionInputSerializer(data=json_object(request.data)))
        case = services.case_extend(case_id=pk, actor=request.user, reason=data["reason"])
        return case_response(request, case.pk)


class CasePauseView(APIView):
    @extend_schema(
        operation_id="complaints_pause",
        request=PauseInputSerializer,
        responses={200: CaseSerializer, **error_responses(400, 401, 403, 404, 409, 429, e409=SLA_CONFLICT)},
        description=(
            "Stop the verify and final-answer clocks (those not yet due) while waiting for the "
            "customer. The paused time does not count: resuming moves the due times later by it. "
            "Any transition, an inbound contact from the complainant or an extension resumes them."
        ),
        examples=[OpenApiExample("等待补充材料", request_only=True, value={"reason": "等待客户提供还款凭证"})],
    )
    def post(self, request, pk):
        case = selectors.case_get_for(actor=request.user, case_id=pk)
        services.case_require(actor=request.user, permission="complaints.work_case", case=case)
        data = _valid(PauseInputSerializer(data=json_object(request.data)))
        case = services.case_pause(case_id=pk, actor=request.user, reason=data["reason"])
        return case_response(request, case.pk)


class CaseResumeView(APIView):
    @extend_schema(
        operation_id="complaints_resume",
        request=None,
        responses={200: CaseSerializer, **error_responses(401, 403, 404, 409, 429, e409=SLA_CONFLICT)},
        description="Restart the clocks stopped by pause; 409 when none is paused.",
    )
    def post(self, request, pk):
        case = services.case_resume(case_id=pk, actor=request.user)
        return case_response(request, case.pk)
