"""Input of the bulk intake (`POST /api/v1/complaints/import/`, `manage.py import_cases`).

Each item is a create payload validated by the create's own serializer (`CaseCreateSerializer`),
so it gets the same errors, named `cases[17].complainant.phone`; plus an optional
`idempotency_key`. Categories are read once per batch instead of once per item.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers

from common.api import error_items
from common.exceptions import ValidationFailed
from common.idempotency import KEY_RE, request_fingerprint
from common.serializers import storable_text
from complaints import selectors
from complaints.api.inputs import CaseCreateSerializer, CategoryField
from complaints.models import Category
from complaints.services.imports import MAX_BATCH, ImportItem, ImportOutcome

ROOT = "cases"


class BatchCategoryField(CategoryField):
    """`CategoryField` answered from the batch's one read of the active categories (`context["categories"]`)."""

    def to_internal_value(self, data: Any) -> Category:
        categories: dict[str, Category] = self.context["categories"]
        looks_like_code = isinstance(data, str) and len(data) <= 40 and storable_text(data)
        category = categories.get(data) if looks_like_code else None
        if category is None:
            self.fail("invalid_choice", code=str(data)[:50].replace("\x00", ""))
        return category


class CaseImportItemSerializer(CaseCreateSerializer):
    """One item of a batch: a create payload (the key is taken off before)."""

    category = BatchCategoryField(help_text=gettext_lazy("A category code from GET /api/v1/categories/."))


class CaseImportItemSchema(CaseCreateSerializer):
    """For the schema: an item is a create payload plus its optional key."""

    idempotency_key = serializers.CharField(
        required=False,
        max_length=255,
        help_text=gettext_lazy(
            "Up to 255 visible ASCII characters, one per case you mean once; a key used before returns its case."
        ),
    )


class CaseImportSchema(serializers.Serializer):
    cases = CaseImportItemSchema(many=True, help_text=gettext_lazy("1 to 1,000 create payloads."))


def import_batch_validate(data: Any) -> tuple[list[ImportItem], list[ImportOutcome]]:
    """The valid items of `{"cases": [...]}` and a 400 outcome for each invalid one (attrs relative to the item).

    Raises ValidationFailed (a 400 for the whole request) when the body is not an object with a
    list of 1 to MAX_BATCH cases.
    """
    cases = data.get(ROOT) if isinstance(data, dict) else None
    if not isinstance(cases, list) or not cases:
        raise ValidationFailed.single(ROOT, "required", _('Send {"cases": [...]} with at least one case.'))
    if len(cases) > MAX_BATCH:
        raise ValidationFailed.single(
            ROOT, "max_length", _("At most %(max)d cases a request.") % {"max": MAX_BATCH}
        )
    # One serializer for every item, as DRF's ListSerializer reuses its child: building the
    # fields (deep copies) is most of the cost of validating an item.
    serializer = CaseImportItemSerializer(
        context={"categories": {c.code: c for c in selectors.category_list_active()}}
    )
    items, refused = [], []
    for index, raw in enumerate(cases):
        item = _item_validate(index, raw, serializer)
        if isinstance(item, ImportOutcome):
            refused.append(item)
        else:
            items.append(item)
    return items, refused


def _item_validate(index: int, raw: Any, serializer: CaseImportItemSerializer) -> ImportItem | ImportOutcome:
    if not isinstance(raw, dict):
        return ImportOutcome(
            index=index, status=400, errors={None: [("invalid", _("Send each case as a JSON object."))]}
        )
    body = dict(raw)
    key = body.pop("idempotency_key", None)
    errors: dict[str | None, list[tuple[str, str]]] = {}
    if key is not None and not (isinstance(key, str) and KEY_RE.match(key)):
        errors["idempotency_key"] = [("invalid", _("Give 1 to 255 visible ASCII characters."))]
    data: dict[str, Any] = {}
    try:
        data = dict(serializer.run_validation(body))
    except exceptions.ValidationError as exc:
        for error in error_items(exc):
            errors.setdefault(error["attr"], []).append((error["code"], error["detail"]))
    if errors:
        return ImportOutcome(index=index, status=400, errors=errors)
    return ImportItem(index=index, data=data, idempotency_key=key, fingerprint=request_fingerprint(body))


def item_attr(index: int, attr: str | None) -> str:
    """An item's error attr as the API names it: `cases[17].complainant.phone`, `cases[17]` for the item."""
    return f"{ROOT}[{index}]" + (f".{attr}" if attr else "")
