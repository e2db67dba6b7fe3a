"""Seed the business calendar for the years the chinese-calendar package covers (admin rows win)."""

from django.db import migrations


def seed(apps, schema_editor):
    from complaints.business_calendar import load_years_from_package

    load_years_from_package(
        calendar_day_model=apps.get_model("complaints", "CalendarDay"),
        calendar_year_model=apps.get_model("complaints", "CalendarYear"),
    )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_case_sla_terms")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
