"""The complaints API's keyset paginations: cases by received/created time or severity, timelines by id."""

from common.pagination import KeysetPagination, SortKey


class CasePagination(KeysetPagination):
    sort_keys = {
        "received_at": SortKey("received_at", "datetime"),
        "created_at": SortKey("created_at", "datetime"),
        "severity": SortKey("severity_rank", "int"),
    }
    default_ordering = "-received_at"


class TimelinePagination(KeysetPagination):
    page_size = 100
    max_page_size = 500
    sort_keys = {"id": SortKey("id", "int")}
    default_ordering = "id"
