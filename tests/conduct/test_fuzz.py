"""Property-based fuzzing of the conduct API against its own OpenAPI schema (schemathesis), the
way tests/api/test_fuzz.py does the complaints API: no input gives a 500 or an undocumented answer."""

import pytest
from hypothesis import HealthCheck, Phase, settings

from accounts.tokens import token_issue
from tests.api.test_fuzz import CHECKS, _real_id, in_test_transaction  # noqa: F401  (fixture)
from tests.factories import make_case
from tests.openapi import wsgi_schema

CONDUCT_PATHS = (
    r"^/api/v1/(collection-contacts/|conduct-rules/(\{code\}/)?|reports/conduct/|"
    r"complaints/\{id\}/(contacts|conduct-check)/)$"
)
schema = wsgi_schema(path_regex=CONDUCT_PATHS)


@pytest.fixture(params=["admin_user", "callcenter"])
def fuzz_headers(request, agent):
    user = request.getfixturevalue(request.param)
    cases = [make_case(actor=agent), make_case(actor=user)]
    token = token_issue(user=user)
    return {"Authorization": f"Token {token}"}, [c.pk for c in cases]


@pytest.mark.slow
@pytest.mark.usefixtures("in_test_transaction")
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_conduct_api_conforms_to_its_schema_and_never_errors(case, fuzz_headers):
    headers, case_ids = fuzz_headers
    _real_id(case, case_ids)

    case.call_and_validate(headers=headers, checks=CHECKS)
