"""Per-process memos: a change in one process reaches the others through the shared generation."""

import pytest

from common.memo import ProcessMemo


class Rows:
    def __init__(self, value):
        self.value = value
        self.loads = 0

    def load(self):
        self.loads += 1
        return self.value


@pytest.fixture
def two_processes():
    """Two memos of one name stand for the same memo in two gunicorn workers."""
    name = "test.two_processes"
    return ProcessMemo(name, check_every=0), ProcessMemo(name, check_every=0)


@pytest.mark.django_db
def test_a_memo_loads_once_while_nothing_changes(two_processes):
    worker, _other = two_processes
    rows = Rows("v1")

    values = [worker.get("k", rows.load) for _ in range(3)]

    assert (values, rows.loads) == (["v1", "v1", "v1"], 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("committed", "seen"), [(True, "v2"), (False, "v1")], ids=["committed", "not-yet-committed"])
def test_a_change_in_one_process_reloads_the_other_once_committed(
    two_processes, django_capture_on_commit_callbacks, committed, seen
):
    worker, other = two_processes
    rows = Rows("v1")
    worker.get("k", rows.load)
    rows.value = "v2"

    with django_capture_on_commit_callbacks(execute=committed):
        other.forget()

    assert worker.get("k", rows.load) == seen


def test_an_entry_older_than_max_age_is_reloaded_without_any_signal(monkeypatch):
    memo = ProcessMemo("test.max_age", max_age=30, check_every=3600)
    rows = Rows("v1")
    clock = iter([1000.0, 1031.0])
    monkeypatch.setattr("common.memo._now", lambda: next(clock))
    memo.get("k", rows.load)
    rows.value = "v2"

    assert memo.get("k", rows.load) == "v2"
