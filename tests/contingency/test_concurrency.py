"""Concurrent cases of one spike on real PostgreSQL connections (one thread per connection)."""

import threading

import pytest
from django.db import connections

from contingency.models import Activation, ActivationCase
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)

SPIKE = 20


def _run_together(count, target) -> list:
    """Run `target()` in `count` threads lined up on a barrier; results or exceptions, in order."""
    barrier = threading.Barrier(count, timeout=30)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = target()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_concurrent_complaints_of_a_spike_make_one_activation_with_all_of_them(group, agent, mass_playbook):
    results = _run_together(SPIKE, lambda: make_case(actor=agent, category="wrong_information").pk)

    assert not [r for r in results if isinstance(r, Exception)]
    activations = list(Activation.objects.filter(playbook=mass_playbook))
    assert len(activations) == 1
    linked = set(ActivationCase.objects.filter(activation=activations[0]).values_list("case_id", flat=True))
    assert linked == set(results)


def test_concurrent_critical_cases_join_one_activation(group, agent, conduct_playbook):
    results = _run_together(8, lambda: make_case(actor=agent, severity="critical").pk)

    assert not [r for r in results if isinstance(r, Exception)]
    activation = Activation.objects.get(playbook=conduct_playbook)
    assert set(activation.case_links.values_list("case_id", flat=True)) == set(results)
