"""Shapes of the contingency API (docs/api-guide.md "Contingency"): input serializers validate, output ones render.

Input serializers name every bad field (`steps.2.due_within`, `trigger.volume.count`) through
the project's one error shape; durations are ISO 8601 on the wire and seconds in the versions.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.choices import RiskFlag, Severity
from complaints.selectors import case_ids_existing
from contingency.api.fields import (
    CategoryCodeField,
    IsoDurationField,
    NestedStrict,
    StrictSerializer,
    format_iso_duration,
)
from contingency.choices import ActivationState, ActivationTrigger, Department, MemberRole, VersionStatus
from contingency.models import Playbook, PlaybookVersion

User = get_user_model()

TEXT_MAX = 10000


# -- playbooks -------------------------------------------------------------------------------


class VolumeSerializer(NestedStrict):
    count = serializers.IntegerField(min_value=1, max_value=100000)
    window = IsoDurationField(help_text=_("ISO 8601 duration, e.g. PT60M."))


class TriggerSerializer(NestedStrict):
    min_severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    risk_flags_any = serializers.ListField(
        child=serializers.ChoiceField(choices=RiskFlag.choices), required=False, max_length=len(RiskFlag.values)
    )
    volume = VolumeSerializer(required=False)


class StepSerializer(NestedStrict):
    order = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    title = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    instructions = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    instructions_en = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    department = serializers.ChoiceField(choices=Department.choices)
    due_within = IsoDurationField(help_text=_("Time limit from activation, ISO 8601 duration, e.g. PT4H."))
    required = serializers.BooleanField(required=False, default=True)


class PlaybookContentSerializer(StrictSerializer):
    key_points = serializers.ListField(
        child=serializers.CharField(max_length=2000), max_length=100, required=False
    )
    key_points_en = serializers.ListField(
        child=serializers.CharField(max_length=2000), max_length=100, required=False
    )
    trigger = TriggerSerializer(required=False)
    steps = StepSerializer(many=True, required=False, max_length=100)

    def validate_trigger(self, trigger):
        if not trigger.get("min_severity") and not trigger.get("risk_flags_any") and not trigger.get("volume"):
            raise serializers.ValidationError(_("Give a minimum severity, risk flags or a volume."), code="required")
        if "risk_flags_any" in trigger:
            trigger["risk_flags_any"] = sorted(set(trigger["risk_flags_any"]))
        return trigger

    def validate_steps(self, steps):
        if not steps:
            raise serializers.ValidationError(_("Give at least one step."), code="required")
        ordered = sorted(enumerate(steps), key=lambda pair: (pair[1].get("order") or pair[0] + 1, pair[0]))
        return [{**step, "order": position} for position, (_i, step) in enumerate(ordered, start=1)]


class PlaybookInputSerializer(PlaybookContentSerializer):
    """POST /playbooks/: name, category, trigger and steps are required."""

    name = serializers.CharField(max_length=200, help_text=_("The name (Chinese, as users see it)."))
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    category = CategoryCodeField(allow_null=True, help_text=_("A category code; null for every category."))
    status = serializers.ChoiceField(choices=VersionStatus.choices, required=False,
                                     help_text=_("draft (default) or active."))
    trigger = TriggerSerializer()
    steps = StepSerializer(many=True, max_length=100)


class PlaybookPatchSerializer(PlaybookContentSerializer):
    name = serializers.CharField(max_length=200, required=False)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category = CategoryCodeField(allow_null=True, required=False)
    status = serializers.ChoiceField(choices=VersionStatus.choices, required=False)


class ProposeVersionSerializer(StrictSerializer):
    review = serializers.IntegerField(
        required=False, min_value=1, help_text=_("A review whose improvements go into the draft's key points.")
    )


class StepOutSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    title = serializers.CharField()
    title_en = serializers.CharField(allow_blank=True, required=False)
    instructions = serializers.CharField(allow_blank=True, required=False)
    instructions_en = serializers.CharField(allow_blank=True, required=False)
    department = serializers.ChoiceField(choices=Department.choices)
    due_within = IsoDurationField()
    required = serializers.BooleanField(required=False)


class VolumeOutSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    window = serializers.CharField(help_text=_("ISO 8601 duration."))


class TriggerOutSerializer(serializers.Serializer):
    """Only the conditions that are set appear."""

    min_severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    risk_flags_any = serializers.ListField(child=serializers.ChoiceField(choices=RiskFlag.choices), required=False)
    volume = VolumeOutSerializer(required=False)

    def to_representation(self, trigger):
        out = {}
        if trigger.get("min_severity"):
            out["min_severity"] = trigger["min_severity"]
        if trigger.get("risk_flags_any"):
            out["risk_flags_any"] = list(trigger["risk_flags_any"])
        if trigger.get("volume"):
            out["volume"] = {
                "count": trigger["volume"]["count"], "window": format_iso_duration(trigger["volume"]["window"]),
            }
        return out


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=VersionStatus.choices)
    key_points = serializers.ListField(child=serializers.CharField())
    key_points_en = serializers.ListField(child=serializers.CharField())
    trigger = TriggerOutSerializer()
    steps = StepOutSerializer(many=True)
    based_on = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    activated_at = serializers.DateTimeField(allow_null=True)
    retired_at = serializers.DateTimeField(allow_null=True)

    def get_based_on(self, version) -> int | None:
        return version.based_on.number if version.based_on_id else None


class VersionRefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=VersionStatus.choices)
    activated_at = serializers.DateTimeField(allow_null=True)
    retired_at = serializers.DateTimeField(allow_null=True)


class PlaybookSerializer(serializers.Serializer):
    """A playbook shown with its current version (the active one, else the newest)."""

    id = serializers.IntegerField()
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    category = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    key_points = serializers.SerializerMethodField()
    key_points_en = serializers.SerializerMethodField()
    trigger = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    versions = VersionRefSerializer(many=True, source="versions.all")

    def _current(self, playbook) -> PlaybookVersion | None:
        from contingency.selectors import playbook_current_version

        cache = self.context.setdefault("_current", {})
        if playbook.pk not in cache:
            cache[playbook.pk] = playbook_current_version(playbook)
        return cache[playbook.pk]

    def get_category(self, playbook) -> str | None:
        return playbook.category.code if playbook.category_id else None

    def get_version(self, playbook) -> int | None:
        current = self._current(playbook)
        return current.number if current else None

    @extend_schema_field(serializers.ChoiceField(choices=VersionStatus.choices))
    def get_status(self, playbook) -> str | None:
        current = self._current(playbook)
        return current.status if current else None

    def get_key_points(self, playbook) -> list[str]:
        current = self._current(playbook)
        return list(current.key_points) if current else []

    def get_key_points_en(self, playbook) -> list[str]:
        current = self._current(playbook)
        return list(current.key_points_en) if current else []

    @extend_schema_field(TriggerOutSerializer)
    def get_trigger(self, playbook) -> dict:
        current = self._current(playbook)
        return TriggerOutSerializer().to_representation(current.trigger or {}) if current else {}

    @extend_schema_field(StepOutSerializer(many=True))
    def get_steps(self, playbook) -> list:
        current = self._current(playbook)
        return StepOutSerializer(current.steps, many=True).data if current else []


# -- the group -------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")


class GroupMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = PersonSerializer()
    role = serializers.ChoiceField(choices=MemberRole.choices)
    department = serializers.ChoiceField(choices=Department.choices)
    on_duty = serializers.BooleanField()


class ShiftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id")
    user = PersonSerializer(source="member.user")
    department = serializers.CharField(source="member.department")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


# -- activations -----------------------------------------------------------------------------


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    title = serializers.CharField()
    title_en = serializers.CharField(allow_blank=True)
    instructions = serializers.CharField(allow_blank=True)
    department = serializers.ChoiceField(choices=Department.choices)
    required = serializers.BooleanField()
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True)
    due_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.IntegerField(source="done_by_id", allow_null=True)
    notes = serializers.CharField(allow_blank=True)
    is_overdue = serializers.BooleanField()


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    summary = serializers.CharField()
    root_cause = serializers.CharField()
    what_worked = serializers.CharField()
    improvements = serializers.CharField()
    submitted_by = serializers.IntegerField(source="submitted_by_id", allow_null=True)
    submitted_at = serializers.DateTimeField()
    proposed_version = serializers.SerializerMethodField()

    def get_proposed_version(self, review) -> int | None:
        return review.proposed_version.number if review.proposed_version_id else None


class ActivationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    playbook = serializers.IntegerField(source="playbook_id")
    playbook_name = serializers.CharField(source="playbook.name")
    playbook_version = serializers.IntegerField(source="playbook_version.number")
    category = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=ActivationState.choices)
    is_drill = serializers.BooleanField()
    trigger = serializers.ChoiceField(choices=ActivationTrigger.choices)
    cases = serializers.SerializerMethodField()
    lead = serializers.IntegerField(source="lead_id", allow_null=True)
    note = serializers.CharField(allow_blank=True)
    tasks = TaskSerializer(many=True, source="tasks.all")
    activated_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    override_reason = serializers.CharField(allow_blank=True)
    review = serializers.SerializerMethodField()
    drill = serializers.SerializerMethodField()

    def get_category(self, activation) -> str | None:
        return activation.category.code if activation.category_id else None

    def get_cases(self, activation) -> list[int]:
        return [link.case_id for link in activation.case_links.all()]

    @extend_schema_field(ReviewSerializer(allow_null=True))
    def get_review(self, activation):
        review = getattr(activation, "review", None) if hasattr(activation, "review") else None
        return ReviewSerializer(review).data if review else None

    def get_drill(self, activation) -> int | None:
        drill = getattr(activation, "drill", None) if hasattr(activation, "drill") else None
        return drill.pk if drill else None


class ActivationCreateSerializer(StrictSerializer):
    playbook = serializers.PrimaryKeyRelatedField(queryset=Playbook.objects.all())
    cases = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=1000,
                                  default=list)
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")

    def validate_cases(self, ids):
        ids = list(dict.fromkeys(ids))
        found = case_ids_existing(case_ids=ids)
        missing = {index: [serializers.ErrorDetail(_("No such case."), code="does_not_exist")]
                   for index, pk in enumerate(ids) if pk not in found}
        if missing:
            raise serializers.ValidationError(missing)
        return ids


class ResolveInputSerializer(StrictSerializer):
    override_reason = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class ReviewInputSerializer(StrictSerializer):
    summary = serializers.CharField(max_length=TEXT_MAX)
    root_cause = serializers.CharField(max_length=TEXT_MAX)
    what_worked = serializers.CharField(max_length=TEXT_MAX)
    improvements = serializers.CharField(max_length=TEXT_MAX)
    propose_version = serializers.BooleanField(
        required=False, default=False, help_text=_("Also make the improvements a draft version of the playbook.")
    )


class EmptyInputSerializer(StrictSerializer):
    pass


class TaskCompleteSerializer(StrictSerializer):
    notes = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class CommentInputSerializer(StrictSerializer):
    body = serializers.CharField(max_length=TEXT_MAX)


class TimelineItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    source = serializers.ChoiceField(choices=["activation", "case"])
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    actor = PersonSerializer(allow_null=True)
    department = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    body = serializers.CharField(allow_blank=True)
    case = serializers.DictField(allow_null=True)
    data = serializers.DictField()


# -- drills and training -----------------------------------------------------------------------


class DrillSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    playbook = serializers.IntegerField(source="playbook_id")
    scheduled_for = serializers.DateTimeField()
    repeat_every = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField(allow_null=True)
    activation = serializers.IntegerField(source="activation_id", allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    time_to_acknowledge = serializers.SerializerMethodField()
    tasks_on_time_ratio = serializers.FloatField(allow_null=True)
    results = serializers.SerializerMethodField()

    def get_repeat_every(self, drill) -> str | None:
        return format_iso_duration(drill.repeat_every.total_seconds()) if drill.repeat_every else None

    def get_time_to_acknowledge(self, drill) -> str | None:
        tta = drill.time_to_acknowledge
        return format_iso_duration(tta.total_seconds()) if tta is not None else None

    # Null until the drill's activation is resolved.
    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_results(self, drill) -> dict | None:
        if drill.completed_at is None:
            return None
        tta = drill.time_to_acknowledge
        return {
            "time_to_acknowledge": format_iso_duration(tta.total_seconds()) if tta is not None else None,
            "tasks_on_time_ratio": drill.tasks_on_time_ratio,
        }


def _sane_year(value):
    if value is not None and not 1970 <= value.year <= 9998:
        raise serializers.ValidationError(_("Give a date-time between 1970 and 9998."), code="invalid")
    return value


class DrillInputSerializer(StrictSerializer):
    playbook = serializers.PrimaryKeyRelatedField(queryset=Playbook.objects.all())
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True,
                                              help_text=_("When the drill starts; omitted or past: now."))
    repeat_every = IsoDurationField(required=False, allow_null=True,
                                    help_text=_("Recurring: the next drill this long after each start, e.g. P90D."))

    def validate_scheduled_for(self, value):
        return _sane_year(value)


class TrainingRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = PersonSerializer()
    playbook = serializers.IntegerField(source="playbook_version.playbook_id")
    playbook_version = serializers.IntegerField(source="playbook_version.number")
    trained_at = serializers.DateTimeField()
    notes = serializers.CharField(allow_blank=True)


class TrainingInputSerializer(StrictSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    playbook = serializers.PrimaryKeyRelatedField(queryset=Playbook.objects.all())
    playbook_version = serializers.IntegerField(min_value=1, required=False,
                                                help_text=_("Version number; default the active one."))
    trained_at = serializers.DateTimeField()
    notes = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")

    def validate_trained_at(self, value):
        return _sane_year(value)

    def validate(self, attrs):
        versions = PlaybookVersion.objects.filter(playbook=attrs["playbook"])
        number = attrs.get("playbook_version")
        version = (versions.filter(number=number) if number else versions.filter(status=VersionStatus.ACTIVE)).first()
        if version is None:
            raise serializers.ValidationError(
                {"playbook_version": serializers.ErrorDetail(_("No such version of the playbook."), code="does_not_exist")}
            )
        attrs["version"] = version
        return attrs


class TrainingGapSerializer(serializers.Serializer):
    playbook = serializers.IntegerField()
    playbook_version = serializers.IntegerField()
    untrained = PersonSerializer(many=True)
