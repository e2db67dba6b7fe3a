"""Every read of the contingency app, scoped to the actor. Query shapes are decided here."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ActionNotPermitted, NotFound
from contingency.choices import OPEN_ACTIVATION_STATES, MemberRole, VersionStatus
from contingency.models import (
    Activation,
    ActivationCase,
    ActivationEvent,
    ActivationTask,
    Drill,
    DutyShift,
    GroupMember,
    Playbook,
    PlaybookVersion,
    TrainingRecord,
)


def _require(actor, perm: str, message: str) -> None:
    if not actor.has_perm(perm):
        raise ActionNotPermitted(message)


def _int_id(value, message: str) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    if not 0 < value < 2**63:
        raise NotFound(message)
    return value


# -- the emergency group -------------------------------------------------------------------


def _on_duty_q(at: datetime) -> Q:
    return Q(starts_at__lte=at, ends_at__gt=at)


def group_member_list(*, at: datetime | None = None) -> QuerySet[GroupMember]:
    """Active members with `on_duty` (a shift covering `at`, default now) annotated."""
    at = at or timezone.now()
    on_duty = DutyShift.objects.filter(_on_duty_q(at), member=OuterRef("pk"))
    return (
        GroupMember.objects.filter(is_active=True, user__is_active=True)
        .select_related("user")
        .annotate(on_duty=Exists(on_duty))
        .order_by("role", "department", "id")
    )


def group_member_list_for(*, actor, at: datetime | None = None) -> QuerySet[GroupMember]:
    _require(actor, "contingency.read_group", _("Your role may not see the emergency group."))
    return group_member_list(at=at)


def members_on_duty(*, at: datetime | None = None) -> QuerySet[GroupMember]:
    """The members on duty now (or at `at`)."""
    return group_member_list(at=at).filter(on_duty=True)


def shifts_between(*, start: datetime, end: datetime) -> QuerySet[DutyShift]:
    """The rota: shifts overlapping [start, end), earliest first."""
    return (
        DutyShift.objects.filter(starts_at__lt=end, ends_at__gt=start, member__is_active=True)
        .select_related("member__user")
        .order_by("starts_at", "id")
    )


def group_member_of(user) -> GroupMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return GroupMember.objects.filter(user=user, is_active=True).first()


def lead_for_new_activation(*, at: datetime | None = None) -> int | None:
    """The lead an activation gets: the lead (then a deputy) on duty, else any active lead."""
    for role in (MemberRole.LEAD, MemberRole.DEPUTY):
        member = members_on_duty(at=at).filter(role=role).first()
        if member is not None:
            return member.user_id
    member = group_member_list(at=at).filter(role=MemberRole.LEAD).first()
    return member.user_id if member else None


# -- playbooks -----------------------------------------------------------------------------


def _playbook_queryset() -> QuerySet[Playbook]:
    return Playbook.objects.select_related("category").prefetch_related(
        Prefetch("versions", queryset=PlaybookVersion.objects.select_related("based_on").order_by("number"))
    )


def playbook_list_for(*, actor, category: str | None = None, status: str | None = None) -> QuerySet[Playbook]:
    _require(actor, "contingency.read_playbooks", _("Your role may not read playbooks."))
    qs = _playbook_queryset().order_by("category__sort_order", "id")
    if category:
        qs = qs.filter(category__code=category)
    if status:
        qs = qs.filter(versions__status=status).distinct()
    return qs


def playbook_get_for(*, actor, playbook_id) -> Playbook:
    _require(actor, "contingency.read_playbooks", _("Your role may not read playbooks."))
    pk = _int_id(playbook_id, _("No such playbook."))
    playbook = _playbook_queryset().filter(pk=pk).first()
    if playbook is None:
        raise NotFound(_("No such playbook."))
    return playbook


def playbook_current_version(playbook: Playbook) -> PlaybookVersion | None:
    """The version a playbook shows: the active one, else the newest (uses the prefetch)."""
    versions = list(playbook.versions.all())
    active = [v for v in versions if v.status == VersionStatus.ACTIVE]
    if active:
        return active[0]
    return versions[-1] if versions else None


def playbook_version_get_for(*, actor, playbook_id, number) -> PlaybookVersion:
    playbook = playbook_get_for(actor=actor, playbook_id=playbook_id)
    number = _int_id(number, _("No such playbook version."))
    version = next((v for v in playbook.versions.all() if v.number == number), None)
    if version is None:
        raise NotFound(_("No such playbook version."))
    return version


# -- activations ---------------------------------------------------------------------------


def _activation_queryset() -> QuerySet[Activation]:
    return Activation.objects.select_related(
        "playbook", "playbook_version", "category", "lead", "review__proposed_version", "drill"
    ).prefetch_related(
        Prefetch("case_links", queryset=ActivationCase.objects.order_by("id")),
        Prefetch("tasks", queryset=ActivationTask.objects.select_related("assignee").order_by("order", "id")),
    )


def activation_list_for(
    *, actor, case_id=None, playbook_id=None, state: str | None = None, is_drill: bool | None = None
) -> QuerySet[Activation]:
    """Activations the actor may read, newest first; `case_id` gives those covering a case."""
    _require(actor, "contingency.read_activations", _("Your role may not read activations."))
    qs = _activation_queryset().order_by("-activated_at", "-id")
    if case_id is not None:
        qs = qs.filter(case_links__case_id=case_id)
    if playbook_id is not None:
        qs = qs.filter(playbook_id=playbook_id)
    if state:
        qs = qs.filter(state=state)
    if is_drill is not None:
        qs = qs.filter(is_drill=is_drill)
    return qs


def activation_get_for(*, actor, activation_id) -> Activation:
    """One activation, or NotFound (also for roles that may not read activations at all)."""
    pk = _int_id(activation_id, _("No such activation."))
    if not actor.has_perm("contingency.read_activations"):
        raise NotFound(_("No such activation."))
    activation = _activation_queryset().filter(pk=pk).first()
    if activation is None:
        raise NotFound(_("No such activation."))
    return activation


def activation_open_for_playbook(*, playbook_id: int, category_id: int | None) -> Activation | None:
    return Activation.objects.filter(
        playbook_id=playbook_id, category_id=category_id, state__in=OPEN_ACTIVATION_STATES, is_drill=False
    ).first()


def activation_events_for(*, actor, activation_id) -> list[dict]:
    """The shared timeline: the activation's own events and its cases' timeline, oldest first."""
    from complaints.selectors import case_events_of_cases

    activation = activation_get_for(actor=actor, activation_id=activation_id)
    own = [
        {
            "id": f"a{e.pk}", "source": "activation", "kind": e.kind, "at": e.at, "actor": e.actor,
            "department": e.department, "summary": e.summary, "body": e.body, "case": None, "data": e.data,
        }
        for e in ActivationEvent.objects.filter(activation=activation).select_related("actor").order_by("id")
    ]
    case_ids = [link.case_id for link in activation.case_links.all()]
    cases = [
        {
            "id": f"c{e.pk}", "source": "case", "kind": e.kind, "at": e.at, "actor": e.actor, "department": "",
            "summary": e.summary, "body": "", "case": {"id": e.case_id, "reference": e.case.reference}, "data": {},
        }
        for e in (case_events_of_cases(case_ids=case_ids) if case_ids else [])
    ]
    return sorted(own + cases, key=lambda item: item["at"])


def case_ids_visible_through_activations(user) -> Q:
    """For complaints.selectors.register_case_visibility: the cases of the user's activations.

    An activation is "theirs" when they lead it or belong to the emergency group (the group
    responds to every activation together); nothing else is widened.
    """
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    links = ActivationCase.objects.filter(activation__is_drill=False)
    if not GroupMember.objects.filter(user_id=user.pk, is_active=True).exists():
        links = links.filter(activation__lead_id=user.pk)
    return Q(pk__in=links.values("case_id"))


# -- drills and training --------------------------------------------------------------------


def drill_list_for(*, actor, playbook_id=None) -> QuerySet[Drill]:
    _require(actor, "contingency.drills", _("Only the emergency lead manages drills."))
    qs = Drill.objects.select_related("playbook", "activation").order_by("-scheduled_for", "-id")
    if playbook_id is not None:
        qs = qs.filter(playbook_id=playbook_id)
    return qs


def drill_get_for(*, actor, drill_id) -> Drill:
    _require(actor, "contingency.drills", _("Only the emergency lead manages drills."))
    pk = _int_id(drill_id, _("No such drill."))
    drill = Drill.objects.select_related("playbook", "activation").filter(pk=pk).first()
    if drill is None:
        raise NotFound(_("No such drill."))
    return drill


def drills_due(*, now: datetime | None = None) -> QuerySet[Drill]:
    return Drill.objects.filter(started_at__isnull=True, scheduled_for__lte=now or timezone.now()).order_by(
        "scheduled_for", "id"
    )


def training_list_for(*, actor, user_id=None, playbook_id=None) -> QuerySet[TrainingRecord]:
    _require(actor, "contingency.read_group", _("Your role may not see training records."))
    qs = TrainingRecord.objects.select_related("user", "playbook_version__playbook").order_by("-trained_at", "-id")
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if playbook_id is not None:
        qs = qs.filter(playbook_version__playbook_id=playbook_id)
    return qs


def members_untrained() -> list[tuple[PlaybookVersion, list[GroupMember]]]:
    """For each active playbook version, the group members not trained on it (two queries)."""
    members = list(group_member_list())
    versions = list(
        PlaybookVersion.objects.filter(status=VersionStatus.ACTIVE).select_related("playbook").order_by("playbook_id")
    )
    trained = set(
        TrainingRecord.objects.filter(playbook_version__in=versions).values_list("playbook_version_id", "user_id")
    )
    return [(v, [m for m in members if (v.pk, m.user_id) not in trained]) for v in versions]
