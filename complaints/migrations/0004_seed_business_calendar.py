"""Formerly seeded the business calendar here; the calendar is the timers app's now and its
`timers.0002_seed_business_calendar` seeds it (rows seeded here before are copied over by
`0009_deadlines_to_timers`). Kept empty so the migration graph stays as databases recorded it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_case_sla_terms")]
    operations: list = []
