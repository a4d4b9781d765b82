import pytest

from tests.factories import make_periods, make_world


@pytest.fixture
def periods(db):
    return make_periods()


@pytest.fixture
def world(personas, periods):
    return make_world(personas, periods)
