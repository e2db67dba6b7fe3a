"""Active playbook triggers, cached per process, and the matching of a case against them.

Intake pays for the trigger check on every case, so the active triggers are held in memory
and reloaded only when a playbook version changes: a save clears this process's copy at once
and bumps a generation number in the shared cache, which other processes compare at most
every `CHECK_EVERY` seconds. The activation itself re-reads the version under a lock, so a
stale copy can at worst miss or re-check a trigger for that short while.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache

from complaints.choices import SEVERITY_RANK
from contingency.choices import VersionStatus

logger = logging.getLogger(__name__)

GENERATION_KEY = "contingency:triggers:generation"
CHECK_EVERY = 2.0
MAX_AGE = 60.0


@dataclass(frozen=True)
class ActiveTrigger:
    playbook_id: int
    version_id: int
    category_id: int | None  # None: every category
    min_rank: int | None
    risk_flags: frozenset[str]
    volume_count: int | None
    volume_window: timedelta | None

    def applies_to(self, category_id: int) -> bool:
        return self.category_id is None or self.category_id == category_id

    def matches_case(self, *, severity: str, risk_flags) -> bool:
        """Severity at or above the minimum, or any of the risk flags (the volume is counted apart)."""
        if self.min_rank is not None and SEVERITY_RANK.get(severity, -1) >= self.min_rank:
            return True
        return bool(self.risk_flags.intersection(risk_flags or ()))


_lock = threading.Lock()
_state: dict = {"triggers": None, "loaded_at": 0.0, "checked_at": 0.0, "generation": None}


def _generation():
    try:
        return cache.get(GENERATION_KEY)
    except Exception:  # an unreachable cache must not fail intake: fall back to the age limit
        logger.warning("trigger generation unavailable", exc_info=True)
        return _state["generation"]


def _load() -> list[ActiveTrigger]:
    from contingency.models import PlaybookVersion

    triggers = []
    for version_id, playbook_id, category_id, trigger in PlaybookVersion.objects.filter(
        status=VersionStatus.ACTIVE
    ).values_list("pk", "playbook_id", "playbook__category_id", "trigger"):
        trigger = trigger or {}
        volume = trigger.get("volume") or {}
        min_severity = trigger.get("min_severity")
        triggers.append(
            ActiveTrigger(
                playbook_id=playbook_id,
                version_id=version_id,
                category_id=category_id,
                min_rank=SEVERITY_RANK.get(min_severity) if min_severity else None,
                risk_flags=frozenset(trigger.get("risk_flags_any") or ()),
                volume_count=volume.get("count"),
                volume_window=timedelta(seconds=volume["window"]) if volume.get("window") else None,
            )
        )
    return triggers


def active_triggers() -> list[ActiveTrigger]:
    """The triggers of every active playbook version (cached; see the module docstring)."""
    now = time.monotonic()
    with _lock:
        triggers = _state["triggers"]
        if triggers is not None and now - _state["checked_at"] < CHECK_EVERY:
            return triggers
        generation = _generation()
        if triggers is not None and generation == _state["generation"] and now - _state["loaded_at"] < MAX_AGE:
            _state["checked_at"] = now
            return triggers
        triggers = _load()
        _state.update(triggers=triggers, loaded_at=now, checked_at=now, generation=generation)
        return triggers


def triggers_forget(*args, **kwargs) -> None:
    """Drop this process's copy and tell the others (connected to playbook saves)."""
    with _lock:
        _state["triggers"] = None
    try:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:
        logger.warning("trigger generation not bumped", exc_info=True)
