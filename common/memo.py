"""Per-process memos of rows that rarely change (tokens' users, teams, categories, SLA policies).

Intake reads them on every request; a memo keeps them in this process's memory instead. A
change clears the memo of the process that made it at once (the models' post_save/post_delete
receivers call `forget`) and, after commit, bumps a generation number in the shared cache
(Redis). Every process compares its generation at most every `check_every` seconds (one GET),
so a change made in one gunicorn worker reaches the others within `check_every` (2 s); if Redis
cannot be read, entries still expire after `max_age`. A change that sends no signal (a queryset
`update()`, raw SQL) is seen after `max_age` at the latest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")

_memos: list[ProcessMemo] = []
_now = time.monotonic  # a name of its own, so a test can move this clock alone


class ProcessMemo:
    """Values by key, loaded on a miss and kept for `max_age` seconds or until a change."""

    def __init__(self, name: str, *, max_age: float = 60.0, check_every: float = 2.0, max_entries: int = 10000) -> None:
        self.name = name
        self.max_age = max_age
        self.check_every = check_every
        self.max_entries = max_entries
        self._generation_key = f"memo:{name}:generation"
        self._generation: Any = None
        self._checked_at = float("-inf")
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        _memos.append(self)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The value for `key`, from memory if fresh, else `load()` (which is then kept)."""
        now = _now()
        if now - self._checked_at >= self.check_every:
            self._check_generation(now)
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < self.max_age:
            value: T = entry[1]
            return value
        value = load()
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (now, value)
        return value

    def discard(self, key: Hashable) -> None:
        """Drop one entry of this process (e.g. an expired token)."""
        self._entries.pop(key, None)

    def forget(self, *args: Any, **kwargs: Any) -> None:
        """Drop this process's entries now and tell the other processes after commit.

        Takes any arguments, so it can be connected to model signals as it is.
        """
        self._entries.clear()
        transaction.on_commit(self._bump)

    def forget_local(self) -> None:
        self._entries.clear()
        self._checked_at = float("-inf")

    def _bump(self) -> None:
        # Cleared again: a request of this process may have reloaded before the commit.
        self._entries.clear()
        try:
            cache.set(self._generation_key, time.time_ns(), timeout=None)
        except Exception:  # the other processes fall back to max_age
            logger.warning("memo generation not bumped", extra={"memo": self.name}, exc_info=True)

    def _check_generation(self, now: float) -> None:
        try:
            generation = cache.get(self._generation_key)
        except Exception:  # an unreachable cache must not fail the request: entries age out
            logger.warning("memo generation unavailable", extra={"memo": self.name}, exc_info=True)
            self._checked_at = now
            return
        if generation != self._generation:
            self._entries.clear()
            self._generation = generation
        self._checked_at = now


def memos_forget_local() -> None:
    """Forget every memo of this process (between tests, whose rows roll back without signals)."""
    for memo in _memos:
        memo.forget_local()
