"""Property-based fuzzing of the contingency API against its own OpenAPI schema (schemathesis),
as the lead and as an admin, in-process inside the test transaction (see tests/api/test_fuzz.py)."""

import pytest
from hypothesis import HealthCheck, Phase, settings

from accounts.tokens import token_issue
from tests.api.test_fuzz import CHECKS
from tests.api.test_fuzz import in_test_transaction as in_test_transaction  # noqa: F401 - a fixture
from tests.openapi import wsgi_schema

OUR_PATHS = r"^/api/v1/(emergency-group|playbooks|activations|drills|training-records)/"
schema = wsgi_schema(path_regex=OUR_PATHS)


@pytest.fixture(params=["lead", "admin_user"])
def fuzz_headers(request, activation):
    """A lead and an admin with their tokens; a real activation so generated ids can hit it."""
    user = request.getfixturevalue(request.param)
    return {"Authorization": f"Token {token_issue(user=user)}"}, activation


def _real_ids(case, activation) -> None:
    params = case.path_parameters or {}
    if isinstance(params.get("pk"), str) and params["pk"].isdigit() and int(params["pk"]) % 2 == 0:
        params["pk"] = str(activation.pk if "/activations/" in case.path else activation.playbook_id)
    if "task_id" in params:
        params["task_id"] = str(activation.tasks.first().pk)
    if "number" in params:
        params["number"] = "1"


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_contingency_api_conforms_to_its_schema_and_never_errors(case, in_test_transaction, fuzz_headers):
    headers, activation = fuzz_headers
    _real_ids(case, activation)

    case.call_and_validate(headers=headers, checks=CHECKS)
