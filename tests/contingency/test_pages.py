"""Contingency pages: who may open them, the board's one-click actions, forms with their messages."""

import re

import pytest

from contingency.models import Activation, Drill, Review

pytestmark = pytest.mark.django_db

PAGES = {
    "/contingency/": {"supervisor", "lead", "member", "auditor", "admin_user"},
    "/contingency/playbooks/": {"agent", "supervisor", "lead", "member", "auditor", "admin_user"},
    "/contingency/activations/": {"supervisor", "lead", "member", "auditor", "admin_user"},
    "/contingency/drills/": {"lead", "admin_user"},
}
ROLES = ["agent", "supervisor", "lead", "member", "auditor", "callcenter", "admin_user"]


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(PAGES))
def test_pages_per_role(request, client, role, path, group):
    response = login(client, request.getfixturevalue(role)).get(path)

    assert response.status_code == (200 if role in PAGES[path] else 404)


@pytest.mark.parametrize("role", ROLES)
def test_the_board_per_role(request, client, role, activation):
    allowed = {"supervisor", "lead", "member", "auditor", "admin_user"}

    response = login(client, request.getfixturevalue(role)).get(f"/contingency/activations/{activation.pk}/")
    assert response.status_code == (200 if role in allowed else 404)


def test_the_group_page_shows_who_is_on_duty(client, lead, group):
    body = login(client, lead).get("/contingency/").content.decode()

    assert 'data-username="member"' in body and "badge text-bg-success" in body


def test_the_playbook_page_shows_versions_side_by_side(client, lead, conduct_playbook):
    login(client, lead).post(f"/contingency/playbooks/{conduct_playbook.pk}/versions/")

    body = client.get(f"/contingency/playbooks/{conduct_playbook.pk}/").content.decode()
    assert 'data-version="2"' in body and 'data-version="1"' in body


def test_the_board_polls_for_live_updates(client, lead, activation):
    body = login(client, lead).get(f"/contingency/activations/{activation.pk}/").content.decode()

    assert 'hx-trigger="every 10s"' in body
    assert client.get(f"/contingency/activations/{activation.pk}/live/").status_code == 200


def test_a_member_completes_a_task_with_one_click(client, member, activation):
    task = activation.tasks.first()
    body = login(client, member).get(f"/contingency/activations/{activation.pk}/").content.decode()
    assert f'action="/contingency/activations/{activation.pk}/tasks/{task.pk}/complete/"' in body

    client.post(f"/contingency/activations/{activation.pk}/tasks/{task.pk}/complete/")
    task.refresh_from_db()
    assert task.done_at is not None


def test_a_member_sees_no_transition_forms(client, member, activation):
    body = login(client, member).get(f"/contingency/activations/{activation.pk}/").content.decode()

    assert "/transitions/" not in body


def test_a_member_posting_a_transition_changes_nothing(client, member, activation):
    login(client, member).post(f"/contingency/activations/{activation.pk}/transitions/acknowledge/")

    assert Activation.objects.get(pk=activation.pk).state == "activated"


def test_the_lead_acknowledges_resolves_and_reviews_from_the_board(client, lead, activation):
    base = f"/contingency/activations/{activation.pk}/transitions/"
    login(client, lead).post(base + "acknowledge/")
    client.post(base + "resolve/", {"override_reason": "演练"})
    client.post(base + "submit_review/", {"summary": "总结", "root_cause": "原因", "what_worked": "协作顺畅",
                                          "improvements": "增加夜间值班", "propose_version": "on"})

    review = Review.objects.get(activation=activation)
    assert review.proposed_version.key_points[-1] == "增加夜间值班"


def test_a_review_without_its_fields_shows_the_message_next_to_the_field(client, lead, activation):
    base = f"/contingency/activations/{activation.pk}/transitions/"
    login(client, lead).post(base + "acknowledge/")
    client.post(base + "resolve/", {"override_reason": "演练"})

    response = client.post(base + "submit_review/", {"summary": "只有摘要"})
    body = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'name="root_cause"[^>]*aria-invalid="true"', body) or re.search(
        r'aria-invalid="true"[^>]*name="root_cause"', body)
    assert 'id="root_cause-error"' in body
    assert not Review.objects.exists()


def test_the_lead_activates_by_hand_from_a_case(client, lead, group, agent, conduct_playbook):
    from tests.factories import make_case

    case = make_case(actor=agent)
    body = login(client, lead).get(f"/contingency/activations/new/?case={case.pk}").content.decode()
    assert f'value="{case.pk}"' in body

    response = client.post("/contingency/activations/new/",
                           {"playbook": conduct_playbook.pk, "cases": str(case.pk), "note": "人工启动"})
    activation = Activation.objects.get(case_links__case=case)
    assert response.url == f"/contingency/activations/{activation.pk}/"


def test_manual_activation_with_an_unknown_case_shows_the_message(client, lead, conduct_playbook):
    response = login(client, lead).post("/contingency/activations/new/",
                                        {"playbook": conduct_playbook.pk, "cases": "99999999"})

    assert 'id="cases-error"' in response.content.decode()
    assert not Activation.objects.exists()


def test_a_drill_started_from_the_page_opens_its_board(client, lead, group, conduct_playbook):
    response = login(client, lead).post("/contingency/drills/", {"playbook": conduct_playbook.pk})

    drill = Drill.objects.get()
    assert response.url == f"/contingency/activations/{drill.activation_id}/"


def test_editing_a_draft_reorders_its_steps(client, lead, conduct_playbook):
    login(client, lead).post(f"/contingency/playbooks/{conduct_playbook.pk}/versions/")
    data = {"key_points": "要点一\n要点二", "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0",
            "steps-0-order": "2", "steps-0-title": "第二步", "steps-0-department": "legal", "steps-0-due_within": "PT2H",
            "steps-1-order": "1", "steps-1-title": "第一步", "steps-1-department": "it", "steps-1-due_within": "PT1H",
            "steps-1-required": "on"}

    client.post(f"/contingency/playbooks/{conduct_playbook.pk}/versions/2/edit/", data)
    draft = conduct_playbook.versions.get(number=2)
    assert [s["title"] for s in draft.steps] == ["第一步", "第二步"]
    assert draft.key_points == ["要点一", "要点二"]


def test_a_step_without_a_time_limit_shows_the_message(client, lead, conduct_playbook):
    login(client, lead).post(f"/contingency/playbooks/{conduct_playbook.pk}/versions/")
    data = {"key_points": "要点", "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0",
            "steps-0-order": "1", "steps-0-title": "步骤", "steps-0-department": "legal", "steps-0-due_within": ""}

    body = client.post(f"/contingency/playbooks/{conduct_playbook.pk}/versions/2/edit/", data).content.decode()
    assert 'id="steps-0-due_within-error"' in body


def test_a_bad_repeat_period_on_the_drill_page_shows_the_message(client, lead, conduct_playbook):
    response = login(client, lead).post("/contingency/drills/", {"playbook": conduct_playbook.pk,
                                                                 "repeat_every": "every spring"})

    assert 'id="repeat_every-error"' in response.content.decode()
    assert not Drill.objects.exists()


def test_the_case_workspace_shows_its_activations_to_the_lead(client, lead, activation):
    case_id = activation.case_links.get().case_id

    body = login(client, lead).get(f"/cases/{case_id}/").content.decode()
    assert 'id="case-activations"' in body
    assert f'href="/contingency/activations/{activation.pk}/"' in body
    assert f'href="/contingency/activations/new/?case={case_id}"' in body


def test_the_case_workspace_shows_no_activation_link_to_the_agent(client, agent, activation):
    case_id = activation.case_links.get().case_id

    body = login(client, agent).get(f"/cases/{case_id}/").content.decode()
    assert 'id="case-activations"' in body
    assert "/contingency/activations/new/" not in body
    assert f'href="/contingency/activations/{activation.pk}/"' not in body
