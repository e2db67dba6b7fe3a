"""The OpenAPI schema as the app serves it at /api/schema/ (which needs a login), generated in
process for the schemathesis tests."""

from __future__ import annotations

import json

import schemathesis
from django.core.wsgi import get_wsgi_application


def generated_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def wsgi_schema(*, path_regex: str):
    """The schema limited to `path_regex`, calling the WSGI app in process."""
    schema = schemathesis.openapi.from_dict(generated_schema()).include(path_regex=path_regex)
    schema.app = get_wsgi_application()
    return schema
