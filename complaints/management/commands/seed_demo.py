"""`manage.py seed_demo`: the demo users, teams and a few hundred realistic cases (README "Demo users").

Cases are created and moved through `complaints.services`, so their timelines, deadlines and
versions are the real thing. Running it again changes nothing: users and teams are looked up
first, and the cases are skipped once the demo marker (external IDs `DEMO-…`) exists.
"""

from __future__ import annotations

import importlib
import logging
import random
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team
from common.api import validated
from complaints import demo_data, services
from complaints.api import inputs
from complaints.choices import Channel, CollectionChannel, RiskFlag, Severity
from complaints.models import Category, ComplaintCase, SlaPolicy

User = get_user_model()

# Where each demo case ends up, and how many transitions of the happy path get it there.
HAPPY_STEPS = {"intake": 0, "verify": 1, "communicate": 2, "resolve": 3, "feedback": 4, "follow_up": 5, "closed": 6}
# Targets beyond the happy path: withdrawn part-way, and reopened after an unhappy feedback.
TARGETS = [*HAPPY_STEPS, "withdrawn", "reopened"]
TARGET_WEIGHTS = [12, 12, 12, 8, 8, 8, 30, 5, 5]
# Days before now a case with this target was received (older cases are further along).
RECEIVED_DAYS = {
    "intake": (0, 3), "verify": (0.5, 12), "communicate": (2, 20), "resolve": (3, 25),
    "feedback": (5, 35), "follow_up": (7, 40), "closed": (10, 59), "withdrawn": (3, 59),
    "reopened": (10, 45),
}
SEVERITY_WEIGHTS = {Severity.LOW: 15, Severity.NORMAL: 55, Severity.HIGH: 22, Severity.CRITICAL: 8}
CHANNEL_WEIGHTS = {
    Channel.PHONE: 45, Channel.WEB: 15, Channel.EMAIL: 8, Channel.SMS: 5, Channel.WALK_IN: 8,
    Channel.LETTER: 4, Channel.REGULATOR: 10, Channel.SOCIAL_MEDIA: 5,
}


class Command(BaseCommand):
    help = "Create demo users, teams and a few hundred demo complaint cases (refuses unless DEBUG or --force)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument("--cases", type=int, default=300, help="How many demo cases (default 300).")
        parser.add_argument("--seed", type=int, default=20261128, help="Random seed for repeatable data.")

    def handle(self, *args, force: bool, cases: int, seed: int, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(_("seed_demo refuses to run with DEBUG off; pass --force to run it anyway."))
        started = time.monotonic()
        self.random_passwords: dict[str, str] = {}
        rng = random.Random(seed)
        # One INFO line per case and transition would bury the summary.
        quiet = logging.getLogger("complaints")
        level = quiet.level
        if options["verbosity"] < 2:
            quiet.setLevel(logging.WARNING)
        try:
            created = self._seed(rng, cases)
        finally:
            quiet.setLevel(level)
        if settings.DEMO_RANDOM_PASSWORDS:
            self.stdout.write(self.style.SUCCESS(
                _("Demo data ready: %(created)d new cases in %(seconds).1fs.")
                % {"created": created, "seconds": time.monotonic() - started}
            ))
            # Shown this once; they are stored hashed only.
            for username, password in self.random_passwords.items():
                self.stdout.write(f"{username}: {password}")
            return
        self.stdout.write(self.style.SUCCESS(
            _("Demo data ready: %(created)d new cases in %(seconds).1fs. Users: %(users)s; password %(password)s")
            % {"created": created, "seconds": time.monotonic() - started,
               "users": ", ".join(u.username for u in demo_data.USERS), "password": demo_data.DEMO_PASSWORD}
        ))

    def _seed(self, rng: random.Random, cases: int) -> int:
        with transaction.atomic():
            self._ensure_categories()
            teams = self._ensure_teams()
            users = self._ensure_users(teams)
            self._ensure_sla_policies()
            self._assign_category_teams(teams)
            # Playbooks, the emergency group and other apps' demo data (contingency registers its
            # seeder in its AppConfig.ready), before the cases that may trigger them.
            for seeder in demo_data.extra_seeders():
                seeder(users=users, teams=teams, stdout=self.stdout)
            if ComplaintCase.objects.filter(external_id__startswith=demo_data.DEMO_EXTERNAL_ID_PREFIX).exists():
                created = 0
                self.stdout.write(_("Demo cases exist already; skipped."))
            else:
                created = self._create_cases(rng, users, cases)
        return created

    # -- reference data and people ---------------------------------------------------------

    def _ensure_categories(self) -> None:
        seeded = importlib.import_module("complaints.migrations.0002_seed_categories")
        for order, (code, zh, en, desc_zh, desc_en) in enumerate(seeded.CATEGORIES):
            Category.objects.get_or_create(code=code, defaults={
                "name_zh": zh, "name_en": en, "description_zh": desc_zh, "description_en": desc_en,
                "sort_order": order * 10,
            })

    def _ensure_teams(self) -> dict[str, Team]:
        return {code: Team.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in demo_data.TEAMS}

    def _ensure_users(self, teams: dict[str, Team]) -> dict[str, User]:
        users = {}
        for spec in demo_data.USERS:
            user, created = User.objects.get_or_create(username=spec.username, defaults={
                "display_name": spec.display_name, "is_staff": spec.is_staff, "is_superuser": spec.is_superuser,
            })
            if created:
                password = demo_data.DEMO_PASSWORD
                if settings.DEMO_RANDOM_PASSWORDS:
                    password = secrets.token_urlsafe(12)
                    self.random_passwords[spec.username] = password
                user.set_password(password)
                user.save(update_fields=["password"])
            user.groups.add(*Group.objects.filter(name__in=[str(r) for r in spec.roles]))
            user.teams.add(*(teams[code] for code in spec.teams))
            users[spec.username] = user
        return users

    def _ensure_sla_policies(self) -> None:
        # A data migration seeds the policies; this only fills gaps, never overwrites an edit.
        for category in Category.objects.all():
            for severity in Severity.values:
                SlaPolicy.objects.get_or_create(category=category, severity=severity)

    def _assign_category_teams(self, teams: dict[str, Team]) -> None:
        # Cases the call center registers go to the category's team; keep an admin's choice.
        for category in Category.objects.filter(default_team__isnull=True):
            category.default_team = teams["team-b" if category.code in demo_data.TEAM_B_CATEGORIES else "team-a"]
            category.save(update_fields=["default_team"])

    # -- cases -----------------------------------------------------------------------------

    def _create_cases(self, rng: random.Random, users: dict[str, User], count: int) -> int:
        codes = list(Category.objects.filter(code__in=demo_data.COMPLAINTS).values_list("code", flat=True))
        plans = [self._plan(rng, i, codes) for i in range(count)]
        # Oldest first, so a repeat complaint is recognised against the earlier one.
        plans.sort(key=lambda plan: plan["received_at"])
        complainants: list[dict] = []
        workers = {"team-a": users["agent"], "team-b": users["agent2"]}
        for number, plan in enumerate(plans, start=1):
            complainant = self._complainant(rng, complainants)
            creator = rng.choices([users["agent"], users["agent2"], users["callcenter"]], [40, 35, 25])[0]
            case = services.case_create(actor=creator, **validated(inputs.CaseCreateSerializer, {
                **plan["data"], "complainant": complainant,
                "external_id": f"{demo_data.DEMO_EXTERNAL_ID_PREFIX}{number:04d}",
            }))
            self._walk(rng, case, plan, worker=workers.get(case.team.code, users["supervisor"]),
                       supervisor=users["supervisor"])
        return len(plans)

    def _plan(self, rng: random.Random, index: int, codes: list[str]) -> dict:
        # The first cases cover every target and category; the rest follow the weights.
        target = TARGETS[index] if index < len(TARGETS) else rng.choices(TARGETS, TARGET_WEIGHTS)[0]
        code = codes[index % len(codes)] if index < len(codes) else rng.choice(codes)
        summary, description = rng.choice(demo_data.COMPLAINTS[code])
        low, high = RECEIVED_DAYS[target]
        received_at = timezone.now() - timedelta(days=rng.uniform(low, high))
        severity = rng.choices(list(SEVERITY_WEIGHTS), list(SEVERITY_WEIGHTS.values()))[0]
        channel = rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]
        flags = []
        if channel == Channel.REGULATOR:
            flags.append(RiskFlag.REGULATOR_REFERRAL)
        if channel == Channel.SOCIAL_MEDIA or rng.random() < 0.04:
            flags.append(RiskFlag.MEDIA_EXPOSURE)
        if rng.random() < 0.05:
            flags.append(rng.choice([RiskFlag.LITIGATION_THREAT, RiskFlag.MASS_COMPLAINT]))
        if severity == Severity.CRITICAL and rng.random() < 0.3:
            flags.append(rng.choice([RiskFlag.SELF_HARM_RISK, RiskFlag.VIOLENCE_THREAT]))
        return {
            "target": target,
            "code": code,
            "received_at": received_at,
            "data": {
                "channel": channel,
                "category": code,
                "severity": severity,
                "summary": summary,
                "description": description,
                "received_at": received_at,
                "account_reference": demo_data.demo_account(rng),
                "collection_channel": rng.choice(CollectionChannel.values),
                "risk_flags": [str(f) for f in flags],
            },
        }

    def _complainant(self, rng: random.Random, seen: list[dict]) -> dict:
        if seen and rng.random() < 0.08:
            return rng.choice(seen)  # the same person complains again: a repeat complaint
        complainant = {"name": demo_data.demo_name(rng), "phone": demo_data.demo_phone(rng)}
        if rng.random() < 0.6:
            complainant["id_number"] = demo_data.demo_id_number(rng)
        seen.append(complainant)
        return complainant

    def _walk(self, rng: random.Random, case: ComplaintCase, plan: dict, *, worker, supervisor) -> None:
        """Move the case to its target through the services, with calls and notes on the way."""
        target, code = plan["target"], plan["code"]
        steps = {"withdrawn": rng.randint(0, 3), "reopened": 5}.get(target, HAPPY_STEPS.get(target, 0))

        def fire(name: str, payload: dict | None = None, actor=worker) -> None:
            services.case_transition(case_id=case.pk, name=name, actor=actor,
                                     payload=validated(inputs.TRANSITION_INPUTS[name], payload or {}))

        payloads = [
            ("start_verification", {}),
            ("complete_verification", {"finding": rng.choice(demo_data.FINDINGS),
                                       "notes": rng.choice(demo_data.VERIFICATION_NOTES)}),
            ("propose_resolution", {"customer_demand": demo_data.CUSTOMER_DEMANDS[code]}),
            ("resolve", {"actions": [{"type": t, "amount": a, "detail": d} for t, a, d in demo_data.RESOLUTIONS[code]],
                         "summary": rng.choice(demo_data.RESOLUTION_SUMMARIES)}),
            ("record_feedback", {"satisfaction": rng.randint(3, 5), "accepted": True,
                                 "comment": rng.choice(demo_data.FEEDBACK_COMMENTS[:3])}),
            ("close", {"notes": "回访确认客户问题已解决，结案。"}),
        ]
        for index, (name, payload) in enumerate(payloads[:steps]):
            if target == "reopened" and name == "record_feedback":
                payload = {"satisfaction": rng.randint(1, 2), "accepted": False, "comment": demo_data.FEEDBACK_COMMENTS[3]}
            fire(name, payload)
            if index == 0:
                services.case_communication_add(case_id=case.pk, actor=worker, **{
                    "channel": Channel.PHONE, "direction": "outbound",
                    "outcome": rng.choice(["reached", "reached", "reached", "no_answer", "left_message"]),
                    "summary": "致电客户确认投诉内容，告知处理流程和时限。",
                })
            if index == 1 and rng.random() < 0.3:
                services.case_note_add(case_id=case.pk, actor=worker, body="已调取相关通话录音，留存备查。")
        if target == "withdrawn":
            fire("withdraw", {"reason": "客户来电表示问题已自行解决，申请撤回投诉。"})
        elif target == "reopened":
            fire("reopen", {"reason": "客户对处理结果不满意，重新协商。"}, actor=supervisor)
