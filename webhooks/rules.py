"""Who may manage webhook subscriptions (docs/api-guide.md: admin only)."""

import rules


@rules.predicate
def is_admin(user) -> bool:
    return user.is_active and user.is_superuser


rules.add_perm("webhooks.manage_subscription", is_admin)
