from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import mfa_views
from accounts.auth import PageLoginForm

admin.site.site_header = _("Complaint case management")
admin.site.site_title = _("Complaint case management")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", include("common.urls")),  # /healthz, /readyz
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as its own file: no inline script (CSP).
    # A browser without a session goes to the login page; the schema answers 401 like the API.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html")),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=PageLoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Two-factor login (accounts.mfa): the code after the password, enrolment, the security page.
    path("accounts/mfa/verify/", mfa_views.mfa_verify_view, name="mfa-verify"),
    path("accounts/mfa/setup/", mfa_views.mfa_setup_view, name="mfa-setup"),
    path("accounts/security/", mfa_views.account_security_view, name="account-security"),
    path("accounts/security/recovery-codes/", mfa_views.recovery_codes_view, name="mfa-recovery-codes"),
    path("accounts/security/disable/", mfa_views.mfa_disable_view, name="mfa-disable"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("complaints.report_urls")),  # dashboard, monthly report, exports
    path("", include("notifications.page_urls")),  # /notifications/
    path("", include("conduct.urls")),  # pages: contact upload on a case
    path("", include("contingency.urls")),  # pages, before the complaints pages
    path("", include("complaints.urls")),  # pages
]

# Under /api/ Django-level 404s and 500s use the API's JSON error shape; pages keep HTML.
handler404 = "common.api.page_not_found"
handler500 = "common.api.server_error"

if settings.BENCH_FLOOR:  # benchmarks only (config/settings/base.py)
    urlpatterns.insert(0, path("", include("tests.bench.floor.urls")))

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
