from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Work"), {"fields": ("display_name", "phone", "teams")}),
    )
    list_display = ("username", "display_name", "email", "is_active", "is_staff")
    list_filter = ("groups", "teams", "is_active", "is_staff")
    filter_horizontal = ("groups", "user_permissions", "teams")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
