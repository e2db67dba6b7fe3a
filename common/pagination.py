"""Keyset (cursor) pagination: each page is one indexed range scan, however deep.

The cursor holds the last row's sort value and id; the next page asks for rows strictly after
that pair, so ties on the sort value (many cases received in one second, thousands of `normal`
ones) neither repeat nor skip rows, and the cost does not grow with the page number.
No `count`: counting a million rows per page is what this avoids (docs/api-guide.md makes it optional).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from common.exceptions import ValidationFailed


@dataclass(frozen=True)
class SortKey:
    """A sortable column: `field` on the queryset and its value codec."""

    field: str
    kind: str  # "datetime" | "int"


class KeysetPagination(BasePagination):
    """`?ordering=` picks a `SortKey`; `?cursor=` continues; `?page_size=` up to `max_page_size`."""

    page_size = 25
    max_page_size = 100
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_param = "ordering"
    sort_keys: dict[str, SortKey] = {"id": SortKey("id", "int")}
    default_ordering = "id"

    def get_ordering(self, request) -> tuple[str, bool]:
        raw = request.query_params.get(self.ordering_param) or self.default_ordering
        name, descending = raw.removeprefix("-"), raw.startswith("-")
        if name not in self.sort_keys:
            choices = ", ".join(self.ordering_choices())
            raise ValidationFailed.single(
                self.ordering_param,
                "invalid_choice",
                _("Order by one of: %(choices)s.") % {"choices": choices},
            )
        return name, descending

    def ordering_choices(self) -> list[str]:
        return [f"{prefix}{name}" for name in self.sort_keys for prefix in ("", "-")]

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationFailed.single(
                self.page_size_query_param,
                "invalid",
                _("Give a page size from 1 to %(max)d.") % {"max": self.max_page_size},
            )
        return size

    def _decode_cursor(self, request, key: SortKey) -> tuple[Any, int, bool] | None:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        invalid = ValidationFailed.single(self.cursor_query_param, "invalid", _("This cursor is not valid."))
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"==").decode())
            value, pk, backwards = data["v"], int(data["i"]), bool(data.get("b"))
        except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
            raise invalid from None
        if key.kind == "datetime":
            value = parse_datetime(value) if isinstance(value, str) else None
        elif key.kind == "int":
            value = value if isinstance(value, int) and not isinstance(value, bool) else None
        if value is None or not -(2**63) < pk < 2**63:
            raise invalid
        return value, pk, backwards

    def _encode_cursor(self, key: SortKey, row, backwards: bool) -> str:
        value = getattr(row, key.field)
        if key.kind == "datetime":
            value = value.isoformat()
        payload = json.dumps({"v": value, "i": row.pk, "b": backwards}, separators=(",", ":"))
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:  # type: ignore[override]
        self.request = request
        name, descending = self.get_ordering(request)
        key = self.sort_keys[name]
        size = self.get_page_size(request)
        cursor = self._decode_cursor(request, key)
        backwards = bool(cursor and cursor[2])
        # Walking backwards is walking forwards in the reverse order, then flipping the page.
        scan_descending = descending != backwards
        if cursor:
            value, pk, _ = cursor
            op = "lt" if scan_descending else "gt"
            # The redundant `<=`/`>=` bound lets the index scan start at the cursor instead of
            # filtering every earlier row (the OR alone is not an index condition).
            queryset = queryset.filter(
                Q(**{f"{key.field}__{op}e": value}),
                Q(**{f"{key.field}__{op}": value}) | Q(**{key.field: value, f"pk__{op}": pk}),
            )
        prefix = "-" if scan_descending else ""
        rows = list(queryset.order_by(f"{prefix}{key.field}", f"{prefix}pk")[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        self.key, self.rows = key, rows
        self.has_next = True if backwards else has_more
        self.has_previous = has_more if backwards else cursor is not None
        return rows

    def _link(self, row, backwards: bool) -> str:
        url = self.request.build_absolute_uri()
        return replace_query_param(
            url, self.cursor_query_param, self._encode_cursor(self.key, row, backwards)
        )

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.rows:
            return None
        return self._link(self.rows[-1], backwards=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous or not self.rows:
            return None
        return self._link(self.rows[0], backwards=True)

    def get_first_link(self) -> str:
        return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)

    def get_paginated_response(self, data) -> Response:
        return Response(
            OrderedDict(
                [("next", self.get_next_link()), ("previous", self.get_previous_link()), ("results", data)]
            )
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "example": "https://example.cn/api/v1/complaints/?cursor=eyJ2IjoiMjAyNi0xMS0yOFQxMDowMDowMCswODowMCIsImkiOjEyMywiYiI6ZmFsc2V9",
                },
                "previous": {"type": "string", "nullable": True, "format": "uri", "example": None},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": _("Opaque position from a `next` or `previous` link."),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": _("Rows per page (default %(default)d).") % {"default": self.page_size},
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": _("Sort order; a leading - sorts descending. Ties are broken by id."),
                "schema": {
                    "type": "string",
                    "enum": self.ordering_choices(),
                    "default": self.default_ordering,
                },
            },
        ]
