"""Factories shared by every test module. Cases in later states come from the real services."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group
from rest_framework.exceptions import ValidationError

from accounts.models import Team, User
from accounts.roles import Role
from common.api import error_items, validated
from complaints import services
from complaints.api.inputs import TRANSITION_INPUTS, CaseCreateSerializer
from complaints.models import Category, ComplaintCase

DEMO_ID_NUMBER = "110101199003071233"  # valid check digit


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"team-{n}")
    name = factory.Sequence(lambda n: f"投诉处理{n}组")


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(role=Role.AGENT, teams=[team])`."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"专员{n}")
    password = factory.PostGenerationMethodCall("set_password", "demo-pass-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            roles = extracted if isinstance(extracted, list | tuple) else [extracted]
            self.groups.add(*Group.objects.filter(name__in=[str(r) for r in roles]))

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.add(*extracted)
        self.save()


def category(code: str = "collection_conduct") -> Category:
    return Category.objects.get(code=code)


def case_payload(**overrides) -> dict:
    """A valid create payload in the API guide's shape."""
    data = {
        "channel": "phone",
        "category": "collection_conduct",
        "severity": "normal",
        "summary": "催收电话一天十几次",
        "description": "客户反映催收人员每天拨打十几次电话，影响正常工作。",
        "complainant": {"name": "张三", "phone": "13800001234", "id_number": DEMO_ID_NUMBER, "email": "a@b.cn"},
        "account_reference": "LN-2024-88812",
        "collection_channel": "phone",
        "risk_flags": [],
    }
    data.update(overrides)
    return data


def create_from_payload(*, actor: User, payload: dict) -> ComplaintCase:
    """What the API does with a create body: the input serializer, then `case_create`."""
    return services.case_create(actor=actor, **validated(CaseCreateSerializer, payload))


def make_case(*, actor: User, **overrides) -> ComplaintCase:
    """A case created through `case_create`, so it is in `intake` with its timeline."""
    return create_from_payload(actor=actor, payload=case_payload(**overrides))


def fire(case: ComplaintCase, name: str, *, actor: User, payload: dict | None = None, version: int | None = None):
    """What the API does with a transition body: its input serializer, then `case_transition`."""
    return services.case_transition(
        case_id=case.pk, name=name, actor=actor, payload=validated(TRANSITION_INPUTS[name], payload or {}),
        version=version,
    )


def input_errors(serializer_class, data: dict) -> dict[str, list[tuple[str, str]]]:
    """{attr: [(code, detail)]} of the input layer's refusal of `data` (fails if it is accepted)."""
    try:
        validated(serializer_class, data)
    except ValidationError as exc:
        errors: dict[str, list[tuple[str, str]]] = {}
        for item in error_items(exc):
            errors.setdefault(item["attr"], []).append((item["code"], item["detail"]))
        return errors
    raise AssertionError("the input was accepted")


# Payloads that move a case one step along the happy path.
HAPPY_PATH = [
    ("start_verification", {}),
    ("complete_verification", {"finding": "substantiated", "notes": "通话记录显示一日拨打12次"}),
    ("propose_resolution", {"customer_demand": "停止频繁来电"}),
    ("resolve", {"actions": [{"type": "collection_method_change", "detail": "每日最多一次"}], "summary": "已调整催收频次"}),
    ("record_feedback", {"satisfaction": 4, "accepted": True}),
    ("close", {"notes": "回访确认问题已解决"}),
]
STATE_AFTER = {
    0: "intake", 1: "verify", 2: "communicate", 3: "resolve", 4: "feedback", 5: "follow_up", 6: "closed",
}


def advance(case: ComplaintCase, *, actor: User, steps: int) -> ComplaintCase:
    """Move a case `steps` transitions along the happy path through the real services."""
    for name, payload in HAPPY_PATH[:steps]:
        case = fire(case, name, actor=actor, payload=payload)
    return case


__all__ = [
    "Role", "TeamFactory", "UserFactory", "advance", "case_payload", "category", "create_from_payload", "fire",
    "input_errors", "make_case",
]
