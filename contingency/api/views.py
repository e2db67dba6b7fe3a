"""Contingency REST API (docs/api-guide.md "Contingency"): permission, input serializer, one service or
selector, output serializer. Rules live in `contingency.services`/`selectors`/`rules`."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from common.api import error_responses, json_object
from common.exceptions import ActionNotPermitted, NotFound, ValidationFailed
from complaints.selectors import category_list_active
from contingency import selectors, services
from contingency.api import serializers as s
from contingency.choices import ActivationState, VersionStatus
from contingency.models import Activation, Drill, GroupMember, Playbook, TrainingRecord
from contingency.services.response import TRANSITIONS

READ = error_responses(401, 403, 429)
MIN_YEAR, MAX_YEAR = 1970, 9998
# Lists: 400 for a bad filter, 404 for a page past the end.
LIST_ERRORS = error_responses(400, 401, 403, 404, 429)
_PAGINATED: dict = {}


def paginated(serializer_class):
    """The schema of a page of `serializer_class` rows ({"count", "next", "previous", "results"})."""
    if serializer_class not in _PAGINATED:
        name = "Paginated" + serializer_class.__name__.removesuffix("Serializer") + "List"
        _PAGINATED[serializer_class] = type(name, (serializers.Serializer,), {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
            "__module__": __name__,
        })
    return _PAGINATED[serializer_class]


def category_codes() -> list[str]:
    return list(category_list_active().values_list("code", flat=True))
READ_ONE = error_responses(401, 403, 404, 429)
WRITE = error_responses(400, 401, 403, 404, 409, 413, 415, 429)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _valid(serializer_class, request, **kwargs):
    serializer = serializer_class(data=json_object(request.data), **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _choice_param(request, name: str, choices) -> str | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw not in choices:
        raise ValidationFailed.single(name, "invalid_choice", _("“%(value)s” is not a valid choice.") % {"value": raw[:60]})
    return raw


def _int_param(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 0 < value < 2**63:
        raise ValidationFailed.single(name, "invalid", _("Give a positive whole number."))
    return value


class _ListView(GenericAPIView):
    pagination_class = Pagination

    def paginated(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True, context={"request": self.request}).data)


# -- the group -----------------------------------------------------------------------------


class GroupMemberListView(_ListView):
    queryset = GroupMember.objects.none()
    serializer_class = s.GroupMemberSerializer

    @extend_schema(operation_id="emergency_group_members_list", summary="Emergency-group members, with on duty",
                   responses={200: paginated(s.GroupMemberSerializer), **LIST_ERRORS})
    def get(self, request):
        return self.paginated(selectors.group_member_list_for(actor=request.user), s.GroupMemberSerializer)


class RotaView(_ListView):
    queryset = GroupMember.objects.none()
    serializer_class = s.ShiftSerializer

    @extend_schema(
        operation_id="emergency_group_rota",
        summary="On-duty shifts overlapping [start, end)",
        parameters=[OpenApiParameter("start", OpenApiTypes.DATETIME), OpenApiParameter("end", OpenApiTypes.DATETIME)],
        responses={200: paginated(s.ShiftSerializer), **LIST_ERRORS},
    )
    def get(self, request):
        selectors.group_member_list_for(actor=request.user)  # permission
        bounds = {}
        for name in ("start", "end"):
            raw = request.query_params.get(name)
            try:
                value = parse_datetime(raw) if raw else None
                value = value.astimezone(UTC) if value is not None and value.tzinfo else None
            except (ValueError, OverflowError):
                value = None
            if value is None or not MIN_YEAR <= value.year <= MAX_YEAR:
                raise ValidationFailed.single(name, "invalid", _("Give an ISO 8601 date-time with offset."))
            bounds[name] = value
        return self.paginated(selectors.shifts_between(**bounds), s.ShiftSerializer)


# -- playbooks -----------------------------------------------------------------------------

PLAYBOOK_EXAMPLE = OpenApiExample(
    "隐私泄露应急方案",
    request_only=True,
    value={
        "name": "个人信息保护应急方案", "name_en": "Personal-information emergency playbook", "category": "privacy",
        "status": "active", "key_points": ["保密原则：对客户个人信息进行保密，不得泄露给无关人员。"],
        "trigger": {"min_severity": "critical", "risk_flags_any": ["media_exposure"],
                    "volume": {"count": 10, "window": "PT60M"}},
        "steps": [{"order": 1, "title": "排查个人信息泄露途径并补救", "instructions": "检查系统访问日志",
                   "department": "it", "due_within": "PT4H", "required": True}],
    },
)


class PlaybookListView(_ListView):
    queryset = Playbook.objects.none()
    serializer_class = s.PlaybookSerializer

    @extend_schema(operation_id="playbooks_list",
                   parameters=[OpenApiParameter("category", str), OpenApiParameter("status", str)],
                   responses={200: paginated(s.PlaybookSerializer), **LIST_ERRORS})
    def get(self, request):
        qs = selectors.playbook_list_for(
            actor=request.user, category=_choice_param(request, "category", category_codes()),
            status=_choice_param(request, "status", VersionStatus.values),
        )
        return self.paginated(qs, s.PlaybookSerializer)

    @extend_schema(operation_id="playbooks_create", request=s.PlaybookInputSerializer,
                   responses={201: s.PlaybookSerializer, **WRITE}, examples=[PLAYBOOK_EXAMPLE])
    def post(self, request):
        if not request.user.has_perm("contingency.write_playbooks"):
            raise ActionNotPermitted(_("Only the emergency lead may change playbooks."))
        playbook = services.playbook_create(actor=request.user, data=_valid(s.PlaybookInputSerializer, request))
        playbook = selectors.playbook_get_for(actor=request.user, playbook_id=playbook.pk)
        return Response(s.PlaybookSerializer(playbook).data, status=status.HTTP_201_CREATED)


class PlaybookDetailView(GenericAPIView):
    queryset = Playbook.objects.none()
    serializer_class = s.PlaybookSerializer

    @extend_schema(operation_id="playbooks_retrieve", responses={200: s.PlaybookSerializer, **READ_ONE})
    def get(self, request, pk):
        return Response(s.PlaybookSerializer(selectors.playbook_get_for(actor=request.user, playbook_id=pk)).data)

    @extend_schema(
        operation_id="playbooks_partial_update", request=s.PlaybookPatchSerializer,
        responses={200: s.PlaybookSerializer, **WRITE},
        description="Content (key points, trigger, steps) of an active playbook makes the next version, "
        "which becomes active while the old one retires; a draft is edited in place. "
        "`status`: `active` activates the newest draft, `retired` retires the active version.",
    )
    def patch(self, request, pk):
        selectors.playbook_get_for(actor=request.user, playbook_id=pk)
        if not request.user.has_perm("contingency.write_playbooks"):
            raise ActionNotPermitted(_("Only the emergency lead may change playbooks."))
        data = _valid(s.PlaybookPatchSerializer, request)
        playbook = services.playbook_update(actor=request.user, playbook_id=pk, data=data)
        return Response(s.PlaybookSerializer(playbook).data)


class PlaybookVersionListView(_ListView):
    queryset = Playbook.objects.none()
    serializer_class = s.VersionSerializer

    @extend_schema(operation_id="playbook_versions_list", responses={200: s.VersionSerializer(many=True), **READ_ONE})
    def get(self, request, pk):
        playbook = selectors.playbook_get_for(actor=request.user, playbook_id=pk)
        return Response(s.VersionSerializer(list(playbook.versions.all()), many=True).data)

    @extend_schema(
        operation_id="playbook_versions_propose", request=s.ProposeVersionSerializer,
        responses={201: s.VersionSerializer, **WRITE},
        description="Propose a new draft version: a copy of the current version; with `review`, that "
        "review's improvements are appended to the key points (one line each).",
    )
    def post(self, request, pk):
        selectors.playbook_get_for(actor=request.user, playbook_id=pk)
        if not request.user.has_perm("contingency.write_playbooks"):
            raise ActionNotPermitted(_("Only the emergency lead may change playbooks."))
        data = _valid(s.ProposeVersionSerializer, request)
        version = services.playbook_version_propose(actor=request.user, playbook_id=pk, review_id=data.get("review"))
        return Response(s.VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class PlaybookVersionDetailView(GenericAPIView):
    queryset = Playbook.objects.none()
    serializer_class = s.VersionSerializer

    @extend_schema(operation_id="playbook_versions_retrieve", responses={200: s.VersionSerializer, **READ_ONE})
    def get(self, request, pk, number):
        version = selectors.playbook_version_get_for(actor=request.user, playbook_id=pk, number=number)
        return Response(s.VersionSerializer(version).data)

    @extend_schema(operation_id="playbook_versions_partial_update", request=s.PlaybookContentSerializer,
                   responses={200: s.VersionSerializer, **WRITE}, description="Edit a draft (409 otherwise).")
    def patch(self, request, pk, number):
        selectors.playbook_version_get_for(actor=request.user, playbook_id=pk, number=number)
        if not request.user.has_perm("contingency.write_playbooks"):
            raise ActionNotPermitted(_("Only the emergency lead may change playbooks."))
        data = _valid(s.PlaybookContentSerializer, request)
        version = services.playbook_version_update(actor=request.user, playbook_id=pk, number=number, data=data)
        return Response(s.VersionSerializer(version).data)


class PlaybookVersionActivateView(GenericAPIView):
    queryset = Playbook.objects.none()
    serializer_class = s.VersionSerializer

    @extend_schema(operation_id="playbook_versions_activate", request=None,
                   responses={200: s.VersionSerializer, **WRITE},
                   description="Activate a draft; the active version retires. 409 for a non-draft.")
    def post(self, request, pk, number):
        version = services.playbook_version_activate(actor=request.user, playbook_id=pk, number=number)
        return Response(s.VersionSerializer(version).data)


# -- activations ---------------------------------------------------------------------------


class ActivationListView(_ListView):
    queryset = Activation.objects.none()
    serializer_class = s.ActivationSerializer

    @extend_schema(
        operation_id="activations_list",
        parameters=[
            OpenApiParameter("case", int, description="Only activations covering this case."),
            OpenApiParameter("playbook", int),
            OpenApiParameter("state", str, enum=ActivationState.values),
            OpenApiParameter("is_drill", bool),
        ],
        responses={200: paginated(s.ActivationSerializer), **LIST_ERRORS},
    )
    def get(self, request):
        is_drill = request.query_params.get("is_drill")
        qs = selectors.activation_list_for(
            actor=request.user, case_id=_int_param(request, "case"), playbook_id=_int_param(request, "playbook"),
            state=_choice_param(request, "state", ActivationState.values),
            is_drill=None if is_drill in (None, "") else is_drill.lower() in ("true", "1"),
        )
        return self.paginated(qs, s.ActivationSerializer)

    @extend_schema(
        operation_id="activations_create", request=s.ActivationCreateSerializer,
        responses={201: s.ActivationSerializer, 200: s.ActivationSerializer, **WRITE},
        description="Activate a playbook by hand (lead, admin). If the playbook already has an open "
        "activation, the cases join it and the answer is 200 with that activation.",
        examples=[OpenApiExample("人工启动", request_only=True,
                                 value={"playbook": 1, "cases": [123, 124], "note": "媒体已报道，立即启动"})],
    )
    def post(self, request):
        if not request.user.has_perm("contingency.activate"):
            raise ActionNotPermitted(_("Only the emergency lead may activate a playbook."))
        data = _valid(s.ActivationCreateSerializer, request)
        activation, created = services.activation_create_manual(
            actor=request.user, playbook_id=data["playbook"].pk, case_ids=data["cases"], note=data["note"]
        )
        activation = selectors.activation_get_for(actor=request.user, activation_id=activation.pk)
        return Response(s.ActivationSerializer(activation).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ActivationDetailView(GenericAPIView):
    queryset = Activation.objects.none()
    serializer_class = s.ActivationSerializer

    @extend_schema(operation_id="activations_retrieve", responses={200: s.ActivationSerializer, **READ_ONE})
    def get(self, request, pk):
        return Response(s.ActivationSerializer(selectors.activation_get_for(actor=request.user, activation_id=pk)).data)


TRANSITION_INPUT = {"acknowledge": s.EmptyInputSerializer, "resolve": s.ResolveInputSerializer,
                    "submit_review": s.ReviewInputSerializer}


class ActivationTransitionView(GenericAPIView):
    queryset = Activation.objects.none()
    serializer_class = s.ActivationSerializer

    @extend_schema(
        operation_id="activations_transition",
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(TRANSITIONS))],
        request=s.ReviewInputSerializer,
        responses={200: s.ActivationSerializer, **WRITE},
        description="`acknowledge` (activated → responding), `resolve` (responding → resolved; 409 while "
        "required tasks are open unless `override_reason`), `submit_review` (resolved → reviewed; "
        "summary, root_cause, what_worked, improvements; `propose_version: true` also drafts the "
        "improvements as a new playbook version).",
    )
    def post(self, request, pk, name):
        if name not in TRANSITIONS:
            raise NotFound(_("Unknown transition “%(name)s”.") % {"name": name})
        selectors.activation_get_for(actor=request.user, activation_id=pk)
        if not request.user.has_perm("contingency.activate"):
            raise ActionNotPermitted(_("Only the emergency lead may move the activation on."))
        payload = dict(_valid(TRANSITION_INPUT[name], request))
        activation = services.activation_transition(activation_id=pk, name=name, actor=request.user, payload=payload)
        return Response(s.ActivationSerializer(activation).data)


class TaskCompleteView(GenericAPIView):
    queryset = Activation.objects.none()
    serializer_class = s.TaskSerializer

    @extend_schema(operation_id="activations_task_complete", request=s.TaskCompleteSerializer,
                   responses={200: s.TaskSerializer, **WRITE},
                   description="Mark a task done (lead, member, admin); 409 if done already or the activation is closed.")
    def post(self, request, pk, task_id):
        selectors.activation_get_for(actor=request.user, activation_id=pk)
        if not request.user.has_perm("contingency.complete_tasks"):
            raise ActionNotPermitted(_("Your role may not complete emergency tasks."))
        data = _valid(s.TaskCompleteSerializer, request)
        task = services.activation_task_complete(activation_id=pk, task_id=task_id, actor=request.user,
                                                 notes=data["notes"])
        return Response(s.TaskSerializer(task).data)


class TimelineView(GenericAPIView):
    queryset = Activation.objects.none()
    serializer_class = s.TimelineItemSerializer

    @extend_schema(operation_id="activations_timeline", responses={200: s.TimelineItemSerializer(many=True), **READ_ONE},
                   description="The shared timeline: the activation's events and its cases' timeline, oldest first.")
    def get(self, request, pk):
        items = selectors.activation_events_for(actor=request.user, activation_id=pk)
        return Response(s.TimelineItemSerializer(items, many=True).data)


class CommentView(GenericAPIView):
    queryset = Activation.objects.none()
    serializer_class = s.CommentInputSerializer

    @extend_schema(operation_id="activations_comment", request=s.CommentInputSerializer,
                   responses={201: s.TimelineItemSerializer, **WRITE})
    def post(self, request, pk):
        selectors.activation_get_for(actor=request.user, activation_id=pk)
        if not request.user.has_perm("contingency.complete_tasks"):
            raise ActionNotPermitted(_("Your role may not write on the activation timeline."))
        data = _valid(s.CommentInputSerializer, request)
        event = services.activation_comment_add(activation_id=pk, actor=request.user, body=data["body"])
        item = {"id": f"a{event.pk}", "source": "activation", "kind": event.kind, "at": event.at, "actor": event.actor,
                "department": event.department, "summary": event.summary, "body": event.body, "case": None,
                "data": event.data}
        return Response(s.TimelineItemSerializer(item).data, status=status.HTTP_201_CREATED)


# -- drills and training -----------------------------------------------------------------------


class DrillListView(_ListView):
    queryset = Drill.objects.none()
    serializer_class = s.DrillSerializer

    @extend_schema(operation_id="drills_list", parameters=[OpenApiParameter("playbook", int)],
                   responses={200: paginated(s.DrillSerializer), **LIST_ERRORS})
    def get(self, request):
        qs = selectors.drill_list_for(actor=request.user, playbook_id=_int_param(request, "playbook"))
        return self.paginated(qs, s.DrillSerializer)

    @extend_schema(operation_id="drills_create", request=s.DrillInputSerializer,
                   responses={201: s.DrillSerializer, **WRITE},
                   description="Schedule a drill; without `scheduled_for` (or in the past) it starts at once.",
                   examples=[OpenApiExample("季度演练", request_only=True,
                                            value={"playbook": 1, "scheduled_for": "2026-12-15T10:00:00+08:00"})])
    def post(self, request):
        if not request.user.has_perm("contingency.drills"):
            raise ActionNotPermitted(_("Only the emergency lead manages drills."))
        data = _valid(s.DrillInputSerializer, request)
        repeat = data.get("repeat_every")
        drill = services.drill_schedule(actor=request.user, playbook=data["playbook"],
                                        scheduled_for=data.get("scheduled_for"),
                                        repeat_every=timedelta(seconds=repeat) if repeat else None)
        return Response(s.DrillSerializer(drill).data, status=status.HTTP_201_CREATED)


class DrillStartView(GenericAPIView):
    queryset = Drill.objects.none()
    serializer_class = s.DrillSerializer

    @extend_schema(operation_id="drills_start", request=None, responses={200: s.DrillSerializer, **WRITE})
    def post(self, request, pk):
        return Response(s.DrillSerializer(services.drill_start(actor=request.user, drill_id=pk)).data)


class TrainingRecordListView(_ListView):
    queryset = TrainingRecord.objects.none()
    serializer_class = s.TrainingRecordSerializer

    @extend_schema(operation_id="training_records_list",
                   parameters=[OpenApiParameter("user", int), OpenApiParameter("playbook", int)],
                   responses={200: paginated(s.TrainingRecordSerializer), **LIST_ERRORS})
    def get(self, request):
        qs = selectors.training_list_for(actor=request.user, user_id=_int_param(request, "user"),
                                         playbook_id=_int_param(request, "playbook"))
        return self.paginated(qs, s.TrainingRecordSerializer)

    @extend_schema(operation_id="training_records_create", request=s.TrainingInputSerializer,
                   responses={201: s.TrainingRecordSerializer, **WRITE})
    def post(self, request):
        if not request.user.has_perm("contingency.write_training"):
            raise ActionNotPermitted(_("Only the emergency lead records training."))
        data = _valid(s.TrainingInputSerializer, request)
        record = services.training_record_create(actor=request.user, user=data["user"],
                                                 playbook_version=data["version"], trained_at=data["trained_at"],
                                                 notes=data["notes"])
        return Response(s.TrainingRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class TrainingGapsView(GenericAPIView):
    queryset = TrainingRecord.objects.none()

    @extend_schema(operation_id="training_records_gaps", responses={200: s.TrainingGapSerializer(many=True), **READ},
                   description="Per active playbook version, the group members not trained on it.")
    def get(self, request):
        selectors.group_member_list_for(actor=request.user)
        return Response([
            {"playbook": v.playbook_id, "playbook_version": v.number,
             "untrained": [s.PersonSerializer(m.user).data for m in members]}
            for v, members in selectors.members_untrained()
        ])
