"""`manage.py seed_demo`: refuses without DEBUG unless forced, creates the README's demo users and
realistic cases through the services, and changes nothing when run again."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from accounts.models import Team
from complaints import demo_data
from complaints.choices import CaseState, EventKind
from complaints.models import CaseEvent, Category, ComplaintCase
from timers.models import Deadline

pytestmark = pytest.mark.django_db
User = get_user_model()
DEMO_SUMMARIES = {summary for texts in demo_data.COMPLAINTS.values() for summary, _ in texts}


def _seed(cases: int = 9, **options) -> str:
    out = StringIO()
    call_command("seed_demo", force=True, cases=cases, stdout=out, **options)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(), "teams": Team.objects.count(), "cases": ComplaintCase.objects.count(),
        "events": CaseEvent.objects.count(), "deadlines": Deadline.objects.count(),
    }


def test_refuses_to_run_with_debug_off():
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())


def test_refusal_creates_nothing():
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())

    assert User.objects.count() == 0


def test_runs_with_debug_on(settings):
    settings.DEBUG = True

    call_command("seed_demo", cases=3, stdout=StringIO())

    assert ComplaintCase.objects.count() == 3


def test_force_runs_with_debug_off():
    _seed(cases=3)

    assert ComplaintCase.objects.count() == 3


@pytest.mark.parametrize(
    "username", ["agent", "agent2", "supervisor", "lead", "member", "auditor", "callcenter", "admin"]
)
def test_demo_user_logs_in_with_the_demo_password(username):
    _seed(cases=0)

    assert User.objects.get(username=username).check_password("demo-pass-123")


@pytest.mark.parametrize(
    ("username", "role"),
    [("agent", "agent"), ("agent2", "agent"), ("supervisor", "supervisor"), ("lead", "emergency_lead"),
     ("member", "emergency_member"), ("auditor", "auditor"), ("callcenter", "api_client")],
)
def test_demo_user_has_its_role(username, role):
    _seed(cases=0)

    assert list(User.objects.get(username=username).groups.values_list("name", flat=True)) == [role]


@pytest.mark.parametrize(
    ("username", "teams"), [("agent", ["team-a"]), ("agent2", ["team-b"]), ("supervisor", ["team-a", "team-b"])]
)
def test_demo_user_is_in_its_teams(username, teams):
    _seed(cases=0)

    assert sorted(User.objects.get(username=username).teams.values_list("code", flat=True)) == teams


def test_admin_is_a_superuser():
    _seed(cases=0)

    admin = User.objects.get(username="admin")
    assert (admin.is_superuser, admin.is_staff) == (True, True)


def test_second_run_changes_no_counts():
    _seed()
    before = _counts()

    _seed()

    assert _counts() == before


def test_second_run_keeps_the_passwords():
    _seed(cases=0)
    before = dict(User.objects.values_list("username", "password"))

    _seed(cases=0)

    assert dict(User.objects.values_list("username", "password")) == before


def test_second_run_says_the_cases_were_skipped():
    _seed(cases=3)

    with translation.override("en"):
        assert "skipped" in _seed(cases=3)


def test_existing_user_is_reused_not_duplicated(agent):
    _seed(cases=0)

    assert User.objects.filter(username="agent").count() == 1


def test_cases_cover_every_state():
    _seed()

    assert set(ComplaintCase.objects.values_list("state", flat=True)) == set(CaseState.values)


def test_cases_cover_every_category():
    _seed()

    assert set(ComplaintCase.objects.values_list("category__code", flat=True)) == set(
        Category.objects.values_list("code", flat=True)
    )


def test_cases_carry_chinese_complaints_from_the_source_document():
    _seed()

    assert set(ComplaintCase.objects.values_list("summary", flat=True)) <= DEMO_SUMMARIES


def test_closed_case_has_the_whole_timeline():
    _seed()

    case = ComplaintCase.objects.get(state=CaseState.CLOSED)
    assert list(case.events.filter(kind=EventKind.TRANSITION).values_list("transition", flat=True)) == [
        "start_verification", "complete_verification", "propose_resolution", "resolve", "record_feedback", "close",
    ]


def test_cases_were_received_within_the_last_sixty_days():
    _seed()

    oldest = ComplaintCase.objects.order_by("received_at").first().received_at
    assert timezone.now() - oldest <= timedelta(days=60)


def test_cases_are_split_between_the_teams():
    _seed()

    assert set(ComplaintCase.objects.values_list("team__code", flat=True)) == {"team-a", "team-b"}


def test_registered_demo_seeder_runs_with_the_users(monkeypatch):
    calls = []
    monkeypatch.setattr(demo_data, "_extra_seeders", [lambda **kwargs: calls.append(sorted(kwargs["users"]))])

    _seed(cases=0)

    assert calls == [sorted(u.username for u in demo_data.USERS)]


@pytest.mark.slow
def test_default_run_creates_a_few_hundred_cases_in_every_state():
    _seed(cases=300)

    assert ComplaintCase.objects.count() == 300 and set(
        ComplaintCase.objects.values_list("state", flat=True)
    ) == set(CaseState.values)


def test_with_production_settings_the_demo_users_get_random_passwords(settings):
    settings.DEMO_RANDOM_PASSWORDS = True

    _seed(cases=0)

    assert not User.objects.get(username="supervisor").check_password(demo_data.DEMO_PASSWORD)


def test_random_passwords_are_printed_once_and_work(settings):
    settings.DEMO_RANDOM_PASSWORDS = True

    output = _seed(cases=0)

    line = next(line for line in output.splitlines() if line.startswith("supervisor: "))
    assert User.objects.get(username="supervisor").check_password(line.removeprefix("supervisor: "))
    assert demo_data.DEMO_PASSWORD not in output


def test_the_production_settings_ask_for_random_demo_passwords():
    from config.settings import production

    assert production.DEMO_RANDOM_PASSWORDS is True
