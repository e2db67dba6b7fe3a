"""The API's one error shape and request-size limit (docs/api-guide.md "Basics"); throttles are in accounts.throttles.

Every error leaves the API as
`{"type": "validation_error", "errors": [{"attr": "category", "code": "invalid_choice", "detail": "..."}]}`.
Domain exceptions from services (`common.exceptions`), DRF's own exceptions and Django's
`Http404`/`PermissionDenied`/`RequestDataTooBig` are mapped here; anything else is a bug, logged
and answered with a JSON 500.
"""

from __future__ import annotations

import io
import json
import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, parsers, renderers, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from common.exceptions import (
    ActionNotPermitted,
    ConflictError,
    DomainError,
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
)

logger = logging.getLogger(__name__)

NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "detail"}


class ErrorType:
    VALIDATION = "validation_error"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    INVALID_TRANSITION = "invalid_transition"
    CONFLICT = "conflict"
    REQUEST_TOO_LARGE = "request_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"

    ALL = [
        VALIDATION,
        NOT_AUTHENTICATED,
        PERMISSION_DENIED,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        NOT_ACCEPTABLE,
        INVALID_TRANSITION,
        CONFLICT,
        REQUEST_TOO_LARGE,
        UNSUPPORTED_MEDIA_TYPE,
        THROTTLED,
        SERVER_ERROR,
    ]


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "request_too_large"


def error_body(error_type: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": error_type, "errors": errors}


def _item(attr: str | None, code: str, detail: Any) -> dict[str, Any]:
    return {"attr": attr, "code": str(code), "detail": str(detail)}


def _flatten(detail: Any, prefix: str | None = None) -> list[dict[str, Any]]:
    """DRF's nested `get_full_details()` → one item per bad field, attrs dotted (`complainant.phone`)."""
    if isinstance(detail, dict) and set(detail) == {"message", "code"}:
        return [_item(prefix, detail["code"], detail["message"])]
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            attr = (
                None
                if key in NON_FIELD_KEYS and prefix is None
                else (f"{prefix}.{key}" if prefix else str(key))
            )
            items.extend(_flatten(value, attr))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            # A list of errors for one field keeps the field's attr; a list of objects gets indexes.
            nested = isinstance(value, dict) and set(value) != {"message", "code"}
            attr = (f"{prefix}.{index}" if prefix else str(index)) if nested else prefix
            items.extend(_flatten(value, attr))
        return items
    return [_item(prefix, "invalid", detail)]


def _domain_response(exc: DomainError) -> Response:
    if isinstance(exc, ValidationFailed):
        items = [_item(attr, code, msg) for attr, pairs in exc.errors.items() for code, msg in pairs]
        return Response(error_body(ErrorType.VALIDATION, items), status=status.HTTP_400_BAD_REQUEST)
    mapping = {
        ActionNotPermitted: (status.HTTP_403_FORBIDDEN, ErrorType.PERMISSION_DENIED),
        NotFound: (status.HTTP_404_NOT_FOUND, ErrorType.NOT_FOUND),
        TransitionNotAllowed: (status.HTTP_409_CONFLICT, ErrorType.INVALID_TRANSITION),
        ConflictError: (status.HTTP_409_CONFLICT, ErrorType.CONFLICT),
    }
    for cls, (code, error_type) in mapping.items():
        if isinstance(exc, cls):
            return Response(
                error_body(error_type, [_item(None, exc.code, exc.detail or error_type)]), status=code
            )
    return Response(
        error_body(ErrorType.VALIDATION, [_item(None, exc.code, exc.detail)]),
        status=status.HTTP_400_BAD_REQUEST,
    )


_API_TYPES = {
    exceptions.ValidationError: ErrorType.VALIDATION,
    exceptions.ParseError: ErrorType.VALIDATION,
    exceptions.NotAuthenticated: ErrorType.NOT_AUTHENTICATED,
    exceptions.AuthenticationFailed: ErrorType.NOT_AUTHENTICATED,
    exceptions.PermissionDenied: ErrorType.PERMISSION_DENIED,
    exceptions.NotFound: ErrorType.NOT_FOUND,
    exceptions.MethodNotAllowed: ErrorType.METHOD_NOT_ALLOWED,
    exceptions.NotAcceptable: ErrorType.NOT_ACCEPTABLE,
    exceptions.UnsupportedMediaType: ErrorType.UNSUPPORTED_MEDIA_TYPE,
    exceptions.Throttled: ErrorType.THROTTLED,
    RequestTooLarge: ErrorType.REQUEST_TOO_LARGE,
}


def _api_response(exc: exceptions.APIException) -> Response:
    error_type = next((t for cls, t in _API_TYPES.items() if isinstance(exc, cls)), None)
    if error_type is None:
        error_type = ErrorType.VALIDATION if exc.status_code == 400 else exc.default_code
    headers = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    if isinstance(exc, exceptions.Throttled):
        # RFC 9110: whole seconds; never 0, or clients retry at once.
        headers["Retry-After"] = str(max(1, math.ceil(getattr(exc, "wait", None) or 1)))
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict | list):
        items = _flatten(exc.get_full_details())
    else:
        items = [_item(None, getattr(exc.detail, "code", exc.default_code), exc.detail)]
    status_code = exc.status_code
    if error_type == ErrorType.NOT_AUTHENTICATED and not headers.get("WWW-Authenticate"):
        status_code = status.HTTP_401_UNAUTHORIZED
        headers["WWW-Authenticate"] = "Token"
    return Response(error_body(error_type, items), status=status_code, headers=headers)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every error in the API guide's one shape."""
    if isinstance(exc, DomainError):
        return _domain_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ValidationError({"detail": _("The request is malformed.")}, code="invalid")
    if isinstance(exc, exceptions.APIException):
        return _api_response(exc)
    view = context.get("view")
    logger.error(
        "unhandled API error",
        extra={"view": type(view).__name__ if view else None, "exc_type": type(exc).__name__},
        exc_info=exc,
    )
    return Response(
        error_body(ErrorType.SERVER_ERROR, [_item(None, "server_error", _("An internal error occurred."))]),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


# -- request size ---------------------------------------------------------------------------


class LimitedJSONParser(parsers.JSONParser):
    """JSON bodies above `max_bytes` (`DATA_UPLOAD_MAX_MEMORY_SIZE`, 1 MB) are refused with 413
    before parsing; an endpoint with a larger contract limit uses a subclass overriding it."""

    @property
    def max_bytes(self) -> int | None:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def parse(self, stream, media_type=None, parser_context=None):
        limit = self.max_bytes
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            declared = int(length) if length else None
        except ValueError:
            declared = None
        if limit is not None and declared is not None and declared > limit:
            raise RequestTooLarge()
        if limit is not None and stream is not None:
            # Chunked bodies carry no length: read at most one byte past the limit.
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise RequestTooLarge()
            stream = io.BytesIO(body)
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # Deeply nested arrays fit in 1 MB and exhaust the decoder's stack: bad input, not a bug.
            raise exceptions.ParseError(_("JSON nested too deeply.")) from None


class LargeJSONParser(parsers.BaseParser):
    """JSON with an endpoint's own body limit above 1 MB (`max_bytes`, set by a subclass).

    Not a JSONParser subclass on purpose: DRF reads JSON bodies through `request.body`, which
    Django caps at DATA_UPLOAD_MAX_MEMORY_SIZE; this parser reads the stream itself, at most one
    byte past its limit.
    """

    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    @property
    def max_bytes(self) -> int:
        raise NotImplementedError

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except ValueError:
            declared = 0
        if declared > self.max_bytes:
            raise RequestTooLarge()
        body = stream.read(self.max_bytes + 1) if stream is not None else b""
        if len(body) > self.max_bytes:
            raise RequestTooLarge()
        try:
            return json.loads(body.decode("utf-8"), parse_constant=_no_json_constants)
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        except RecursionError:
            raise exceptions.ParseError(_("JSON nested too deeply.")) from None


def _no_json_constants(name: str):
    raise ValueError(f"{name} is not valid JSON")


# -- schema ---------------------------------------------------------------------------------


class ErrorItemSerializer(serializers.Serializer):
    attr = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy("The field at fault, dotted for nested fields; null for the whole request."),
    )
    code = serializers.CharField(
        help_text=gettext_lazy("Machine-readable reason, e.g. required, invalid_choice, max_length.")
    )
    detail = serializers.CharField(
        help_text=gettext_lazy("Human-readable explanation in the user's language.")
    )


class ErrorSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ErrorType.ALL)
    errors = ErrorItemSerializer(many=True)  # type: ignore[assignment]  # a field named like Serializer.errors


ERROR_DESCRIPTIONS = {
    400: "Bad input: every bad field is named with a code.",
    401: "Not authenticated.",
    403: "Authenticated but not allowed to do this.",
    404: "No such object, or one the user may not see.",
    409: "Illegal transition, stale version or reused Idempotency-Key.",
    413: "JSON body larger than 1 MB.",
    415: "Body is not JSON.",
    429: "Throttled; see Retry-After.",
}


def error_responses(*codes: int, **descriptions: str) -> dict[int, OpenApiResponse]:
    """Schema entries for error statuses; `e409="..."` overrides one status's description."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=descriptions.get(f"e{code}", ERROR_DESCRIPTIONS[code]))
        for code in codes
    }


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> dict[str, Any]:
    """Run an input serializer on `data`; a bad field raises DRF's ValidationError (a 400 naming it)."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def error_items(error: exceptions.ValidationError) -> list[dict[str, Any]]:
    """A validation error in the API's item shape (`attr` dotted), for forms, the admin and tests."""
    return _flatten(error.get_full_details())


def json_object(data: Any) -> dict:
    """The request body as a dict; a body that is not a JSON object is a 400, like a bad field."""
    if data is None or data == {}:
        return {}
    if not isinstance(data, dict):
        raise exceptions.ValidationError(
            {"non_field_errors": [exceptions.ErrorDetail(_("Send a JSON object."), code="invalid")]}
        )
    return dict(data)


def error_example(
    name: str, error_type: str, attr: str | None, code: str, detail: str, *, status_codes: list[str]
) -> OpenApiExample:
    return OpenApiExample(
        name,
        value=error_body(error_type, [_item(attr, code, detail)]),
        response_only=True,
        status_codes=status_codes,
    )


COMMON_ERROR_EXAMPLES = [
    error_example(
        "未登录",
        ErrorType.NOT_AUTHENTICATED,
        None,
        "not_authenticated",
        "身份认证信息未提供。",
        status_codes=["401"],
    ),
    error_example(
        "无权操作",
        ErrorType.PERMISSION_DENIED,
        None,
        "permission_denied",
        "您无权对该投诉执行此操作。",
        status_codes=["403"],
    ),
    error_example("不存在", ErrorType.NOT_FOUND, None, "not_found", "投诉不存在。", status_codes=["404"]),
    error_example(
        "请求过于频繁",
        ErrorType.THROTTLED,
        None,
        "throttled",
        "请求过于频繁，请 30 秒后重试。",
        status_codes=["429"],
    ),
]


# -- Django-level errors under /api/ ---------------------------------------------------------


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def page_not_found(request, exception=None):
    """`handler404`: an unknown URL under /api/ gets the API's JSON error, pages the HTML one."""
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    body = error_body(ErrorType.NOT_FOUND, [_item(None, "not_found", _("Not found."))])
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})


def server_error(request):
    """`handler500`: a crash outside DRF under /api/ still answers in the API's JSON shape."""
    if not _is_api(request):
        return defaults.server_error(request)
    body = error_body(ErrorType.SERVER_ERROR, [_item(None, "server_error", _("An internal error occurred."))])
    return JsonResponse(body, status=500, json_dumps_params={"ensure_ascii": False})
