"""Admin access by role rather than by Django model permission (see complaints.admin)."""

from __future__ import annotations

from accounts.roles import Role
from complaints.models import (
    ComplaintCase,
)
from complaints.selectors import case_visible_q

VIEW_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.AUDITOR)


def _staff_with_role(request, roles) -> bool:
    user = request.user
    return user.is_active and user.is_staff and (user.is_superuser or user.has_role(*roles))


class RoleAccessMixin:
    """Admin access by role, on top of any Django model permission granted explicitly."""

    view_roles: tuple = VIEW_ROLES
    change_roles: tuple = ()
    read_only = False
    deletable = False

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) or _staff_with_role(request, self.view_roles)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or _staff_with_role(
            request, (*self.view_roles, *self.change_roles)
        )

    def has_add_permission(self, request, *args) -> bool:
        if self.read_only:
            return False
        return super().has_add_permission(request, *args) or _staff_with_role(request, self.change_roles)

    def has_change_permission(self, request, obj=None) -> bool:
        if self.read_only:
            return False
        return super().has_change_permission(request, obj) or _staff_with_role(request, self.change_roles)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.deletable and not self.read_only and super().has_delete_permission(request, obj)


class CaseScopedMixin(RoleAccessMixin):
    """Rows that belong to a case: a non-superuser sees those of the cases they may see."""

    case_path = "case"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        visible = ComplaintCase.objects.filter(case_visible_q(request.user)).values("pk")
        return qs.filter(**{f"{self.case_path}__in": visible})
