"""SLA policy endpoints and the final-answer extension: permission, one service, serialize."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors, sla
from complaints.api.serializers import CaseSerializer
from complaints.api.sla_serializers import (
    ExtensionInputSerializer,
    SlaPolicyInputSerializer,
    SlaPolicyPatchSerializer,
    SlaPolicySerializer,
)
from complaints.choices import Severity


class SlaPolicyPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


def _body(request) -> dict:
    return request.data if isinstance(request.data, dict) else {}


class SlaPolicyListView(APIView):
    @extend_schema(
        operation_id="sla_policies_list",
        parameters=[
            OpenApiParameter("category", str, description="Category code"),
            OpenApiParameter("severity", str, enum=Severity.values),
        ],
        responses=SlaPolicySerializer(many=True),
    )
    def get(self, request):
        policies = sla.sla_policy_list_for(actor=request.user)
        category = request.query_params.get("category")
        if category:
            policies = policies.filter(category__code=category)
        severity = request.query_params.get("severity")
        if severity:
            policies = policies.filter(severity=severity)
        paginator = SlaPolicyPagination()
        page = paginator.paginate_queryset(policies, request, view=self)
        return paginator.get_paginated_response(SlaPolicySerializer(page, many=True).data)

    @extend_schema(
        operation_id="sla_policies_create",
        request=SlaPolicyInputSerializer,
        responses={201: SlaPolicySerializer},
    )
    def post(self, request):
        policy = sla.sla_policy_create(actor=request.user, data=_body(request))
        return Response(SlaPolicySerializer(policy).data, status=status.HTTP_201_CREATED)


class SlaPolicyDetailView(APIView):
    @extend_schema(operation_id="sla_policies_retrieve", responses=SlaPolicySerializer)
    def get(self, request, pk):
        return Response(SlaPolicySerializer(sla.sla_policy_get(actor=request.user, policy_id=pk)).data)

    @extend_schema(
        operation_id="sla_policies_partial_update",
        request=SlaPolicyPatchSerializer,
        responses=SlaPolicySerializer,
    )
    def patch(self, request, pk):
        policy = sla.sla_policy_update(actor=request.user, policy_id=pk, data=_body(request))
        return Response(SlaPolicySerializer(policy).data)


class CaseExtensionView(APIView):
    @extend_schema(
        operation_id="complaints_extension",
        request=ExtensionInputSerializer,
        responses=CaseSerializer,
        description=(
            "Extend the final-answer deadline: the first extension to 30 days after receipt, "
            "the second by a further 30 days (supervisor approval); a third → 409."
        ),
    )
    def post(self, request, pk):
        case = sla.case_extend(case_id=pk, actor=request.user, reason=_body(request).get("reason"))
        case = selectors.case_get_for(actor=request.user, case_id=case.pk)
        return Response(CaseSerializer(case, context={"request": request}).data)
