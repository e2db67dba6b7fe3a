"""Interface language: Simplified Chinese unless the user picked another with the switcher."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
