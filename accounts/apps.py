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

        from django.db.models.signals import post_save

        from accounts.models import User
        from accounts.tokens import revoke_tokens_on_password_change

        post_save.connect(revoke_tokens_on_password_change, sender=User, dispatch_uid="accounts.revoke_tokens")

        from simple_history.signals import post_create_historical_record

        from accounts.audit import config_change_record

        post_create_historical_record.connect(config_change_record, dispatch_uid="accounts.config_change_record")
