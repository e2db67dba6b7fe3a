"""Who sees what (complaints.rules and the list filter that mirrors them), per role."""

import pytest
from django.db.models import Q

from common.exceptions import NotFound
from complaints import selectors
from complaints.selectors import case_get_for, case_list_for
from tests.factories import TeamFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(agent):
    return make_case(actor=agent, summary="一组的投诉")


@pytest.fixture
def case_b(agent_b):
    return make_case(actor=agent_b, summary="二组的投诉")


@pytest.fixture
def case_c(db):
    other = UserFactory(username="agent-c", role="agent", teams=[TeamFactory(code="team-c")])
    return make_case(actor=other, summary="三组的投诉")


def _listed(user) -> set[int]:
    return set(case_list_for(actor=user).values_list("pk", flat=True))


def test_agent_lists_only_their_teams_cases(agent, case_a, case_b):
    assert _listed(agent) == {case_a.pk}


def test_agent_may_view_a_case_of_their_team(agent, case_a):
    assert agent.has_perm("complaints.view_case", case_a)


def test_another_teams_case_is_not_found_for_an_agent(agent, case_b):
    with pytest.raises(NotFound):
        case_get_for(actor=agent, case_id=case_b.pk)


def test_agent_may_not_view_another_teams_case(agent, case_b):
    assert not agent.has_perm("complaints.view_case", case_b)


def test_supervisor_lists_the_cases_of_all_their_teams(supervisor, case_a, case_b):
    assert _listed(supervisor) == {case_a.pk, case_b.pk}


def test_supervisor_does_not_list_a_team_they_do_not_supervise(supervisor, case_a, case_c):
    assert _listed(supervisor) == {case_a.pk}


def test_supervisor_may_not_view_a_team_they_do_not_supervise(supervisor, case_c):
    assert not supervisor.has_perm("complaints.view_case", case_c)


def test_auditor_lists_all_cases(auditor, case_a, case_b):
    assert _listed(auditor) == {case_a.pk, case_b.pk}


def test_auditor_may_view_but_not_work(auditor, case_a):
    assert (auditor.has_perm("complaints.view_case", case_a),
            auditor.has_perm("complaints.work_case", case_a)) == (True, False)


def test_auditor_may_view_pii(auditor, case_a):
    assert auditor.has_perm("complaints.view_pii", case_a)


def test_admin_lists_all_cases(admin_user, case_a, case_b):
    assert _listed(admin_user) == {case_a.pk, case_b.pk}


def test_api_client_lists_only_the_cases_it_created(callcenter, case_a):
    own = make_case(actor=callcenter)

    assert _listed(callcenter) == {own.pk}


def test_api_client_may_not_view_a_case_it_did_not_create(callcenter, case_a):
    with pytest.raises(NotFound):
        case_get_for(actor=callcenter, case_id=case_a.pk)


def test_api_client_may_withdraw_but_not_work_its_case(callcenter):
    own = make_case(actor=callcenter)

    assert (callcenter.has_perm("complaints.withdraw_case", own),
            callcenter.has_perm("complaints.work_case", own)) == (True, False)


@pytest.mark.parametrize("role_fixture", ["lead", "member"])
def test_emergency_staff_without_activations_see_no_case(request, role_fixture, case_a):
    assert _listed(request.getfixturevalue(role_fixture)) == set()


def test_inactive_user_sees_nothing(agent, case_a):
    agent.is_active = False
    agent.save()

    assert _listed(agent) == set()


def test_agent_may_take_the_first_extension_but_not_the_second(agent, case_a):
    assert (agent.has_perm("complaints.first_extension", case_a),
            agent.has_perm("complaints.second_extension", case_a)) == (True, False)


def test_supervisor_may_take_the_second_extension(supervisor, case_a):
    assert supervisor.has_perm("complaints.second_extension", case_a)


def test_agent_may_not_view_pii(agent, case_a):
    assert not agent.has_perm("complaints.view_pii", case_a)


@pytest.mark.parametrize(
    ("role_fixture", "allowed"),
    [("agent", True), ("supervisor", True), ("callcenter", True), ("admin_user", True),
     ("auditor", False), ("lead", False), ("member", False)],
)
def test_who_may_create_a_complaint(request, role_fixture, allowed):
    assert request.getfixturevalue(role_fixture).has_perm("complaints.create_case") is allowed


@pytest.fixture
def activation_covers(monkeypatch):
    """Stand in for the contingency app: its provider lets emergency staff see covered cases."""
    covered: set[int] = set()
    monkeypatch.setattr(selectors, "_extra_visibility", [lambda user: Q(pk__in=covered)])
    return covered


def test_emergency_lead_sees_the_cases_of_their_activations(lead, case_a, case_b, activation_covers):
    activation_covers.add(case_a.pk)

    assert (_listed(lead), lead.has_perm("complaints.view_case", case_a)) == ({case_a.pk}, True)


def test_activation_visibility_does_not_widen_an_agents_view(agent_b, case_a, activation_covers):
    activation_covers.add(case_a.pk)

    assert (_listed(agent_b), agent_b.has_perm("complaints.view_case", case_a)) == (set(), False)


def test_emergency_member_may_view_but_not_work_a_covered_case(member, case_a, activation_covers):
    activation_covers.add(case_a.pk)

    assert (member.has_perm("complaints.view_case", case_a), member.has_perm("complaints.work_case", case_a)) == (
        True, False
    )
