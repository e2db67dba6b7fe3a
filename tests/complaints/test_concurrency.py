"""Races on real PostgreSQL connections: one thread per connection, a barrier to line them up."""

import threading

import pytest
from django.db import connection, connections

from common.exceptions import ConflictError
from complaints import services
from complaints.choices import EventKind
from complaints.models import CaseEvent, ComplaintCase
from complaints.services import transitions as case_services
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def _run_in_threads(*targets) -> list:
    """Run each callable in its own thread (so its own database connection); return results or
    the exception each raised, in order."""
    results: list = [None] * len(targets)

    def run(i, target):
        try:
            results[i] = target()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def loaded_together(monkeypatch):
    """Make both transitions load the case before either saves it."""
    barrier = threading.Barrier(2, timeout=10)
    original = case_services.case_get_for

    def load_then_wait(**kwargs):
        case = original(**kwargs)
        barrier.wait()
        return case

    monkeypatch.setattr(case_services, "case_get_for", load_then_wait)
    return barrier


def _fire(case_id, actor, name="start_verification", payload=None):
    return lambda: services.case_transition(case_id=case_id, name=name, actor=actor, payload=payload)


def test_threads_use_separate_database_connections(agent):
    ids = _run_in_threads(lambda: connection.cursor().connection.info.backend_pid,
                          lambda: connection.cursor().connection.info.backend_pid)

    assert ids[0] != ids[1]


def test_two_concurrent_firings_give_one_success_and_one_conflict(agent, supervisor, loaded_together):
    case = make_case(actor=agent)

    results = _run_in_threads(_fire(case.pk, agent), _fire(case.pk, supervisor))

    assert sorted(type(r).__name__ for r in results) == ["ComplaintCase", "ConflictError"]


def test_concurrent_firings_write_one_transition_event(agent, supervisor, loaded_together):
    case = make_case(actor=agent)

    _run_in_threads(_fire(case.pk, agent), _fire(case.pk, supervisor))

    assert CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION).count() == 1


def test_concurrent_firings_bump_the_version_once(agent, supervisor, loaded_together):
    case = make_case(actor=agent)

    _run_in_threads(_fire(case.pk, agent), _fire(case.pk, supervisor))

    assert ComplaintCase.objects.get(pk=case.pk).version == 2


def test_concurrent_different_transitions_from_one_state_conflict(agent, supervisor, loaded_together):
    case = make_case(actor=agent)

    results = _run_in_threads(
        _fire(case.pk, agent),
        _fire(case.pk, supervisor, name="withdraw", payload={"reason": "客户撤诉"}),
    )

    assert sum(isinstance(r, ConflictError) for r in results) == 1


def test_concurrent_creation_gives_unique_references(agent, agent_b, supervisor, callcenter):
    barrier = threading.Barrier(4, timeout=10)

    def create(actor):
        def run():
            barrier.wait()
            return make_case(actor=actor).reference
        return run

    references = _run_in_threads(create(agent), create(agent_b), create(supervisor), create(callcenter))

    assert len(set(references)) == 4 == ComplaintCase.objects.count()


@pytest.fixture
def transition_paused_after_load(monkeypatch):
    """Hold a transition after it read the case, until the test lets it go on. (Edits read the
    case locked, `for_update=True`, and pass straight through.)"""
    loaded, go_on = threading.Event(), threading.Event()
    original = case_services.case_get_for

    def load_then_pause(**kwargs):
        case = original(**kwargs)
        if not kwargs.get("for_update"):
            loaded.set()
            go_on.wait(timeout=10)
        return case

    monkeypatch.setattr(case_services, "case_get_for", load_then_pause)
    return loaded, go_on


def test_transition_does_not_undo_a_concurrent_escalation(agent, transition_paused_after_load):
    loaded, go_on = transition_paused_after_load
    case = make_case(actor=agent)

    def escalate():
        loaded.wait(timeout=10)
        ComplaintCase.objects.filter(pk=case.pk).update(escalation_level=2, is_breached=True)
        go_on.set()

    _run_in_threads(_fire(case.pk, agent), escalate)

    assert ComplaintCase.objects.filter(pk=case.pk).values_list("state", "escalation_level", "is_breached").get() == (
        "verify", 2, True
    )


def test_transition_after_a_concurrent_edit_is_a_conflict(agent, supervisor, transition_paused_after_load):
    loaded, go_on = transition_paused_after_load
    case = make_case(actor=agent)

    def edit():
        loaded.wait(timeout=10)
        try:
            return services.case_update(case_id=case.pk, actor=supervisor, changes={"severity": "high"})
        finally:
            go_on.set()

    results = _run_in_threads(_fire(case.pk, agent), edit)

    assert isinstance(results[0], ConflictError)


def test_concurrent_edit_survives_a_racing_transition(agent, supervisor, transition_paused_after_load):
    loaded, go_on = transition_paused_after_load
    case = make_case(actor=agent)

    def edit():
        loaded.wait(timeout=10)
        try:
            return services.case_update(case_id=case.pk, actor=supervisor, changes={"severity": "high"})
        finally:
            go_on.set()

    _run_in_threads(_fire(case.pk, agent), edit)

    assert ComplaintCase.objects.get(pk=case.pk).severity == "high"
