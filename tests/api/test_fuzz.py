"""Property-based fuzzing of the complaints API against its own OpenAPI schema (schemathesis).

In-process over WSGI inside the test transaction, as an admin (who may call every operation),
bounded in examples so the whole run stays well under a minute.
"""

import pytest
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tokens import token_issue
from tests.factories import make_case
from tests.openapi import wsgi_schema

OUR_PATHS = (
    r"^/api/v1/(auth/token/|categories/|complaints/"
    r"(\{id\}/((transitions/\{name\}|notes|communications|timeline|pii|assign)/)?)?)$"
)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def in_test_transaction(db):
    """Serve requests inside the test's transaction: the real WSGI app closes the connection
    after each request, which would end it (Django's test client unhooks this too)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Generating the schema needs no database, so it loads at collection.
schema = wsgi_schema(path_regex=OUR_PATHS)


@pytest.fixture(params=["admin_user", "callcenter"])
def fuzz_headers(request, agent):
    """An admin (may call everything) and an API client (mostly refused) with their tokens;
    real cases so that generated ids hit existing rows (see `_real_id`)."""
    user = request.getfixturevalue(request.param)
    cases = [
        make_case(actor=agent),
        make_case(actor=user, severity="critical", risk_flags=["self_harm_risk"]),
    ]
    token = token_issue(user=user)
    return {"Authorization": f"Token {token}"}, [c.pk for c in cases]


def _real_id(case, case_ids) -> None:
    # Half of the generated ids point at real cases, so transitions and edits get past the 404.
    generated = case.path_parameters.get("id") if case.path_parameters else None
    if isinstance(generated, int) and generated % 2 == 0:
        case.path_parameters["id"] = case_ids[generated // 2 % len(case_ids)]


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema_and_never_errors(case, in_test_transaction, fuzz_headers):
    headers, case_ids = fuzz_headers
    _real_id(case, case_ids)

    case.call_and_validate(headers=headers, checks=CHECKS)
