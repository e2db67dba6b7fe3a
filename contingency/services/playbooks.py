"""Playbooks and their versions: draft → active → retired; an active version is never edited.

Editing an active playbook (PATCH with content) writes the next version, activates it and
retires the old one in one transaction, so activations keep the version they started with.
A draft is edited in place. All writes lock the playbook row, so two editors cannot both
make "version 3". Input arrives validated by the API's input serializers; versions hold
durations in seconds.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ActionNotPermitted, TransitionNotAllowed, ValidationFailed
from contingency import selectors
from contingency.choices import VersionStatus
from contingency.models import Playbook, PlaybookVersion, Review
from contingency.triggers import triggers_forget

logger = logging.getLogger(__name__)

CONTENT_FIELDS = ("key_points", "key_points_en", "trigger", "steps")
IDENTITY_FIELDS = {"name": "name_zh", "name_zh": "name_zh", "name_en": "name_en", "category": "category"}


def _require_writer(actor) -> None:
    if not actor.has_perm("contingency.write_playbooks"):
        raise ActionNotPermitted(_("Only the emergency lead may change playbooks."))


def _forget_triggers() -> None:
    triggers_forget()
    transaction.on_commit(triggers_forget)


def _next_number(playbook: Playbook) -> int:
    return (playbook.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def _activate(version: PlaybookVersion, *, at) -> None:
    """Make `version` the playbook's active one, retiring the previous (caller holds the playbook lock)."""
    for old in PlaybookVersion.objects.filter(playbook_id=version.playbook_id, status=VersionStatus.ACTIVE).exclude(
        pk=version.pk
    ):
        old.retire(at=at)
        old.save()
    version.activate(at=at)
    version.save()


def _lock(playbook_id: int) -> Playbook:
    return Playbook.objects.select_for_update().get(pk=playbook_id)


def playbook_create(*, actor, data: dict) -> Playbook:
    """A new playbook with version 1 (a draft unless `status` is active)."""
    _require_writer(actor)
    status = data.get("status") or VersionStatus.DRAFT
    if status == VersionStatus.RETIRED:
        raise ValidationFailed.single("status", "invalid_choice", _("A new playbook is a draft or active."))
    with transaction.atomic():
        playbook = Playbook.objects.create(
            name_zh=data["name"], name_en=data.get("name_en", ""), category=data.get("category")
        )
        version = PlaybookVersion.objects.create(
            playbook=playbook, number=1, created_by=actor, **{k: data.get(k) or _empty(k) for k in CONTENT_FIELDS}
        )
        if status == VersionStatus.ACTIVE:
            _activate(version, at=timezone.now())
        _forget_triggers()
    logger.info("playbook created", extra={"playbook_id": playbook.pk, "status": status})
    return playbook


def _empty(field: str):
    return {} if field == "trigger" else []


def playbook_update(*, actor, playbook_id, data: dict) -> Playbook:
    """PATCH: name/category on the playbook; content makes a new version of an active one or edits
    the draft; `status` active activates the newest draft, retired retires the active version."""
    _require_writer(actor)
    current = selectors.playbook_get_for(actor=actor, playbook_id=playbook_id)
    with transaction.atomic():
        playbook = _lock(current.pk)
        now = timezone.now()
        for key, field in IDENTITY_FIELDS.items():
            if key in data:
                setattr(playbook, field, data[key] if data[key] is not None or field == "category" else "")
        playbook.save()
        versions = list(PlaybookVersion.objects.filter(playbook=playbook).order_by("number"))
        active = next((v for v in versions if v.status == VersionStatus.ACTIVE), None)
        content = {k: data[k] for k in CONTENT_FIELDS if k in data}
        status = data.get("status")
        if content:
            base = active or versions[-1]
            if base.status == VersionStatus.DRAFT:
                for key, value in content.items():
                    setattr(base, key, value)
                base.save()
                target = base
            else:
                target = PlaybookVersion.objects.create(
                    playbook=playbook, number=_next_number(playbook), created_by=actor, based_on=base,
                    **{k: content.get(k, getattr(base, k)) for k in CONTENT_FIELDS},
                )
                if base.status == VersionStatus.ACTIVE:
                    _activate(target, at=now)
        else:
            target = versions[-1]
        if status == VersionStatus.ACTIVE and target.status != VersionStatus.ACTIVE:
            if target.status != VersionStatus.DRAFT:
                raise TransitionNotAllowed(_("Only a draft version can be activated."))
            _activate(target, at=now)
        elif status == VersionStatus.RETIRED and active is not None:
            active.refresh_from_db()
            if active.status == VersionStatus.ACTIVE:
                active.retire(at=now)
                active.save()
        elif status == VersionStatus.DRAFT and not content and target.status != VersionStatus.DRAFT:
            raise TransitionNotAllowed(_("An active or retired version cannot become a draft again."))
        _forget_triggers()
    return selectors.playbook_get_for(actor=actor, playbook_id=playbook.pk)


def playbook_version_update(*, actor, playbook_id, number, data: dict) -> PlaybookVersion:
    """Edit a draft version in place (409 for an active or retired one)."""
    _require_writer(actor)
    version = selectors.playbook_version_get_for(actor=actor, playbook_id=playbook_id, number=number)
    with transaction.atomic():
        _lock(version.playbook_id)
        version = PlaybookVersion.objects.get(pk=version.pk)
        if version.status != VersionStatus.DRAFT:
            raise TransitionNotAllowed(_("Only a draft can be edited; edit the playbook to make a new version."))
        for key in CONTENT_FIELDS:
            if key in data:
                setattr(version, key, data[key])
        version.save()
    return version


def playbook_version_activate(*, actor, playbook_id, number) -> PlaybookVersion:
    """Activate a draft (the active version, if any, is retired)."""
    _require_writer(actor)
    version = selectors.playbook_version_get_for(actor=actor, playbook_id=playbook_id, number=number)
    with transaction.atomic():
        _lock(version.playbook_id)
        version = PlaybookVersion.objects.get(pk=version.pk)
        if version.status != VersionStatus.DRAFT:
            raise TransitionNotAllowed(_("Only a draft version can be activated."))
        _activate(version, at=timezone.now())
        _forget_triggers()
    return version


def playbook_version_propose(*, actor, playbook_id, review_id: int | None = None) -> PlaybookVersion:
    """A new draft copying the playbook's current version; with a review, its improvements are
    appended to the key points (总结 → 不断完善应急预案) and the review points at the draft."""
    _require_writer(actor)
    playbook = selectors.playbook_get_for(actor=actor, playbook_id=playbook_id)
    review = None
    if review_id is not None:
        review = Review.objects.select_related("activation").filter(pk=review_id).first()
        if review is None or review.activation.playbook_id != playbook.pk:
            raise ValidationFailed.single("review", "does_not_exist", _("No review of this playbook has that id."))
    with transaction.atomic():
        locked = _lock(playbook.pk)
        base = selectors.playbook_current_version(selectors.playbook_get_for(actor=actor, playbook_id=playbook.pk))
        assert base is not None
        key_points, key_points_en = list(base.key_points), list(base.key_points_en)
        if review is not None:
            improvements = [line.strip() for line in review.improvements.splitlines() if line.strip()]
            key_points += improvements
            key_points_en += improvements
        draft = PlaybookVersion.objects.create(
            playbook=locked, number=_next_number(locked), created_by=actor, based_on=base,
            key_points=key_points, key_points_en=key_points_en, trigger=base.trigger, steps=base.steps,
        )
        if review is not None:
            Review.objects.filter(pk=review.pk).update(proposed_version=draft)
    logger.info("playbook version proposed", extra={"playbook_id": playbook.pk, "number": draft.number})
    return draft
