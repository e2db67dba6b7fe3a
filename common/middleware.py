"""Interface language (Simplified Chinese unless the user picked another with the switcher), and
the API's refusal of request bodies a view does not take."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings
from rest_framework.utils.mediatypes import media_type_matches


class InterfaceLanguageMiddleware(LocaleMiddleware):
    """Pages follow the language cookie set by the switcher, else LANGUAGE_CODE (zh-hans).

    Staff browsers often send an English Accept-Language while the product's working language
    is Chinese, so pages ignore that header; API clients under /api/ still negotiate with it.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            try:
                language = translation.get_supported_language_variant(chosen)
            except LookupError:
                pass
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ApiBodyGuard:
    """Under /api/, a body the view has no parser for is refused with 415 before anything reads it.

    Which types a view takes is its own choice (DRF `parser_classes`: JSON unless it says
    otherwise, e.g. the attachment upload's multipart), so a multi-gigabyte multipart body sent to
    any other endpoint never reaches Django's form parser (CSRF, `request.POST`) or a temp file.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.path_info.startswith("/api/") or not _has_body(request):
            return None
        view_class = getattr(view_func, "cls", None)
        if view_class is None:
            return None  # not a DRF view
        parsers: list[Any] = getattr(view_class, "parser_classes", None) or list(api_settings.DEFAULT_PARSER_CLASSES)
        content_type = request.META.get("CONTENT_TYPE", "")
        if any(media_type_matches(parser.media_type, content_type) for parser in parsers):
            return None
        from common.api import ErrorType, error_body  # common.api imports DRF's views machinery

        body = error_body(
            ErrorType.UNSUPPORTED_MEDIA_TYPE,
            [{"attr": None, "code": "unsupported_media_type", "detail": str(_("Send the body as JSON."))}],
        )
        response = JsonResponse(body, status=415, json_dumps_params={"ensure_ascii": False})
        response["Connection"] = "close"  # the unread body must not be taken for the next request
        return response


def _has_body(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > 0 or "HTTP_TRANSFER_ENCODING" in request.META
    except ValueError:
        return True
