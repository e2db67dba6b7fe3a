"""Activations over the API: manual activation, transitions and guards, tasks, timeline, visibility."""

import pytest

from contingency import services
from contingency.models import Activation, ActivationEvent, Review
from tests.api.conftest import client_for, error_codes

pytestmark = pytest.mark.django_db


def url(activation, suffix=""):
    return f"/api/v1/activations/{activation.pk}/{suffix}"


def fire(user, activation, name, payload=None):
    return client_for(user).post(url(activation, f"transitions/{name}/"), payload or {}, format="json")


def finish_required_tasks(user, activation):
    for task in activation.tasks.filter(required=True):
        client_for(user).post(url(activation, f"tasks/{task.pk}/complete/"), {"notes": "已完成"}, format="json")


REVIEW = {"summary": "媒体曝光后两小时内统一口径", "root_cause": "外包机构夜间催收", "what_worked": "各部门信息共享及时",
          "improvements": "夜间催收须经主管批准\n外包机构每月抽查录音"}


def test_activation_detail_has_the_contract_fields(lead, activation):
    body = client_for(lead).get(url(activation)).json()

    assert {"id", "playbook", "playbook_version", "state", "is_drill", "trigger", "cases", "lead", "tasks",
            "activated_at", "acknowledged_at", "resolved_at", "review"} <= set(body)
    assert {"id", "title", "department", "assignee", "due_at", "done_at"} <= set(body["tasks"][0])


def test_list_filtered_by_case_gives_the_activations_covering_it(lead, activation):
    case_id = activation.case_links.get().case_id

    body = client_for(lead).get(f"/api/v1/activations/?case={case_id}").json()
    assert [a["id"] for a in body["results"]] == [activation.pk]


def test_list_filtered_by_another_case_is_empty(lead, activation, agent):
    from tests.factories import make_case

    other = make_case(actor=agent)
    body = client_for(lead).get(f"/api/v1/activations/?case={other.pk}").json()
    assert body["results"] == []


def test_lead_activates_by_hand_with_several_cases(lead, group, agent, conduct_playbook):
    from tests.factories import make_case

    cases = [make_case(actor=agent), make_case(actor=agent)]
    response = client_for(lead).post(
        "/api/v1/activations/", {"playbook": conduct_playbook.pk, "cases": [c.pk for c in cases], "note": "人工启动"},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["trigger"], sorted(response.json()["cases"])) == ("manual", sorted(c.pk for c in cases))


def test_manual_activation_of_a_playbook_already_open_joins_it(lead, activation, agent):
    from tests.factories import make_case

    case = make_case(actor=agent)
    response = client_for(lead).post(
        "/api/v1/activations/", {"playbook": activation.playbook_id, "cases": [case.pk]}, format="json"
    )

    assert (response.status_code, response.json()["id"]) == (200, activation.pk)
    assert case.pk in response.json()["cases"]


def test_a_category_wide_playbook_activated_twice_without_cases_is_one_activation(lead, group, mass_playbook):
    first = client_for(lead).post("/api/v1/activations/", {"playbook": mass_playbook.pk}, format="json")
    second = client_for(lead).post("/api/v1/activations/", {"playbook": mass_playbook.pk}, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]


def test_acknowledge_moves_to_responding(lead, activation):
    response = fire(lead, activation, "acknowledge")

    assert (response.status_code, response.json()["state"]) == (200, "responding")
    assert response.json()["acknowledged_at"] is not None


def test_resolve_from_activated_is_a_409(lead, activation):
    assert fire(lead, activation, "resolve").status_code == 409


def test_unknown_transition_is_a_404(lead, activation):
    assert fire(lead, activation, "explode").status_code == 404


def test_resolve_is_refused_while_required_tasks_are_open(lead, activation):
    fire(lead, activation, "acknowledge")

    response = fire(lead, activation, "resolve")
    assert (response.status_code, error_codes(response)) == (409, {None: "required_tasks_open"})
    assert Activation.objects.get(pk=activation.pk).state == "responding"


def test_resolve_with_an_override_reason_is_recorded(lead, activation):
    fire(lead, activation, "acknowledge")

    response = fire(lead, activation, "resolve", {"override_reason": "客户已撤诉，剩余任务不再需要"})
    assert (response.status_code, response.json()["override_reason"]) == (200, "客户已撤诉，剩余任务不再需要")
    event = ActivationEvent.objects.filter(activation=activation, kind="transition").last()
    assert event.data["override_reason"] == "客户已撤诉，剩余任务不再需要"


def test_resolve_after_the_required_tasks_are_done(lead, member, activation):
    fire(lead, activation, "acknowledge")
    finish_required_tasks(member, activation)

    assert fire(lead, activation, "resolve").json()["state"] == "resolved"


def test_submit_review_records_the_review(lead, activation):
    fire(lead, activation, "acknowledge")
    fire(lead, activation, "resolve", {"override_reason": "演示"})

    response = fire(lead, activation, "submit_review", REVIEW)
    assert (response.status_code, response.json()["state"]) == (200, "reviewed")
    assert Review.objects.get(activation=activation).root_cause == "外包机构夜间催收"


def test_a_review_without_its_fields_is_a_400_naming_each(lead, activation):
    fire(lead, activation, "acknowledge")
    fire(lead, activation, "resolve", {"override_reason": "演示"})

    response = fire(lead, activation, "submit_review", {"summary": "只有摘要"})
    assert response.status_code == 400
    assert set(error_codes(response)) == {"root_cause", "what_worked", "improvements"}
    assert not Review.objects.exists()
    assert Activation.objects.get(pk=activation.pk).state == "resolved"


def test_review_with_propose_version_makes_a_draft_with_the_improvements(lead, activation):
    fire(lead, activation, "acknowledge")
    fire(lead, activation, "resolve", {"override_reason": "演示"})
    fire(lead, activation, "submit_review", {**REVIEW, "propose_version": True})

    review = Review.objects.get(activation=activation)
    draft = review.proposed_version
    assert (draft.status, draft.key_points[-2:]) == ("draft", ["夜间催收须经主管批准", "外包机构每月抽查录音"])


def test_member_completes_a_task(member, activation):
    task = activation.tasks.first()

    response = client_for(member).post(url(activation, f"tasks/{task.pk}/complete/"), {"notes": "已调取录音"},
                                       format="json")
    assert (response.status_code, response.json()["notes"]) == (200, "已调取录音")
    assert response.json()["done_at"] is not None


def test_completing_a_task_twice_is_a_409(member, activation):
    task = activation.tasks.first()
    client = client_for(member)
    client.post(url(activation, f"tasks/{task.pk}/complete/"), {}, format="json")

    assert client.post(url(activation, f"tasks/{task.pk}/complete/"), {}, format="json").status_code == 409


def test_a_task_of_another_activation_is_a_404(member, activation, lead, mass_playbook):
    other, _ = services.activation_create_manual(actor=lead, playbook_id=mass_playbook.pk, case_ids=[])
    task = other.tasks.first()

    response = client_for(member).post(url(activation, f"tasks/{task.pk}/complete/"), {}, format="json")
    assert response.status_code == 404
    assert other.tasks.get(pk=task.pk).done_at is None


def test_timeline_has_the_activation_and_the_cases_events(lead, activation):
    body = client_for(lead).get(url(activation, "timeline/")).json()

    sources = {(item["source"], item["kind"]) for item in body}
    assert {("activation", "activated"), ("case", "created"), ("case", "activation")} <= sources


def test_a_comment_lands_on_the_timeline_with_the_department(member, activation):
    response = client_for(member).post(url(activation, "comments/"), {"body": "客服中心已联系客户"}, format="json")

    assert (response.status_code, response.json()["department"]) == (201, "customer_service")


def test_a_group_member_reads_a_case_of_an_activation(member, activation):
    case_id = activation.case_links.get().case_id

    assert client_for(member).get(f"/api/v1/complaints/{case_id}/").status_code == 200


def test_a_group_member_still_gets_404_for_a_case_outside_activations(member, activation, agent):
    from tests.factories import make_case

    other = make_case(actor=agent)
    assert client_for(member).get(f"/api/v1/complaints/{other.pk}/").status_code == 404


def test_a_lead_lists_only_the_cases_of_activations(lead, activation, agent):
    from tests.factories import make_case

    make_case(actor=agent)
    body = client_for(lead).get("/api/v1/complaints/").json()
    assert [c["id"] for c in body["results"]] == [activation.case_links.get().case_id]


def test_the_emergency_roles_escalation_tells_about_can_read_the_case(group, member, agent):
    """Escalation to the emergency group notifies them; the activation it opens lets them read the case."""
    from contingency.receivers import on_case_escalated
    from tests.factories import make_case

    case = make_case(actor=agent)
    assert client_for(member).get(f"/api/v1/complaints/{case.pk}/").status_code == 404
    on_case_escalated(None, case_id=case.pk, level=3, deadline_id=None)

    assert client_for(member).get(f"/api/v1/complaints/{case.pk}/").status_code == 200
