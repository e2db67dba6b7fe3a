"""Who may do what in the contingency app (docs/api-guide.md "Who may do what"), via the `rules` package.

Permission names are the app's own verbs, so they never collide with Django's model
permissions (`view_playbook`, ...).
"""

import rules

from accounts.roles import Role


@rules.predicate
def is_admin(user) -> bool:
    return user.is_active and user.is_superuser


def _role(*roles):
    @rules.predicate
    def has(user) -> bool:
        return user.is_authenticated and user.has_role(*roles)

    return has


is_agent = _role(Role.AGENT)
is_supervisor = _role(Role.SUPERVISOR)
is_lead = _role(Role.EMERGENCY_LEAD)
is_member = _role(Role.EMERGENCY_MEMBER)
is_auditor = _role(Role.AUDITOR)

rules.add_perm("contingency.read_group", is_admin | is_lead | is_member | is_supervisor | is_auditor)
rules.add_perm("contingency.read_playbooks", is_admin | is_agent | is_supervisor | is_lead | is_member | is_auditor)
rules.add_perm("contingency.write_playbooks", is_admin | is_lead)
rules.add_perm("contingency.read_activations", is_admin | is_supervisor | is_lead | is_member | is_auditor)
rules.add_perm("contingency.activate", is_admin | is_lead)
rules.add_perm("contingency.complete_tasks", is_admin | is_lead | is_member)
rules.add_perm("contingency.drills", is_admin | is_lead)
rules.add_perm("contingency.write_training", is_admin | is_lead)
