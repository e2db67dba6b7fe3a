"""Object-level permissions for cases (docs/api-guide.md "Who may do what"), via the `rules` package.

Row filtering for lists lives in `complaints.selectors.case_visible_q`, which mirrors
`can_view_case` so that a case not in a user's list is a 404 on its detail too.
"""

import rules

from accounts.roles import Role


@rules.predicate
def is_agent(user) -> bool:
    return user.has_role(Role.AGENT)


@rules.predicate
def is_supervisor(user) -> bool:
    return user.has_role(Role.SUPERVISOR)


@rules.predicate
def is_auditor(user) -> bool:
    return user.has_role(Role.AUDITOR)


@rules.predicate
def is_api_client(user) -> bool:
    return user.has_role(Role.API_CLIENT)


@rules.predicate
def is_emergency_staff(user) -> bool:
    return user.has_role(Role.EMERGENCY_LEAD, Role.EMERGENCY_MEMBER)


@rules.predicate
def is_admin(user) -> bool:
    return user.is_active and user.is_superuser


@rules.predicate
def in_case_team(user, case) -> bool:
    return case is not None and case.team_id in user.team_ids


@rules.predicate
def created_case(user, case) -> bool:
    return case is not None and case.created_by_id == user.pk


@rules.predicate
def covered_by_activation(user, case) -> bool:
    # Filled in by the contingency app: lead/member see the cases of their activations.
    from complaints.selectors import case_in_user_activations

    return case is not None and case_in_user_activations(user=user, case=case)


is_case_worker = (is_agent | is_supervisor) & in_case_team

can_view_case = (
    is_admin
    | is_auditor
    | is_case_worker
    | (is_api_client & created_case)
    | (is_emergency_staff & covered_by_activation)
)
can_work_case = is_admin | is_case_worker
can_withdraw_case = can_work_case | (is_api_client & created_case)
can_add_note = can_work_case | (is_api_client & created_case)

rules.add_perm("complaints.create_case", is_admin | is_agent | is_supervisor | is_api_client)
rules.add_perm("complaints.view_case", can_view_case)
rules.add_perm("complaints.work_case", can_work_case)
rules.add_perm("complaints.withdraw_case", can_withdraw_case)
rules.add_perm("complaints.add_note", can_add_note)
rules.add_perm("complaints.add_communication", can_add_note)
rules.add_perm("complaints.add_attachment", can_work_case)
rules.add_perm("complaints.first_extension", is_admin | ((is_agent | is_supervisor) & in_case_team))
rules.add_perm("complaints.second_extension", is_admin | (is_supervisor & in_case_team))
rules.add_perm("complaints.view_pii", is_admin | is_auditor | (is_supervisor & in_case_team))
rules.add_perm("complaints.reassign_case", is_admin | (is_supervisor & in_case_team))
rules.add_perm("complaints.view_sla_policy", is_admin | is_agent | is_supervisor | is_auditor
               | rules.is_group_member(Role.EMERGENCY_LEAD))
rules.add_perm("complaints.change_sla_policy", is_admin | is_supervisor)
