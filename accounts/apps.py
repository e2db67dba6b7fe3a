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
