import pytest
from django.utils import timezone

from timers.models import CalendarYear

pytestmark = pytest.mark.django_db


def test_admin_index_warns_about_a_year_without_holiday_schedule(client, admin_user):
    next_year = timezone.localdate().year + 1
    CalendarYear.objects.filter(year=next_year).delete()
    client.force_login(admin_user)

    page = client.get("/admin/").content.decode()

    assert 'id="calendar-warning"' in page and str(next_year) in page


def test_admin_index_has_no_warning_when_both_years_are_loaded(client, admin_user):
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        CalendarYear.objects.get_or_create(year=year)
    client.force_login(admin_user)

    page = client.get("/admin/").content.decode()

    assert 'id="calendar-warning"' not in page
