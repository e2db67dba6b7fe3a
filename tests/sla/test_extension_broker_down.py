from complaints.choices import EventKind
from complaints.models import CaseEvent
from tests.factories import make_case


def test_extension_is_saved_and_answered_when_the_broker_is_down(
    api, agent, dead_broker, django_capture_on_commit_callbacks
):
    case = make_case(actor=agent)

    # execute=True runs the after-commit publish, which used to raise into the request.
    with django_capture_on_commit_callbacks(execute=True):
        response = api(agent).post(
            f"/api/v1/complaints/{case.pk}/extension/", {"reason": "案情复杂，需调取录音"}, format="json"
        )

    assert (response.status_code, CaseEvent.objects.filter(case=case, kind=EventKind.EXTENSION).count()) == (200, 1)
