"""Seed the business calendar for the years the chinese-calendar package covers (admin rows win).

Idempotent: existing day rows are kept, so re-running it (tests do after a flush) adds only
what is missing."""

from django.db import migrations


def seed(apps, schema_editor):
    from timers.calendar import load_years_from_package

    load_years_from_package(
        calendar_day_model=apps.get_model("timers", "CalendarDay"),
        calendar_year_model=apps.get_model("timers", "CalendarYear"),
    )


class Migration(migrations.Migration):
    dependencies = [("timers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
