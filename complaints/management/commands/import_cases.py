"""`manage.py import_cases FILE.jsonl|FILE.csv --user NAME`: the bulk intake from a file.

Each JSON line, or each CSV row (columns named like the API's fields, nested ones flattened:
`complainant.phone`; `risk_flags` separated by `;` or `,`; empty cells left out), is one create
payload with an optional `idempotency_key`. Batches of 1,000 go through the API's own validation
and `cases_import`, so a file imported twice stores its keyed cases once. Progress on stderr; a
summary of stored, replayed and refused lines; `--errors FILE` writes each refused line with its
errors as JSON lines.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints.api.import_inputs import import_batch_validate
from complaints.services.imports import MAX_BATCH, ImportOutcome, cases_import

LIST_FIELDS = {"risk_flags"}


class Command(BaseCommand):
    help = "Import complaints from a JSON-lines or CSV file as the given user (the API's bulk intake)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", required=True, help="username of the creator (an API client or an agent)"
        )
        parser.add_argument("--format", choices=["jsonl", "csv"], help="default: from the file's extension")
        parser.add_argument(
            "--errors", type=Path, help="write the refused lines and their errors here (JSON lines)"
        )
        parser.add_argument("--batch-size", type=int, default=MAX_BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {options['user']!r}")
        kind = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
        size = max(1, min(options["batch_size"], MAX_BATCH))
        total = _count_records(path, kind)
        counts = {"stored": 0, "replayed": 0, "refused": 0}
        refused: list[dict[str, Any]] = []
        done = 0
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for lines, payloads, unreadable in _batches(_records(handle, kind), size):
                for outcome_line, errors in unreadable:
                    refused.append({"line": outcome_line, "errors": errors})
                counts["refused"] += len(unreadable)
                if payloads:
                    for outcome in _import(actor, payloads):
                        line = lines[outcome.index]
                        if outcome.status == 201:
                            counts["stored"] += 1
                        elif outcome.status == 200:
                            counts["replayed"] += 1
                        else:
                            counts["refused"] += 1
                            refused.append(
                                {"line": line, "status": outcome.status, "errors": _errors(outcome)}
                            )
                done += len(payloads) + len(unreadable)
                _progress(done, total)
        sys.stderr.write("\n")
        refused.sort(key=lambda r: r["line"])
        for row in refused[:20]:
            first = row["errors"][0]
            self.stderr.write(
                f"line {row['line']}: {first['attr'] or '-'} {first['code']}: {first['detail']}"
            )
        if len(refused) > 20:
            self.stderr.write(f"… and {len(refused) - 20} more refused lines")
        if options["errors"]:
            with options["errors"].open("w", encoding="utf-8") as out:
                for row in refused:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.stdout.write(
            f"{counts['stored']} stored, {counts['replayed']} already imported, {counts['refused']} refused"
            + (f" (lines {', '.join(str(r['line']) for r in refused[:50])})" if refused else "")
        )


def _import(actor: Any, payloads: list[Any]) -> list[ImportOutcome]:
    items, invalid = import_batch_validate({"cases": payloads})
    return [*invalid, *cases_import(actor=actor, items=items)]


def _errors(outcome: ImportOutcome) -> list[dict[str, Any]]:
    return [
        {"attr": attr, "code": str(code), "detail": str(detail)}
        for attr, pairs in outcome.errors.items()
        for code, detail in pairs
    ]


def _count_records(path: Path, kind: str) -> int:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return sum(1 for _ in _records(handle, kind))


def _records(handle: Any, kind: str) -> Iterator[tuple[int, Any, list[dict[str, Any]] | None]]:
    """(line number, payload, None) per record, or (line number, None, errors) for an unreadable one."""
    if kind == "csv":
        reader = csv.DictReader(handle)
        start = 2
        for row in reader:
            yield start, _unflatten(row), None
            start = reader.line_num + 1
        return
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line), None
        except ValueError as exc:
            yield (
                number,
                None,
                [{"attr": None, "code": "invalid_json", "detail": f"JSON parse error - {exc}"}],
            )


def _batches(
    records: Iterator[tuple[int, Any, Any]], size: int
) -> Iterator[tuple[list[int], list[Any], list]]:
    lines: list[int] = []
    payloads: list[Any] = []
    unreadable: list[tuple[int, Any]] = []
    for number, payload, errors in records:
        if errors is not None:
            unreadable.append((number, errors))
        else:
            lines.append(number)
            payloads.append(payload)
        if len(payloads) + len(unreadable) >= size:
            yield lines, payloads, unreadable
            lines, payloads, unreadable = [], [], []
    if payloads or unreadable:
        yield lines, payloads, unreadable


def _unflatten(row: dict[str | None, Any]) -> dict[str, Any]:
    """A CSV row → a create payload: `complainant.phone` nests, empty cells are left out."""
    payload: dict[str, Any] = {}
    for column, value in row.items():
        if column is None or value is None or value == "":
            continue  # extra cells without a header, short rows, empty cells
        if column in LIST_FIELDS:
            value = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        target = payload
        *parents, name = column.strip().split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
            if not isinstance(target, dict):
                break
        else:
            target[name] = value
    return payload


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // total if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} lines")
    sys.stderr.flush()
