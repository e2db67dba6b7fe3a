import pytest

from tests.factories import advance, make_case


@pytest.mark.django_db
def test_case_walks_the_happy_path_to_closed(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=6)

    assert case.state == "closed"
