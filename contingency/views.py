"""Server-rendered pages of the contingency app (README "Pages" contingency paths).

Views check the role (a page the role may not use is a 404, like an object it may not see),
bind a form, call one service or selector and render. Domain errors become a message next to
the form (validation) or at the top of the page (conflicts, refusals).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.exceptions import DomainError, NotFound, ValidationFailed
from contingency import forms, selectors, services
from contingency.choices import Department, VersionStatus
from contingency.services.response import TRANSITIONS


def _guard(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise Http404


def _refused(request: HttpRequest, exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed):
        for _attr, pairs in exc.errors.items():
            for _code, message in pairs:
                messages.error(request, message)
    else:
        messages.error(request, exc.detail or _("That is not possible now."))


# -- the group -------------------------------------------------------------------------------


@login_required
def group(request: HttpRequest) -> HttpResponse:
    _guard(request, "contingency.read_group")
    now = timezone.now()
    return render(request, "contingency/group.html", {
        "members": selectors.group_member_list(),
        "shifts": selectors.shifts_between(start=now, end=now + timedelta(days=7)),
        "gaps": selectors.members_untrained(),
        "records": selectors.training_list_for(actor=request.user)[:20],
    })


# -- playbooks -------------------------------------------------------------------------------


@login_required
def playbook_list(request: HttpRequest) -> HttpResponse:
    playbooks = selectors.playbook_list_for(actor=request.user) if request.user.has_perm(
        "contingency.read_playbooks") else None
    if playbooks is None:
        raise Http404
    rows = [(p, selectors.playbook_current_version(p)) for p in playbooks]
    return render(request, "contingency/playbook_list.html", {"rows": rows})


def _playbook_or_404(request, pk):
    _guard(request, "contingency.read_playbooks")
    try:
        return selectors.playbook_get_for(actor=request.user, playbook_id=pk)
    except NotFound:
        raise Http404 from None


@login_required
def playbook_detail(request: HttpRequest, pk) -> HttpResponse:
    playbook = _playbook_or_404(request, pk)
    versions = list(reversed(playbook.versions.all()))[:4]  # newest first, side by side
    return render(request, "contingency/playbook_detail.html", {
        "playbook": playbook, "versions": versions, "departments": dict(Department.choices),
        "can_write": request.user.has_perm("contingency.write_playbooks"),
        "drills": selectors.drill_list_for(actor=request.user, playbook_id=playbook.pk)[:10]
        if request.user.has_perm("contingency.drills") else [],
    })


@login_required
@require_POST
def playbook_propose(request: HttpRequest, pk) -> HttpResponse:
    playbook = _playbook_or_404(request, pk)
    try:
        version = services.playbook_version_propose(actor=request.user, playbook_id=playbook.pk)
    except DomainError as exc:
        _refused(request, exc)
        return redirect("contingency:playbook", pk=playbook.pk)
    return redirect("contingency:version-edit", pk=playbook.pk, number=version.number)


@login_required
@require_POST
def version_activate(request: HttpRequest, pk, number) -> HttpResponse:
    playbook = _playbook_or_404(request, pk)
    try:
        services.playbook_version_activate(actor=request.user, playbook_id=playbook.pk, number=number)
        messages.success(request, _("The version is now active."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("contingency:playbook", pk=playbook.pk)


@login_required
def version_edit(request: HttpRequest, pk, number) -> HttpResponse:
    """Edit a draft: key points one per line, steps in a formset (the order field reorders)."""
    playbook = _playbook_or_404(request, pk)
    _guard(request, "contingency.write_playbooks")
    try:
        version = selectors.playbook_version_get_for(actor=request.user, playbook_id=playbook.pk, number=number)
    except NotFound:
        raise Http404 from None
    if version.status != VersionStatus.DRAFT:
        raise Http404
    if request.method == "POST":
        form = forms.VersionForm(request.POST)
        steps = forms.StepFormSet(request.POST, prefix="steps")
        if form.is_valid() and steps.is_valid():
            rows = [f.cleaned_data for f in steps.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            old = {s.get("title"): s for s in version.steps}
            data = {
                "key_points": [line.strip() for line in form.cleaned_data["key_points"].splitlines() if line.strip()],
                "steps": [
                    {**{k: old.get(r["title"], {}).get(k, "") for k in ("title_en", "instructions_en")},
                     "order": i, "title": r["title"], "instructions": r["instructions"],
                     "department": r["department"], "due_within": r["due_within"], "required": r["required"]}
                    for i, r in enumerate(sorted(rows, key=lambda r: r["order"]), start=1)
                ],
            }
            if not data["steps"]:
                messages.error(request, _("Give at least one step."))
            else:
                try:
                    services.playbook_version_update(actor=request.user, playbook_id=playbook.pk,
                                                     number=version.number, data=data)
                    messages.success(request, _("Draft saved."))
                    return redirect("contingency:playbook", pk=playbook.pk)
                except DomainError as exc:
                    _refused(request, exc)
    else:
        from contingency.api.fields import format_iso_duration

        form = forms.VersionForm(initial={"key_points": "\n".join(version.key_points)})
        steps = forms.StepFormSet(prefix="steps", initial=[
            {**s, "due_within": format_iso_duration(s["due_within"])} for s in sorted(version.steps,
                                                                                      key=lambda s: s["order"])
        ])
    return render(request, "contingency/version_edit.html",
                  {"playbook": playbook, "version": version, "form": form, "steps": steps})


# -- activations -------------------------------------------------------------------------------


@login_required
def activation_list(request: HttpRequest) -> HttpResponse:
    _guard(request, "contingency.read_activations")
    activations = selectors.activation_list_for(actor=request.user)[:100]
    can_activate = request.user.has_perm("contingency.activate")
    form = forms.ActivateForm(initial={"cases": request.GET.get("case", "")}) if can_activate else None
    return render(request, "contingency/activation_list.html",
                  {"activations": activations, "form": form, "can_activate": can_activate})


@login_required
def activation_new(request: HttpRequest) -> HttpResponse:
    """Manual activation (lead): GET with ?case=<id> from a case's workspace, POST to activate."""
    _guard(request, "contingency.activate")
    form = forms.ActivateForm(request.POST or None, initial={"cases": request.GET.get("case", "")})
    if request.method == "POST" and form.is_valid():
        try:
            activation, _created = services.activation_create_manual(
                actor=request.user, playbook_id=form.cleaned_data["playbook"].pk,
                case_ids=form.cleaned_data["cases"], note=form.cleaned_data["note"],
            )
            return redirect("contingency:activation", pk=activation.pk)
        except DomainError as exc:
            _refused(request, exc)
    return render(request, "contingency/activation_new.html", {"form": form})


def _activation_or_404(request, pk):
    try:
        return selectors.activation_get_for(actor=request.user, activation_id=pk)
    except NotFound:
        raise Http404 from None


def _board_context(request, activation, **forms_):
    by_department: dict[str, list] = {}
    for task in activation.tasks.all():
        by_department.setdefault(task.get_department_display(), []).append(task)
    user = request.user
    return {
        "activation": activation,
        "by_department": sorted(by_department.items()),
        "timeline": selectors.activation_events_for(actor=user, activation_id=activation.pk),
        "can_run": user.has_perm("contingency.activate"),
        "can_work": user.has_perm("contingency.complete_tasks") and activation.is_open,
        "resolve_form": forms_.get("resolve_form") or forms.ResolveForm(),
        "review_form": forms_.get("review_form") or forms.ReviewForm(),
        "comment_form": forms_.get("comment_form") or forms.CommentForm(),
    }


@login_required
def activation_board(request: HttpRequest, pk) -> HttpResponse:
    activation = _activation_or_404(request, pk)
    return render(request, "contingency/activation_board.html", _board_context(request, activation))


@login_required
def activation_live(request: HttpRequest, pk) -> HttpResponse:
    """The board's tasks and timeline, polled by htmx every 10 s."""
    activation = _activation_or_404(request, pk)
    return render(request, "contingency/_board_live.html", _board_context(request, activation))


@login_required
@require_POST
def activation_transition(request: HttpRequest, pk, name) -> HttpResponse:
    activation = _activation_or_404(request, pk)
    if name not in TRANSITIONS:
        raise Http404
    form_class = {"resolve": forms.ResolveForm, "submit_review": forms.ReviewForm}.get(name)
    payload: dict = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            context = _board_context(request, activation, **{f"{name.split('_')[-1]}_form": form})
            return render(request, "contingency/activation_board.html", context, status=400)
        payload = form.cleaned_data
    try:
        services.activation_transition(activation_id=activation.pk, name=name, actor=request.user, payload=payload)
    except DomainError as exc:
        _refused(request, exc)
    return redirect("contingency:activation", pk=activation.pk)


@login_required
@require_POST
def task_complete(request: HttpRequest, pk, task_id) -> HttpResponse:
    activation = _activation_or_404(request, pk)
    form = forms.TaskCompleteForm(request.POST)
    notes = form.cleaned_data["notes"] if form.is_valid() else ""
    try:
        services.activation_task_complete(activation_id=activation.pk, task_id=task_id, actor=request.user,
                                          notes=notes)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        _refused(request, exc)
    return redirect("contingency:activation", pk=activation.pk)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk) -> HttpResponse:
    activation = _activation_or_404(request, pk)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        return render(request, "contingency/activation_board.html",
                      _board_context(request, activation, comment_form=form), status=400)
    try:
        services.activation_comment_add(activation_id=activation.pk, actor=request.user, body=form.cleaned_data["body"])
    except DomainError as exc:
        _refused(request, exc)
    return redirect("contingency:activation", pk=activation.pk)


# -- drills ----------------------------------------------------------------------------------


@login_required
def drills(request: HttpRequest) -> HttpResponse:
    _guard(request, "contingency.drills")
    form = forms.DrillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            drill = services.drill_schedule(actor=request.user, playbook=form.cleaned_data["playbook"],
                                            scheduled_for=form.cleaned_data["scheduled_for"],
                                            repeat_every=form.cleaned_data["repeat_every"])
            if drill.activation_id:
                return redirect("contingency:activation", pk=drill.activation_id)
            messages.success(request, _("Drill scheduled."))
            return redirect("contingency:drills")
        except DomainError as exc:
            _refused(request, exc)
    return render(request, "contingency/drills.html", {
        "form": form, "drills": selectors.drill_list_for(actor=request.user)[:100],
    }, status=400 if request.method == "POST" else 200)


def case_panel_context(request: HttpRequest, case) -> dict | None:
    """The workspace panel (complaints.views.workspace.register_case_panel): the activations that
    cover the case, and for a lead the link that activates a playbook for it."""
    from contingency.models import Activation

    can_read = request.user.has_perm("contingency.read_activations")
    can_activate = request.user.has_perm("contingency.activate")
    activations = list(
        Activation.objects.filter(case_links__case_id=case.pk).select_related("playbook").order_by("-activated_at")
    )
    if not activations and not can_activate:
        return None
    return {"activations": activations, "can_read": can_read, "can_activate": can_activate, "case_id": case.pk}
