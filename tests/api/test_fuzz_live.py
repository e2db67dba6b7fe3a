"""Stateful fuzzing of the complaints API against a live server (schemathesis).

The in-process run (test_fuzz.py) calls the WSGI app inside the test transaction; this one
reads the schema the server serves at /api/schema/ and sends real HTTP requests to pytest-django's
live server on a committed database, chaining calls through the schema's links (create → read →
transition → timeline …), so a case made by one step is what the next step works on. Bounded
in scenarios and steps so it stays well under a minute.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from accounts.tokens import token_issue
from tests.factories import HAPPY_PATH, fire, make_case

OUR_PATHS = (
    r"^/api/v1/(categories/|complaints/"
    r"(\{id\}/((transitions/\{name\}|notes|communications|timeline|assign)/)?)?)$"
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    use_after_free,
    ensure_resource_availability,
]
TIMEOUT = 30
VALID_COMPLAINANT = {"name": "张三", "phone": "13800001234", "id_number": "110101199003071233"}


@pytest.fixture
def admin_headers(live_api, admin_user, agent):
    """An admin's token (may call every operation); the agent gives the routing a team and the
    reassignment someone to pick."""
    return {"Authorization": f"Token {token_issue(user=admin_user)}"}


@pytest.fixture
def cases_in_three_states(live_api, agent):
    """Cases in intake, in communication and awaiting feedback: the list links hand their ids to
    the steps after it, so scenarios reach transitions beyond the first even when a generated
    create is refused."""
    cases = [make_case(actor=agent) for _ in range(3)]
    for case, steps in zip(cases, (0, 2, 4), strict=True):
        for name, payload in HAPPY_PATH[:steps]:
            fire(case, name, actor=agent, payload=payload)
    return cases


def live_state_machine(base_url: str, headers: dict):
    schema = schemathesis.openapi.from_url(
        f"{base_url}/api/schema/?format=json", headers=headers, timeout=TIMEOUT
    ).include(path_regex=OUR_PATHS)
    schema.config.update(base_url=base_url)
    # Inputs the schema allows; refusals of bad input are the in-process run's business.
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])

    @schema.hook("map_body")
    def creatable(context, body):
        """A complainant the create accepts, so that most scenarios get a case to work on (the
        schema cannot say "a valid mainland phone" or "a receipt time since 1970")."""
        if context.operation.label == "POST /api/v1/complaints/" and isinstance(body, dict):
            body.pop("received_at", None)
            body["complainant"] = {**body.get("complainant", {}), **VALID_COMPLAINANT}
        return body

    class LiveWorkflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):
            return {"headers": headers, "timeout": TIMEOUT}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs, recorder=self.recorder)

    return LiveWorkflow


@pytest.mark.slow
def test_live_api_survives_stateful_fuzzing(live_api, admin_headers, cases_in_three_states):
    workflow = live_state_machine(live_api.url, admin_headers)

    workflow.run(
        settings=settings(
            max_examples=15,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )


def test_live_list_refuses_an_offset_postgresql_cannot_hold(live_api, admin_headers):
    # Found by the stateful phase against a live server: a 500 from the database before
    # SafeIsoDateTimeFilter.
    response = requests.get(
        f"{live_api.url}/api/v1/complaints/",
        params={"received_after": "1705-02-17T07:09:01-16:04"},
        headers=admin_headers,
        timeout=TIMEOUT,
    )

    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == ["received_after"]
