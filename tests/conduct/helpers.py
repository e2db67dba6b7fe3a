"""Builders for contact rows (API shape) and engine contacts (rule-engine shape)."""

from __future__ import annotations

from datetime import datetime
from itertools import count
from zoneinfo import ZoneInfo

from conduct.rules_engine import Contact

SHANGHAI = ZoneInfo("Asia/Shanghai")
ACCOUNT = "LN-2024-88812"  # the account of tests.factories.case_payload
_ids = count(1)


def local(day: int, hour: int, minute: int = 0, *, month: int = 11) -> datetime:
    """A time in Asia/Shanghai in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def contact(at: datetime, **overrides) -> Contact:
    """An outbound answered call to the debtor unless overridden."""
    n = next(_ids)
    values = {
        "id": n, "source_id": f"S{n}", "at": at, "channel": "call", "direction": "outbound",
        "outcome": "answered", "party": "debtor", "number_key": "k-debtor", "collector": "王五",
        "agency": "甲资产管理公司",
    }
    values.update(overrides)
    return Contact(**values)


def row(source_id: str, at: str = "2026-11-03T10:00:00+08:00", **overrides) -> dict:
    """One contact in the API's import shape."""
    data = {
        "source_id": source_id,
        "account_reference": ACCOUNT,
        "at": at,
        "channel": "call",
        "direction": "outbound",
        "outcome": "answered",
        "party": "debtor",
        "contacted_number": "13800001234",
        "collector": "催收员 王五",
        "agency": "甲资产管理公司",
    }
    data.update(overrides)
    return data
