"""Default SLA policy for every category and severity.

Final answer within 15 calendar days (银行业保险业消费投诉处理管理办法, 2020); higher severities
get shorter terms, critical cases the shortest and the emergency group at once on breach.
"""

from datetime import timedelta

from django.db import migrations

H = timedelta(hours=1)
D = timedelta(days=1)

# severity: (acknowledge, verify, final answer, follow-up, warn ratio, emergency after breach)
DEFAULTS = {
    "low": (2 * D, 7 * D, 15 * D, 7 * D, 0.75, 2 * D),
    "normal": (1 * D, 5 * D, 15 * D, 7 * D, 0.75, 1 * D),
    "high": (8 * H, 3 * D, 10 * D, 5 * D, 0.7, 12 * H),
    "critical": (2 * H, 1 * D, 5 * D, 3 * D, 0.5, timedelta(0)),
}


def seed(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    for category in Category.objects.all():
        for severity, (ack, verify, final, follow_up, warn, emergency) in DEFAULTS.items():
            SlaPolicy.objects.get_or_create(
                category=category,
                severity=severity,
                defaults={
                    "acknowledge_within": ack,
                    "verify_within": verify,
                    "final_answer_within": final,
                    "follow_up_within": follow_up,
                    "calendar": "calendar",
                    "warn_ratio": warn,
                    "emergency_after": emergency,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_seed_business_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
