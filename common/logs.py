"""Log formatters that print what the code passes in `extra={...}`.

Production writes one JSON object per line (python-json-logger); local and test settings write
readable lines with the extras appended as `key=value`. Neither adds anything the caller did not
pass, so the rule stays the caller's: ids, codes and counts in `extra`, never personal data.
"""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

# Django's request loggers attach the request object (and the server's socket); printing them
# adds nothing the message lacks and could pull in headers. Leave them out of both formats.
DROPPED = {"request", "server_time", "taskName", "color_message"}
STANDARD = set(RESERVED_ATTRS) | {"message", "asctime"} | DROPPED


def record_extras(record: logging.LogRecord) -> dict[str, Any]:
    """The `extra={...}` fields of a record, in the order they were passed."""
    return {key: value for key, value in record.__dict__.items() if key not in STANDARD and not key.startswith("_")}


def _plain(value: Any) -> str:
    text = str(value)
    if not text or any(c.isspace() or c in "\"=" for c in text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text


class PlainFormatter(logging.Formatter):
    """`2026-12-02 10:00:00,123 INFO complaints.services case created case_id=12 state=intake`."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, style: Any = "%", **kwargs: Any):
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s %(message)s", datefmt, style, **kwargs)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        line = super().formatMessage(record)
        extras = record_extras(record)
        if extras:
            line += " " + " ".join(f"{key}={_plain(value)}" for key, value in extras.items())
        return line


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: timestamp, level, logger, message, then the extras."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("reserved_attrs", sorted(STANDARD - {"message", "asctime"}))
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger", "asctime": "time"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", *args, **kwargs)
