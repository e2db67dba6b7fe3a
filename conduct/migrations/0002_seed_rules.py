"""The conduct rules of the China Banking Association's 2026 collection guideline
(《金融机构个人消费类贷款催收工作指引（试行）》), enabled, and two US variants, disabled."""

from django.db import migrations

RULES = [
    ("quiet_hours", "quiet_hours", True, {"start": "22:00", "end": "08:00"}, 10,
     "禁止在22:00至次日08:00电话或上门催收", "No calls or visits between 22:00 and 08:00"),
    ("daily_unanswered_attempts", "daily_unanswered_attempts", True, {"max": 6}, 20,
     "同一号码每日未接通呼叫不超过6次", "At most 6 unanswered call attempts per number and day"),
    ("unrelated_third_party", "unrelated_third_party", True, {}, 30,
     "不得联系债务人、担保人、配偶以外的第三人", "No contact with anyone but the debtor, guarantor and spouse"),
    ("visit_collectors", "visit_collectors", True, {"min": 2}, 40,
     "上门催收至少两名催收人员", "At least two collectors on a visit"),
    ("attempts_in_days", "attempts_in_days", False, {"max": 7, "days": 7}, 50,
     "7日内呼叫不超过7次（美国 Regulation F）", "At most 7 call attempts in 7 days (US Regulation F)"),
    ("quiet_hours_us", "quiet_hours", False, {"start": "21:00", "end": "08:00"}, 60,
     "仅在08:00至21:00之间联系（美国 FDCPA）", "Contact only between 08:00 and 21:00 (US FDCPA)"),
]


def seed(apps, schema_editor):
    ConductRule = apps.get_model("conduct", "ConductRule")
    for code, kind, enabled, params, order, name_zh, name_en in RULES:
        ConductRule.objects.get_or_create(
            code=code,
            defaults={"kind": kind, "enabled": enabled, "params": params, "sort_order": order,
                      "name_zh": name_zh, "name_en": name_en},
        )


def unseed(apps, schema_editor):
    apps.get_model("conduct", "ConductRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("conduct", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
