from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import schema  # noqa: F401  (registers the OpenAPI token scheme)
        from accounts.middleware import session_start

        user_logged_in.connect(session_start, dispatch_uid="accounts.session_start")

        from accounts.mfa import remember_enrolment

        user_logged_in.connect(remember_enrolment, dispatch_uid="accounts.remember_enrolment")

        from django.db.models.signals import post_save

        from accounts.models import User
        from accounts.tokens import revoke_tokens_on_password_change

        post_save.connect(revoke_tokens_on_password_change, sender=User, dispatch_uid="accounts.revoke_tokens")

        from simple_history.signals import post_create_historical_record

        from accounts.audit import config_change_record

        post_create_historical_record.connect(config_change_record, dispatch_uid="accounts.config_change_record")

        self._connect_memos()

    def _connect_memos(self) -> None:
        """Clear the per-process memos of token users and teams on every change they depend on."""
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from knox.models import AuthToken

        from accounts.authentication import token_users
        from accounts.models import Team, User
        from accounts.selectors import teams

        for sender in (AuthToken, User, Group):
            post_save.connect(token_users.forget, sender=sender, dispatch_uid=f"accounts.token_users.save.{sender.__name__}")
            post_delete.connect(token_users.forget, sender=sender, dispatch_uid=f"accounts.token_users.delete.{sender.__name__}")
        for through in (User.groups.through, User.teams.through):
            m2m_changed.connect(token_users.forget, sender=through, dispatch_uid=f"accounts.token_users.m2m.{through.__name__}")
        post_save.connect(teams.forget, sender=Team, dispatch_uid="accounts.teams.save")
        post_delete.connect(teams.forget, sender=Team, dispatch_uid="accounts.teams.delete")
