"""The floor: the API's authentication, throttles, JSON parsing and rendering, and one INSERT."""

from __future__ import annotations

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import FloorRow


class FloorView(APIView):
    def post(self, request: Request) -> Response:
        body = request.data.get("body", "") if isinstance(request.data, dict) else ""
        row = FloorRow.objects.create(body=str(body)[:200])
        return Response({"id": row.pk, "body": row.body}, status=status.HTTP_201_CREATED)
